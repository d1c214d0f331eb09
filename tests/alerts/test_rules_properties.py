"""Laws of alert-rule evaluation, checked by hypothesis over random windows, rules and open
alerts: no dedup key opened twice, only open alerts resolved, nothing both re-notified and
resolved, and a rule that always holds leaves every firing column covered."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from driftscope.alerts.rules import Plan, WindowMetrics, evaluate, threshold_of
from driftscope.monitor import Rule
from driftscope.monitor.store.base import Alert

T0 = datetime(2026, 3, 1, tzinfo=UTC)
DAY = timedelta(days=1)
PROJECT = "credit"
COLUMNS = ("a", "b", "c", "d", "*")
METRICS = ("psi", "severity")
RULE_NAMES = ("r1", "r2", "r3")

values = st.one_of(
    st.floats(min_value=-1, max_value=3, allow_nan=False),
    st.just(float("nan")),
)
window_values = st.dictionaries(
    st.tuples(st.sampled_from(COLUMNS), st.sampled_from(METRICS)), values, max_size=10
)


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    columns = draw(st.one_of(st.just("*"), st.lists(st.sampled_from(COLUMNS), min_size=1)))
    limit = draw(st.sampled_from(["above", "below"]))
    return {
        "metric": draw(st.sampled_from(METRICS)),
        "columns": columns,
        limit: draw(st.floats(min_value=-1, max_value=3)),
    }


@st.composite
def rules(draw: st.DrawFn) -> list[Rule]:
    names = draw(st.lists(st.sampled_from(RULE_NAMES), min_size=1, unique=True))
    out = []
    for name in names:
        spec: dict[str, Any] = {"name": name, "for": draw(st.integers(1, 3))}
        if draw(st.booleans()):
            spec |= draw(conditions())
        else:
            spec["all"] = draw(st.lists(conditions(), min_size=1, max_size=3))
        spec["dedup"] = draw(st.sampled_from([None, "{project}/{rule}", "{column}"]))
        out.append(Rule.model_validate(spec))
    return out


@st.composite
def open_alerts(draw: st.DrawFn) -> list[Alert]:
    out = []
    for index in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from((*RULE_NAMES, "removed")))
        columns = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=3, unique=True))
        notified = draw(st.one_of(st.none(), st.integers(0, 48).map(lambda h: T0 + h * DAY / 24)))
        key = draw(st.sampled_from([f"{PROJECT}/{name}/{columns[0]}", f"{PROJECT}/{name}"]))
        out.append(
            Alert(
                id=index,
                project=PROJECT,
                rule=name,
                dedup_key=key,
                severity="warning",
                columns=tuple(columns),
                value=None,
                state="open",
                opened_at=T0,
                resolved_at=None,
                last_notified_at=notified,
            )
        )
    # The store keeps at most one open alert per dedup key.
    return list({alert.dedup_key: alert for alert in out}.values())


def history_of(windows: list[dict[tuple[str, str], float]]) -> list[WindowMetrics]:
    return [WindowMetrics(T0 + i * DAY, T0 + (i + 1) * DAY, v) for i, v in enumerate(windows)]


plans = st.builds(
    lambda rules_, windows, alerts, hours: (
        rules_,
        history_of(windows),
        alerts,
        evaluate(rules_, PROJECT, history_of(windows), alerts, T0 + hours * DAY / 24),
    ),
    rules(),
    st.lists(window_values, min_size=1, max_size=4),
    open_alerts(),
    st.integers(0, 96),
)


@given(plans)
def test_a_dedup_key_is_never_opened_twice(case):
    _, _, alerts, plan = case
    keys = [opening.dedup_key for opening in plan.opens]
    assert len(keys) == len(set(keys))
    assert not set(keys) & {alert.dedup_key for alert in alerts}


@given(plans)
def test_only_open_alerts_are_resolved_or_renotified_and_never_both(case):
    _, _, alerts, plan = case
    resolved = [resolution.alert for resolution in plan.resolves]
    renotified = [again.alert for again in plan.renotify]
    assert all(alert in alerts for alert in resolved + renotified)
    assert len({a.id for a in resolved}) == len(resolved)
    assert len({a.id for a in renotified}) == len(renotified)
    assert not {a.id for a in resolved} & {a.id for a in renotified}


@given(plans)
def test_an_opening_names_its_lead_first_and_at_most_one_per_rule(case):
    _, _, alerts, plan = case
    names = [opening.rule.name for opening in plan.opens]
    assert len(names) == len(set(names))
    for opening in plan.opens:
        columns = [item.column for item in opening.columns]
        assert len(columns) == len(set(columns)) >= 1
        covered = {c for a in alerts if a.rule == opening.rule.name for c in a.columns}
        assert not covered & set(columns)
        if not opening.rule.composite:
            _, threshold, direction = threshold_of(opening.rule)
            sign = 1 if direction == "above" else -1
            beyond = [sign * (item.value - threshold) for item in opening.columns]
            assert all(distance > 0 for distance in beyond)
            assert beyond[0] == max(beyond)


@given(plans)
def test_a_removed_rules_alerts_resolve_and_only_they_have_no_rule(case):
    rules_, _, alerts, plan = case
    names = {rule.name for rule in rules_}
    removed = {a.id for a in alerts if a.rule not in names}
    assert {r.alert.id for r in plan.resolves if r.rule is None} == removed


@given(
    st.lists(st.dictionaries(st.sampled_from(COLUMNS), values, max_size=5), min_size=1),
    open_alerts(),
)
def test_an_always_true_rule_leaves_every_firing_column_covered(windows, alerts):
    always = Rule.model_validate({"name": "r1", "metric": "psi", "below": 1e300})
    still_open = list(alerts)
    for index in range(len(windows)):
        history = history_of([{(c, "psi"): v for c, v in w.items()} for w in windows[: index + 1]])
        plan = evaluate([always], PROJECT, history, still_open, history[-1].end)
        still_open = apply(plan, still_open, history[-1].end)
        firing = {c for c, v in windows[index].items() if not math.isnan(v)}
        covered = {c for a in still_open if a.rule == "r1" for c in a.columns}
        assert firing <= covered
        assert all(a.rule == "r1" for a in still_open)


def apply(plan: Plan, alerts: list[Alert], now: datetime) -> list[Alert]:
    """What a store holds open after the plan: its resolves gone, its openings added."""
    gone = {resolution.alert.id for resolution in plan.resolves}
    kept = [a for a in alerts if a.id not in gone]
    next_id = max((a.id for a in alerts), default=0) + 1
    for offset, opening in enumerate(plan.opens):
        kept.append(
            replace(
                BLANK,
                id=next_id + offset,
                rule=opening.rule.name,
                dedup_key=opening.dedup_key,
                columns=tuple(item.column for item in opening.columns),
                opened_at=now,
                last_notified_at=now,
            )
        )
    return kept


BLANK = Alert(0, PROJECT, "", "", "warning", (), None, "open", T0, None, None)
