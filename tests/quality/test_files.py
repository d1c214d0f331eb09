"""The constraints file: saved and loaded back equal, and every mistake in it named by file,
line and key."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope._types import ColumnType
from driftscope.errors import ConfigError
from driftscope.quality import (
    Bounds,
    Categories,
    ColumnConstraints,
    Constraints,
    DatasetConstraints,
    load_constraints,
    save_constraints,
)
from driftscope.quality.files import HEADER, to_yaml
from driftscope.quality.infer import infer_table
from tests.quality._data import draw

GOOD = """\
version: 1
source: ref.csv
dataset:
  rows: {min: 1, max: null}
  duplicate_rows: {max_share: 0.01}
columns:
  age:
    kind: integer
    type: numeric
    completeness: 0.98
    range: {min: 0, max: 120}
  city:
    kind: string
    categories: [Oslo, Rome]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "constraints.yaml"
    path.write_text(text)
    return path


def test_an_inferred_file_loads_back_equal(tmp_path: Path) -> None:
    rules = infer_table(draw(np.random.default_rng(0), 1_000), source="ref.parquet")
    assert load_constraints(save_constraints(rules, tmp_path / "c.yaml")) == rules


def test_the_file_starts_with_a_header_that_explains_every_key(tmp_path: Path) -> None:
    rules = infer_table(draw(np.random.default_rng(0), 300), source="ref.parquet")
    text = save_constraints(rules, tmp_path / "c.yaml").read_text()
    assert text.startswith(HEADER)
    for key in ("rows", "duplicate_rows", "kind", "type", "present", "completeness", "range"):
        assert re.search(rf"^#\s+{key}\b", text, re.MULTILINE), key
    for key in ("categories", "other_share", "unique", "varies"):
        assert key in HEADER


def test_a_hand_written_file_reads_as_written(tmp_path: Path) -> None:
    rules = load_constraints(_write(tmp_path, GOOD))
    assert rules.source == "ref.csv"
    assert rules.dataset == DatasetConstraints(Bounds(1, None), 0.01)
    age = rules.column("age")
    assert (age.kind, age.type, age.present) == ("integer", ColumnType.NUMERIC, True)
    assert (age.completeness, age.range) == (0.98, Bounds(0, 120))
    assert rules.column("city").categories == Categories(("Oslo", "Rome"), 0.0)


_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
_category = st.one_of(_text, st.integers(-(2**62), 2**62), st.booleans())
_float = st.floats(allow_nan=False, allow_infinity=False)


@settings(deadline=None)  # the first example pays for imports
@given(
    name=_text.filter(bool),
    values=st.lists(_category, max_size=5),
    low=_float,
    width=st.floats(min_value=0, max_value=1e300),
    share=st.floats(min_value=0, max_value=1),
)
def test_any_values_round_trip_exactly(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    values: list[str | int | bool],
    low: float,
    width: float,
    share: float,
) -> None:
    high = low + width
    if math.isinf(high):
        high = low
    rules = Constraints(
        (
            ColumnConstraints(
                name,
                kind="string",
                completeness=share,
                range=Bounds(low, high),
                categories=Categories(tuple(values), share),
            ),
        ),
        source=name,
    )
    path = tmp_path_factory.mktemp("rt") / "c.yaml"
    back = load_constraints(save_constraints(rules, path))
    assert back == rules
    assert [type(v) for v in back.column(name).categories.values] == [type(v) for v in values]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        pytest.param(
            GOOD.replace("completeness: 0.98", "completness: 0.98"),
            10,
            ["unknown key 'completness' in column 'age'", "did you mean 'completeness'"],
            id="unknown-key",
        ),
        pytest.param(
            GOOD.replace("completeness: 0.98", "completeness: high"),
            10,
            ["column 'age'", "'completeness' must be a number from 0 to 1", "'high'"],
            id="wrong-type",
        ),
        pytest.param(
            GOOD.replace("completeness: 0.98", "completeness: 1.5"),
            10,
            ["'completeness' must be a number from 0 to 1 (or null); got 1.5"],
            id="completeness-above-one",
        ),
        pytest.param(
            GOOD.replace("{min: 0, max: 120}", "{min: 120, max: 0}"),
            11,
            ["column 'age' 'range': min 120 is above max 0"],
            id="min-above-max",
        ),
        pytest.param(
            GOOD.replace("    type: numeric\n", "    type: numeric\n    kind: float\n"),
            10,
            ["key 'kind' is given twice (first on line 8)"],
            id="duplicate-key",
        ),
        pytest.param(
            GOOD.replace("type: numeric", "type: number"),
            9,
            ["'type' must be one of numeric, categorical"],
            id="unknown-type",
        ),
        pytest.param(
            GOOD.replace("present: true", "").replace("kind: integer", "present: yes please"),
            8,
            ["'present' must be true or false"],
            id="not-a-flag",
        ),
        pytest.param(
            GOOD.replace("version: 1", "version: 2"),
            1,
            ["version 2 was written by a newer driftscope"],
            id="newer-version",
        ),
        pytest.param(
            GOOD.replace("[Oslo, Rome]", "[Oslo, [Rome]]"),
            14,
            ["each value must be text, a number or a boolean; got ['Rome']"],
            id="nested-category",
        ),
        pytest.param(
            GOOD.replace("  rows: {min: 1, max: null}", "  rows: {min: -1, max: null}"),
            4,
            ["'dataset' 'rows'", "'min' must be a whole number >= 0"],
            id="negative-rows",
        ),
        pytest.param(GOOD.replace("columns:", "colums:"), 6, ["did you mean 'columns'"], id="top"),
        pytest.param("", None, ["the file is empty"], id="empty-file"),
        pytest.param("- a\n- b\n", 1, ["top level must be a mapping"], id="not-a-mapping"),
        pytest.param("version: 1\n", 1, ["has no 'columns' key"], id="no-columns"),
        pytest.param("version: [1\n", 2, [], id="not-yaml"),
    ],
)
def test_a_mistake_names_the_file_the_line_and_the_key(
    tmp_path: Path, text: str, line: int | None, words: list[str]
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_constraints(path)
    message = str(caught.value)
    place = f"{path}, line {line}: " if line is not None else f"{path}: "
    assert message.startswith(place), message
    for word in words:
        assert word in message
    assert "\n" not in message


def test_a_missing_file_is_one_line_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: constraints file not found"):
        load_constraints(tmp_path / "nope.yaml")


def test_categories_keep_the_kind_of_their_column() -> None:
    rules = Constraints(
        (
            ColumnConstraints("zip", kind="integer", categories=Categories((1, 2), 0.0)),
            ColumnConstraints("flag", kind="boolean", categories=Categories((False, True), 0.0)),
            ColumnConstraints("code", kind="string", categories=Categories(("1", "yes"), 0.0)),
        )
    )
    text = to_yaml(rules)
    assert "- 1\n" in text
    assert "- false\n" in text
    assert "- '1'\n" in text
    assert "- 'yes'\n" in text
