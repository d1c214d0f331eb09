"""The HTML report: escaping, no network, structure, ordering, size and speed.

The page is parsed with the standard library's html.parser into a flat list of elements (each
knowing its ancestors), which is enough to check structure without a browser.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_module
import itertools
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.report.conftest import changed, column_result

from driftscope._types import ColumnType, Role
from driftscope.report._format import fmt_num, fmt_p, fmt_share, fmt_ticks
from driftscope.report._sections import method_statistics
from driftscope.report.html import render_html, render_notebook
from driftscope.report.svg import nice_ticks
from driftscope.result import (
    ColumnResult,
    DatasetVerdict,
    Distribution,
    DriftReport,
    QualityIssue,
    Source,
)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: tuple[int, ...]
    text: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class Page(HTMLParser):
    """Every element in document order, with its attributes, ancestors and direct text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[int] = []
        self.texts: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, tuple(self.stack)))
        if tag not in VOID:
            self.stack.append(len(self.elements) - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, tuple(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        # Pop up to the matching open element; a mismatch means our markup is broken.
        while self.stack:
            if self.elements[self.stack.pop()].tag == tag:
                return
        raise AssertionError(f"stray closing tag </{tag}>")

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self.stack:
            self.elements[self.stack[-1]].text.append(data)

    def find(self, tag: str, cls: str | None = None, within: int | None = None) -> list[int]:
        return [
            i
            for i, el in enumerate(self.elements)
            if el.tag == tag
            and (cls is None or cls in el.classes)
            and (within is None or within in el.ancestors)
        ]

    def text_of(self, index: int) -> str:
        """All text inside element ``index``, its descendants included."""
        own = "".join(self.elements[index].text)
        inner = ("".join(el.text) for el in self.elements[index + 1 :] if index in el.ancestors)
        return own + "".join(inner)


def sections(page: Page) -> dict[str, int]:
    return {page.elements[i].attrs["data-name"]: i for i in page.find("details", "col")}


def test_page_is_a_complete_document(realistic_report):
    html = render_html(realistic_report)
    assert html.startswith("<!DOCTYPE html>")
    assert html.rstrip().endswith("</html>")
    page = Page(html)
    assert not page.stack, "every element is closed"
    assert [el.tag for el in page.elements[:2]] == ["html", "head"]


@pytest.mark.parametrize("field_name", ["name", "label", "source", "error"])
def test_hostile_strings_only_appear_escaped(realistic_report, hostile, field_name):
    html = render_html(realistic_report)
    raw = hostile.fields()[field_name]
    assert raw not in html
    escaped = (
        raw.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )
    assert escaped in html


@pytest.mark.parametrize("field_name", ["name", "label", "source", "error"])
def test_hostile_strings_read_back_as_text(realistic_report, hostile, field_name):
    page = Page(render_html(realistic_report))
    assert hostile.fields()[field_name] in "".join(page.texts)


def test_the_only_script_is_ours_and_the_csp_allows_exactly_it(realistic_report):
    html = render_html(realistic_report)
    page = Page(html)
    scripts = page.find("script")
    assert len(scripts) == 1
    body = "".join(page.elements[scripts[0]].text)
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    [meta] = [el for el in page.elements if el.attrs.get("http-equiv") == "Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in meta.attrs["content"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == f"'sha256-{digest}'"
    assert policy["style-src"] == "'unsafe-inline'"
    assert policy["img-src"] == "data:"
    # The policy must come before anything it governs.
    assert page.elements.index(meta) < page.find("style")[0]


def test_no_markup_from_user_strings_becomes_elements(realistic_report):
    page = Page(render_html(realistic_report))
    tags = {el.tag for el in page.elements}
    assert not tags & {"img", "b", "iframe", "object", "embed", "form"}
    handlers = [(el.tag, a) for el in page.elements for a in el.attrs if a.startswith("on")]
    assert handlers == []


def test_nothing_refers_to_the_network(realistic_report, wide_report):
    for report in (realistic_report, wide_report(30)):
        html = render_html(report)
        assert not re.search(r"https?:|//[a-z0-9]", html, re.IGNORECASE)
        page = Page(html)
        links = [
            v
            for el in page.elements
            for k, v in el.attrs.items()
            if k in {"href", "src", "xlink:href"}
        ]
        assert links, "the page has in-page links"
        assert all(v.startswith(("#", "data:")) for v in links), links


def test_every_column_has_one_section(realistic_report):
    page = Page(render_html(realistic_report))
    found = sections(page)
    assert sorted(found) == sorted(c.name for c in realistic_report.columns)
    ids = [el.attrs["id"] for el in page.elements if "id" in el.attrs]
    assert len(ids) == len(set(ids))


def test_every_distribution_is_drawn_with_a_legend_and_axis_labels(realistic_report):
    page = Page(render_html(realistic_report))
    found = sections(page)
    for col in realistic_report.columns:
        charts = page.find("svg", "chart", within=found[col.name])
        if col.distribution is None:
            assert charts == [], col.name
            continue
        [chart] = charts
        text = page.text_of(chart)
        for words in ("reference", "current", "share of rows"):
            assert words in text, (col.name, words)
        assert page.find("g", "legend", within=chart)
        if col.distribution.kind == "histogram":
            assert len(page.find("path", "ref", within=chart)) == 1
            assert len(page.find("path", "cur", within=chart)) == 1
            assert col.name in text  # the x axis is labelled with the column
        else:
            n = len(col.distribution.labels)
            # One bar per category and side, plus one swatch per side in the legend.
            assert len(page.find("rect", "ref", within=chart)) == n + 1
            assert len(page.find("rect", "cur", within=chart)) == n + 1


def test_histogram_path_heights_follow_the_shares():
    dist = Distribution("histogram", ("a", "b", "c"), (0.5, 0.25, 0.25), (0.1, 0.1, 0.8),
                        (0.0, 1.0, 2.0, 3.0))  # fmt: skip
    page = Page(render_html(report_of([column("x", distribution=dist)])))
    [ref] = page.find("path", "ref")
    [cur] = page.find("path", "cur")

    def heights(index: int) -> list[float]:
        d = page.elements[index].attrs["d"]
        base = float(re.match(r"M[\d.]+ ([\d.]+)", d).group(1))
        return [base - float(v) for v in re.findall(r"V([\d.]+)H", d)]

    r, c = heights(ref), heights(cur)
    # Heights are proportional to shares: the same scale for both series.
    assert r[0] / r[1] == pytest.approx(2, rel=0.02)
    assert r[1] == pytest.approx(r[2], rel=0.02)
    assert c[2] / c[0] == pytest.approx(8, rel=0.02)
    assert c[2] / r[0] == pytest.approx(0.8 / 0.5, rel=0.02)


def test_severity_chart_lists_tested_columns_most_severe_first(realistic_report, severity):
    page = Page(render_html(realistic_report))
    rows = [page.elements[i] for i in page.find("a", "sev-row")]
    tested = [c for c in realistic_report.columns if c.method is not None and c.error is None]
    expected = sorted(tested, key=severity, reverse=True)
    assert [r.attrs["data-name"] for r in rows] == [c.name for c in expected]
    assert [severity(c) for c in expected] != [severity(c) for c in tested], "order changed"


def test_drifted_bars_are_in_the_warning_colour_and_link_to_their_section(realistic_report):
    page = Page(render_html(realistic_report))
    found = sections(page)
    for i in page.find("a", "sev-row"):
        row = page.elements[i]
        col = realistic_report.column(row.attrs["data-name"])
        bar = page.elements[page.find("rect", within=i)[0]]
        assert bar.classes == ({"drift"} if col.drifted else {"ok"})
        assert row.attrs["href"] == "#" + page.elements[found[col.name]].attrs["id"]
        assert page.find("line", "thr", within=i), "each bar shows the threshold"


def test_bar_lengths_grow_with_severity_up_to_the_axis_cap():
    cols = [column(f"c{p}", p_value=p) for p in (0.5, 0.05, 0.0025, 1e-300)]
    page = Page(render_html(report_of(cols)))
    widths = {}
    for i in page.find("a", "sev-row"):
        bar = page.elements[page.find("rect", within=i)[0]]
        widths[page.elements[i].attrs["data-name"]] = float(bar.attrs["width"].rstrip("%"))
    # -log10(p) / -log10(0.05): 0.23, 1 and 2 on an axis that ends at 5; the last overflows.
    assert widths["c0.05"] == pytest.approx(20, abs=0.01)
    assert widths["c0.5"] == pytest.approx(100 * math.log10(0.5) / math.log10(0.05) / 5, abs=0.01)
    assert widths["c0.0025"] == pytest.approx(40, abs=0.01)
    assert widths["c1e-300"] == 100


def test_drifted_sections_are_open_and_come_first(realistic_report):
    page = Page(render_html(realistic_report))
    order = [page.elements[i] for i in page.find("details", "col")]
    states = [el.attrs["data-drifted"] for el in order]
    assert states == sorted(states, reverse=True)
    for el in order:
        assert ("open" in el.attrs) == (el.attrs["data-drifted"] == "1")


def test_summary_counts_drift_errors_and_untested(realistic_report):
    page = Page(render_html(realistic_report))
    [summary] = page.find("section", "summary")
    text = " ".join(page.text_of(summary).split())
    v = realistic_report.dataset
    assert v.drifted, "the fixture's dataset drifts"
    assert v.headline.startswith("Dataset drift (MAJOR)")
    assert v.headline in text
    assert f"{v.drifted_columns} of {v.columns} features drifted" in text
    tiles = {
        page.text_of(page.find("div", "k", within=t)[0]): page.text_of(
            page.find("div", "v", within=t)[0]
        )
        for t in page.find("div", "tile", within=summary)
    }
    assert tiles["columns with errors"] == "2"
    assert tiles["columns not tested"] == "1"
    assert tiles["drifted features"] == f"{v.drifted_columns} / {v.columns}"
    chips = [page.text_of(i) for i in page.find("a", "chip")]
    assert chips == realistic_report.drifted_columns


def test_errors_and_untested_reasons_are_shown_in_their_section(realistic_report, hostile):
    page = Page(render_html(realistic_report))
    found = sections(page)
    assert hostile.error in page.text_of(found["notes"])
    assert "all values are missing" in page.text_of(found["all_missing"])
    assert "role id is not tested" in page.text_of(found["customer_id"])


def test_test_table_and_summary_statistics_are_side_by_side(realistic_report):
    page = Page(render_html(realistic_report))
    age = realistic_report.column("age")
    found = sections(page)
    [table] = page.find("table", "stats", within=found["age"])
    rows = [
        [page.text_of(c) for c in page.find("th", within=r) + page.find("td", within=r)]
        for r in page.find("tr", within=table)
    ]
    assert rows[0] == ["", "reference", "current", "change"]
    mean = next(r for r in rows if r[0] == "mean")
    ref, cur = age.reference_stats["mean"], age.current_stats["mean"]
    assert mean[1:3] == [fmt_num(ref), fmt_num(cur)]
    assert mean[3] == f"{(cur - ref) / age.reference_stats['std']:+.2f} sd"
    count = next(r for r in rows if r[0] == "count")
    ref, cur = age.reference_stats["count"], age.current_stats["count"]
    assert count[3] == f"{(cur - ref) / abs(ref) * 100:+.1f}%"
    test_text = page.text_of(page.find("table", "test", within=found["age"])[0])
    assert fmt_p(age.p_value) in test_text
    assert "p < 0.05" in test_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(0.123456, "0.1235", id="four_significant_digits"),
        pytest.param(123456.7, "123,457", id="thousands_separated"),
        pytest.param(1234567.0, "1.235e+06", id="millions_in_e_notation"),
        pytest.param(0.0001234, "1.234e-04", id="small_values_in_e_notation"),
        pytest.param(12, "12", id="integers_exact"),
        pytest.param(math.inf, "∞", id="infinity"),
        pytest.param(None, "—", id="missing"),
    ],
)
def test_numbers_are_formatted_for_people(value, text):
    assert fmt_num(value) == text


@pytest.mark.parametrize(
    ("p", "text"),
    [
        pytest.param(1.234e-5, "1.2e-05", id="tiny"),
        pytest.param(0.0432, "0.0432", id="ordinary"),
        pytest.param(0.99999, "1", id="near_one"),
        pytest.param(0.0, "0", id="zero"),
    ],
)
def test_p_values_are_formatted_for_people(p, text):
    assert fmt_p(p) == text


@pytest.mark.parametrize(
    ("share", "text"),
    [
        pytest.param(0.28, "28%", id="whole_percent"),
        pytest.param(0.0123, "1.2%", id="one_decimal"),
        pytest.param(1e-5, "<0.1%", id="tiny_not_zero"),
        pytest.param(0.99995, ">99.9%", id="almost_all_not_all"),
    ],
)
def test_shares_are_percentages(share, text):
    assert fmt_share(share) == text


@given(st.floats(-1e9, 1e9, allow_nan=False), st.floats(1e-6, 1e9, allow_nan=False))
def test_nice_ticks_lie_inside_the_range_evenly_spaced(low, width):
    high = low + width
    ticks = nice_ticks(low, high)
    assert ticks
    # Up to float precision (and a billionth of the range, invisible on a chart), ticks are
    # inside the range and evenly spaced.
    slack = max(4 * math.ulp(max(abs(low), abs(high))), 1e-9 * width)
    assert all(low - slack <= t <= high + slack for t in ticks)
    assert 2 <= len(ticks) <= 11
    step = ticks[1] - ticks[0]
    assert all(abs((b - a) - step) <= 2 * slack for a, b in itertools.pairwise(ticks))
    assert len(set(fmt_ticks(ticks))) == len(ticks), "every tick has its own label"


def test_twenty_five_columns_are_small_and_fast(wide_report):
    report = wide_report(25)
    html = render_html(report)
    assert len(html.encode()) < 300_000
    best = min(_timed(render_html, report) for _ in range(5))
    assert best < 0.1


@pytest.mark.slow
def test_two_thousand_columns_still_render(wide_report):
    report = wide_report(2000)
    start = time.perf_counter()
    html = render_html(report)
    assert time.perf_counter() - start < 5
    # Counting markers instead of parsing: html.parser needs ~10 s for this page.
    names = re.findall(r'<details class="col [a-z]+" id="c\d+" data-name="([^"]*)"', html)
    assert sorted(names) == sorted(c.name for c in report.columns)
    assert html.count('<a class="sev-grid sev-row') == 2000
    assert html.count('<svg class="chart"') == 2000


def test_empty_report_renders_with_a_note():
    page = Page(render_html(report_of([])))
    assert "No column was tested." in "".join(page.texts)
    assert sections(page) == {}


def test_degenerate_inputs_render_without_nan_or_crash():
    single = Distribution("histogram", ("[5, 5]",), (1.0,), (1.0,), (5.0, 5.0))
    broken = Distribution("bars", ("a", "b"), (0.5,), (0.2, 0.8))
    nan_shares = Distribution("bars", ("a", "b"), (math.nan, 1.0), (0.0, 0.0))
    cols = [
        column("single", distribution=single),
        column("broken", distribution=broken),
        column("nan", distribution=nan_shares),
        column("inf", statistic=math.inf, p_value=None, higher_is_drift=True, threshold=0.0),
        column("nan_stat", statistic=math.nan),
    ]
    html = render_html(report_of(cols))
    page = Page(html)
    assert len(sections(page)) == len(cols)
    assert "do not line up" in page.text_of(sections(page)["broken"])
    coordinates = " ".join(
        v for el in page.elements for k, v in el.attrs.items() if k in {"d", "x", "y", "width"}
    )
    assert not re.search("nan|inf", coordinates, re.IGNORECASE)


@settings(max_examples=40, deadline=None)
@given(name=st.text(min_size=1, max_size=40), label=st.text(min_size=1, max_size=40))
def test_any_name_and_label_read_back_unchanged(name, label):
    dist = Distribution("bars", (label, "other"), (0.4, 0.6), (0.6, 0.4))
    page = Page(render_html(report_of([column(name, distribution=dist)])))
    assert len(page.find("script")) == 1
    [section] = page.find("details", "col")
    assert page.elements[section].attrs["data-name"] == name
    [cname] = page.find("span", "cname", within=section)
    assert page.text_of(cname) == name
    [row] = page.find("a", "sev-row")
    assert page.elements[row].attrs["data-name"] == name
    [chart] = page.find("svg", "chart", within=section)
    assert label[:21] in page.text_of(chart)


def _timed(render: Callable[[DriftReport], str], report: DriftReport) -> float:
    start = time.perf_counter()
    render(report)
    return time.perf_counter() - start


def column(name: str, **changes: object) -> ColumnResult:
    """A tested numeric ks column that does not drift, with ``changes`` applied."""
    flat: dict[str, object] = {
        "name": name, "type": ColumnType.NUMERIC, "role": Role.FEATURE, "method": "ks",
        "statistic": 0.05, "p_value": 0.3, "threshold": 0.05, "higher_is_drift": False,
        "drifted": False, "reference_missing_share": 0.0, "current_missing_share": 0.0,
    }  # fmt: skip
    flat.update(changes)
    p_value, threshold = flat["p_value"], flat["threshold"]
    if "drifted" not in changes and isinstance(p_value, float) and isinstance(threshold, float):
        flat["drifted"] = p_value < threshold
    return column_result(**flat)


def report_of(columns: list[ColumnResult]) -> DriftReport:
    drifted = sum(c.drifted for c in columns)
    return DriftReport(
        reference=Source(100, "ref.parquet"),
        current=Source(100, "cur.parquet"),
        dataset=DatasetVerdict(False, drifted, len(columns), 0.0, 0.5),
        columns=tuple(columns),
        created_at="2026-11-25T12:00:00Z",
        driftscope_version="0.1.0",
    )


def test_quality_findings_are_listed_escaped_and_linked_to_their_column(realistic_report, hostile):
    issues = (
        QualityIssue(hostile.name, "new_categories", "warning", f"new in {hostile.label}"),
        QualityIssue(None, "missing_column", "error", "column 'gone' is missing from current"),
    )
    page = Page(render_html(replace(realistic_report, quality=issues)))
    (card,) = page.find("section", "quality")
    items = page.find("li", within=card)
    assert len(items) == 2
    # errors come first; each item shows its severity, its check and its message
    severities = [page.text_of(page.find("span", "q", within=item)[0]) for item in items]
    assert severities == ["error", "warning"]
    assert "missing_column" in page.text_of(items[0])
    assert "column 'gone' is missing from current" in page.text_of(items[0])
    assert f"new in {hostile.label}" in page.text_of(items[1])
    (link,) = page.find("a", within=items[1])
    target = page.elements[link].attrs["href"]
    assert target == f"#{page.elements[sections(page)[hostile.name]].attrs['id']}"


def test_no_quality_card_without_findings(realistic_report):
    assert realistic_report.quality == ()
    assert Page(render_html(realistic_report)).find("section", "quality") == []


def test_dataset_reasons_and_column_tiers_are_shown(realistic_report, hostile):
    columns = list(realistic_report.columns)
    columns[0] = changed(columns[0], severity="major")
    reasons = (f"major: {hostile.name} (ks_distance 0.3)", "warning: income (psi 0.12)")
    dataset = replace(realistic_report.dataset, severity="major", reasons=reasons)
    page = Page(render_html(replace(realistic_report, columns=tuple(columns), dataset=dataset)))
    (reason_list,) = page.find("ul", "reasons")
    assert [page.text_of(i) for i in page.find("li", within=reason_list)] == list(reasons)
    section = sections(page)[columns[0].name]
    (tag,) = page.find("span", "sev-tag", within=section)
    assert page.text_of(tag) == "major"
    assert page.elements[tag].classes == {"sev-tag", "major"}
    tiles = [page.text_of(i) for i in page.find("div", "tile")]
    assert any(t.startswith("major") and "severity" in t for t in tiles)


def test_importance_is_shown_with_its_column(realistic_report):
    columns = list(realistic_report.columns)
    columns[0] = replace(columns[0], importance=0.425)
    page = Page(render_html(replace(realistic_report, columns=tuple(columns))))
    section = sections(page)[columns[0].name]
    badges = [page.text_of(i) for i in page.find("span", "badge", within=section)]
    assert f"importance {fmt_share(0.425)}" in badges
    rows = {page.text_of(i) for i in page.find("th", within=section)}
    assert "importance" in rows


@pytest.mark.parametrize(
    ("severity", "kind"),
    [("major", "drift"), ("warning", "warn"), ("none", "ok")],
    ids=["major", "warning", "none"],
)
def test_verdict_headline_is_the_reports_one_verdict(realistic_report, severity, kind):
    dataset = replace(
        realistic_report.dataset, drifted=severity == "major", severity=severity, major_features=1
    )
    page = Page(render_html(replace(realistic_report, dataset=dataset)))
    (verdict,) = page.find("div", "verdict")
    assert page.elements[verdict].classes == {"verdict", kind}
    (strong,) = page.find("strong", within=verdict)
    assert page.text_of(strong) == dataset.headline
    expected = {"major": "Dataset drift (MAJOR)", "warning": "Drift (warning)", "none": "No drift"}
    assert dataset.headline.startswith(expected[severity])


def change_cells(col: ColumnResult) -> dict[str, Element]:
    """The change cell of each row of the column's statistics table, by the row's name."""
    page = Page(render_html(report_of([col])))
    [table] = page.find("table", "stats")
    cells = {}
    for row in page.find("tr", within=table)[1:]:
        name = page.text_of(page.find("th", within=row)[0])
        [*_, change] = page.find("td", within=row)
        cells[name] = page.elements[change]
    return cells


def numeric_column(ref: dict[str, object], cur: dict[str, object]) -> ColumnResult:
    return column("x", reference_stats=ref, current_stats=cur)


def test_location_changes_are_counted_in_reference_standard_deviations():
    # The issue's case: a min from 0.001 to 0.003 is no "+200%" when values spread by 0.179.
    ref = {"count": 1000, "mean": 0.3332, "std": 0.179, "min": 0.001, "median": 0.314}
    cur = {"count": 1000, "mean": 0.3917, "std": 0.1763, "min": 0.003, "median": 0.38}
    cells = change_cells(numeric_column(ref, cur))
    assert "".join(cells["min"].text) == "+0.01 sd"
    assert "big" not in cells["min"].classes
    assert "".join(cells["mean"].text) == f"{(0.3917 - 0.3332) / 0.179:+.2f} sd"
    assert "big" in cells["mean"].classes  # 0.33 sd
    assert "standard deviation" in cells["mean"].attrs["title"]
    # Counts and spreads keep the relative change.
    assert "".join(cells["std"].text) == f"{(0.1763 - 0.179) / 0.179 * 100:+.1f}%"
    assert "".join(cells["count"].text) == "+0.0%"


@pytest.mark.parametrize(
    ("ref", "cur", "text", "big"),
    [
        pytest.param(
            {"p25": 10.0, "median": 20.0, "p75": 30.0},
            {"p25": 10.0, "median": 21.0, "p75": 30.0},
            "+0.05 IQR",
            False,
            id="iqr_without_std",
        ),
        pytest.param(
            {"std": 0.0, "p25": 10.0, "median": 20.0, "p75": 30.0},
            {"std": 1.0, "p25": 10.0, "median": 25.0, "p75": 30.0},
            "+0.25 IQR",
            True,
            id="iqr_when_std_is_zero",
        ),
        pytest.param(
            {"std": math.nan, "median": 20.0},
            {"std": 1.0, "median": 21.0},
            "+5.0%",
            False,
            id="relative_without_a_spread",
        ),
        pytest.param(
            {"std": 2.0, "median": 20.0},
            {"std": 2.0, "median": 19.0},
            "-0.50 sd",
            True,
            id="negative_shift",
        ),
    ],
)
def test_location_changes_fall_back_to_the_iqr_then_to_the_relative_change(ref, cur, text, big):
    cell = change_cells(numeric_column(ref, cur))["median"]
    assert "".join(cell.text) == text
    assert ("big" in cell.classes) == big


def test_category_counts_keep_the_relative_change(realistic_report):
    cells = change_cells(realistic_report.column("plan"))
    assert "".join(cells["categories"].text) == "+0.0%"
    assert "".join(cells["most_frequent"].text) == ""


def tail_column(low: float, high: float) -> ColumnResult:
    """A column whose histogram spans [0, 10] while its values reach from ``low`` to ``high``."""
    edges = tuple(float(e) for e in range(11))
    labels = ("< 1", *(f"[{a}, {a + 1})" for a in range(1, 9)), "≥ 9")
    ref = (0.2, *(0.075,) * 8, 0.2)
    cur = (0.3, *(0.05,) * 8, 0.3)
    dist = Distribution("histogram", labels, ref, cur, edges)
    stats = {"min": low, "max": high}
    return column("x", distribution=dist, reference_stats=stats, current_stats=stats)


@pytest.mark.parametrize(
    ("low", "high", "sides"),
    [
        pytest.param(-5.0, 25.0, ["low", "high"], id="both_tails"),
        pytest.param(-5.0, 10.0, ["low"], id="low_tail"),
        pytest.param(0.0, 25.0, ["high"], id="high_tail"),
        pytest.param(0.0, 10.0, [], id="no_tail"),
    ],
)
def test_tail_bars_are_hatched_labelled_and_explained(low, high, sides):
    page = Page(render_html(report_of([tail_column(low, high)])))
    [chart] = page.find("svg", "chart")
    hatched = [page.elements[i] for i in page.find("rect", "tail", within=chart)]
    bars = [float(r.attrs["x"]) for r in hatched if "height" in r.attrs and "y" in r.attrs]
    tips = [page.text_of(i) for i in page.find("title", within=chart)]
    text = page.text_of(chart)
    if not sides:
        assert hatched == []
        assert "tail" not in text
        return
    # One hatched bar per tail, plus the legend's swatch; the end bins' tooltips explain them.
    assert len(bars) == len(sides) + 1
    assert "end bars include the tails" in text
    if "low" in sides:
        assert "tail < 1" in text
        assert "every value below 0, down to the minimum -5" in tips[0]
    if "high" in sides:
        assert "tail ≥ 9" in text
        assert "every value above 10, up to the maximum 25" in tips[-1]
    assert sum("tail:" in tip for tip in tips) == len(sides)


def test_histograms_that_reach_the_extremes_have_no_tails(realistic_report):
    page = Page(render_html(realistic_report))
    assert page.find("rect", "tail") == []


def test_the_tail_hatching_is_defined_once(realistic_report):
    page = Page(render_html(realistic_report))
    assert len([el for el in page.elements if el.attrs.get("id") == "ds-tail"]) == 1


def test_long_text_statistics_are_cut_with_the_whole_text_in_a_tooltip(long_names_report):
    page = Page(render_html(long_names_report))
    col = long_names_report.columns[3]
    [table] = page.find("table", "stats", within=sections(page)[col.name])
    cells = [page.elements[i] for i in page.find("td", "txt", within=table)]
    assert len(cells) == 2
    for cell in cells:
        assert cell.attrs["title"] == col.reference_stats["most_frequent"]
        shown = "".join(cell.text)
        assert len(shown) <= 60
        assert shown.endswith("…")


def test_long_column_names_are_shown_whole_in_their_section(long_names_report):
    page = Page(render_html(long_names_report))
    for col in long_names_report.columns:
        [cname] = page.find("span", "cname", within=sections(page)[col.name])
        assert page.text_of(cname) == col.name


def test_numbers_of_the_test_table_stay_on_one_line(realistic_report):
    page = Page(render_html(realistic_report))
    [table] = page.find("table", "test", within=sections(page)["age"])
    rows = {
        page.text_of(page.find("th", within=r)[0]): page.elements[page.find("td", within=r)[0]]
        for r in page.find("tr", within=table)
    }
    for key in ("statistic", "p-value", "threshold ratio", "n_reference"):
        assert "num" in rows[key].classes, key
    for key in ("method", "drift when", "alternative"):
        assert "num" not in rows[key].classes, key


def test_statistics_are_the_finite_statistic_of_a_tested_column():
    assert method_statistics(column("a", method="psi", statistic=0.25)) == {"psi": 0.25}
    assert method_statistics(column("b", statistic=math.nan)) == {}
    infinite = column("c", statistic=math.inf, p_value=None, higher_is_drift=True)
    assert method_statistics(infinite) == {}
    assert method_statistics(column("d", method=None, statistic=None, p_value=None)) == {}


def test_each_bar_carries_its_statistics_and_the_menu_offers_each_method(mixed_methods_report):
    page = Page(render_html(mixed_methods_report))
    [menu] = page.find("select")
    assert page.elements[menu].attrs["id"] == "ds-stat"
    options = [page.elements[i] for i in page.find("option", within=menu)]
    tested = [c for c in mixed_methods_report.columns if c.tested]
    methods = sorted({m for c in tested for m in method_statistics(c)})
    assert methods == ["chi2", "ks", "psi", "wasserstein"]
    assert [o.attrs["value"] for o in options] == ["", *methods]
    assert "selected" in options[0].attrs
    assert "".join(options[0].text) == "threshold ratio"
    for i in page.find("a", "sev-row"):
        row = page.elements[i]
        col = mixed_methods_report.column(row.attrs["data-name"])
        carried = json.loads(row.attrs["data-stats"])
        assert carried == pytest.approx(method_statistics(col), rel=1e-5)


def test_no_menu_without_a_statistic():
    page = Page(render_html(report_of([column("x", statistic=math.nan)])))
    assert page.find("select") == []
    assert "data-stats" not in {k for el in page.elements for k in el.attrs}


def test_notebook_frame_holds_exactly_the_page(realistic_report):
    frame = realistic_report._repr_html_()
    assert frame == render_notebook(realistic_report)
    page = Page(frame)
    [iframe] = page.elements
    assert iframe.tag == "iframe"
    assert html_module.unescape(re.search('srcdoc="([^"]*)"', frame).group(1)) == render_html(
        realistic_report
    )
    assert iframe.attrs["srcdoc"] == render_html(realistic_report)
    assert iframe.attrs["sandbox"] == "allow-scripts"  # no allow-same-origin: walled off
    assert iframe.attrs["width"] == "100%"
    assert int(iframe.attrs["height"]) >= 400
    assert "border:0" in iframe.attrs["style"]
    assert "<" not in frame[len("<iframe") : -len("</iframe>")], "the page is escaped"


def test_the_multivariate_section_shows_only_when_asked_and_escapes_names(
    multivariate_report, realistic_report, hostile
):
    from driftscope.report.html import render_html

    page = render_html(multivariate_report)
    assert page.count('<section class="card multivariate"') == 1
    assert page.count('<tr class="mv-drift">') == 3
    assert hostile.name not in page  # only its escaped form
    assert html_module.escape(hostile.name) in page
    assert 'class="card multivariate"' not in render_html(realistic_report)
