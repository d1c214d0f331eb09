"""Alert rules, pure: a window's stored metrics and the open alerts in, a :class:`Plan` out
(which alerts to open, re-notify and resolve). No store, no I/O, no clock: the caller passes
the history and ``now``, applies the plan to its store and tells the channels.

Semantics (SPEC section 9):

- A window's metrics are ``(column, metric) -> value``, column ``*`` for dataset-level
  figures. A condition selects ``columns`` (``*``: every column holding its metric in the
  window, ``*`` itself included) and holds where the value is strictly above (``>``) or below
  (``<``) its threshold; NaN never holds.
- A simple rule holds on the columns where its condition holds. A composite rule (``all``)
  holds when every condition holds on some column; it holds on the union of its conditions'
  columns other than ``*`` (on ``*`` alone when that is all there is).
- ``for: N``: a column fires when the rule held on it in each of the last N windows of the
  history (fewer than N windows: not yet).
- The firing columns of a rule that no open alert of that rule covers make one new alert:
  its lead column is the one furthest beyond its threshold (``|value - threshold|``, ties by
  name), its dedup key the rule's template with the lead column, its columns all of them,
  lead first. A dedup key that is open already is never opened again (in the window where
  its alert resolves neither: the store may apply the plan in any order).
- An open alert whose rule holds on one of its columns is re-notified once its cooldown has
  passed since it was last notified (never notified: at once).
- An open alert resolves in the first window where its rule holds on none of its columns
  while at least one of its columns' metrics is there (a window without them, e.g. with no
  traffic, keeps it open; a NaN counts as not there). An alert whose rule is no longer
  configured resolves at once.

Built-in tiers, used when the config gives no ``alerts.rules`` (``rules: []`` means none):

- ``drift-warning`` (tier 1, investigate): ``severity`` above 0.5 (a warning or worse) on
  ``alerts.key_features``, or on every column when none are given; severity ``warning``; to
  chat: every ``slack``, ``webhook``, ``email`` and ``log`` channel.
- ``drift-major-performance`` (tier 2, page): all of ``severity`` above 1.5 (major) on the
  same columns and ``performance_drop`` above 0.5 on ``*`` (a measured or estimated drop);
  severity ``critical``; every ``pagerduty`` channel and every ``log`` channel.
- ``concept-drift`` (tier 2, page), when the project has detectors on the model's error
  stream (:mod:`driftscope.monitor.streams`): ``detections`` above 0 on them; severity
  ``critical``; the same channels as tier 2.

All keep the default cooldown of one hour, ``for: 1`` and the dedup key
``{project}/{rule}/{column}``.

>>> from datetime import UTC, datetime, timedelta
>>> rule = Rule.model_validate({"name": "psi", "metric": "psi", "above": 0.25})
>>> day = datetime(2026, 3, 1, tzinfo=UTC)
>>> window = WindowMetrics(day, day + timedelta(days=1),
...                        {("income", "psi"): 0.4, ("age", "psi"): 0.3, ("city", "psi"): 0.1})
>>> plan = evaluate([rule], "credit", [window], open_alerts=[], now=day + timedelta(days=1))
>>> (opening,) = plan.opens
>>> opening.dedup_key, [item.column for item in opening.columns]
('credit/psi/income', ['income', 'age'])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from driftscope.alerts.events import ColumnValue
from driftscope.errors import InputError
from driftscope.monitor._config_alerts import Alerts, Condition, Rule, dedup_key
from driftscope.monitor.store.base import DATASET_COLUMN, Alert, MetricPoint

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MonitorConfig

TIER1_RULE = "drift-warning"
TIER2_RULE = "drift-major-performance"
CONCEPT_RULE = "concept-drift"
WARNING_SEVERITY = 0.5
"""``severity`` is 0 (none), 1 (warning) or 2 (major) per column: above 0.5 is a warning."""
MAJOR_SEVERITY = 1.5
"""Above 1.5 is major drift."""
PERFORMANCE_DROP = 0.5
"""``performance_drop`` is 1 when the measured or estimated performance dropped, else 0."""
CHAT_CHANNELS = ("slack", "webhook", "email", "log")
"""The channel types tier 1 goes to."""
PAGE_CHANNELS = ("pagerduty", "log")
"""The channel types tier 2 goes to."""


@dataclass(frozen=True, slots=True)
class WindowMetrics:
    """One computed window's figures: ``(column, metric) -> value``, column ``*`` for the
    dataset and the model."""

    start: datetime
    end: datetime
    values: Mapping[tuple[str, str], float]


@dataclass(frozen=True, slots=True)
class Opening:
    """A new alert of ``rule`` under ``dedup_key``, on ``columns`` (lead first) with their
    values in the window."""

    rule: Rule
    dedup_key: str
    columns: tuple[ColumnValue, ...]


@dataclass(frozen=True, slots=True)
class Renotify:
    """An open alert whose cooldown has passed while its rule still holds: ``columns`` are
    the current values of those of its columns on which the rule holds."""

    rule: Rule
    alert: Alert
    columns: tuple[ColumnValue, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    """An open alert to resolve; ``rule`` is None when the rule was removed from the config."""

    alert: Alert
    rule: Rule | None


@dataclass(frozen=True, slots=True)
class Plan:
    """What one window's evaluation asks of the store and the channels."""

    opens: tuple[Opening, ...] = ()
    renotify: tuple[Renotify, ...] = ()
    resolves: tuple[Resolution, ...] = ()


_Index = dict[str, dict[str, float]]
"""A window's values as metric -> column -> value."""


@dataclass(frozen=True, slots=True)
class _Hit:
    """A column on which a rule holds: the value shown for it and how far beyond its
    threshold that value lies."""

    value: float
    distance: float


def effective_rules(alerts: Alerts, concept: Sequence[str] = ()) -> tuple[Rule, ...]:
    """The configured rules, or the built-in tiers when the config gives none (see the
    module's docstring); ``concept`` names the detectors on the model's error stream.

    >>> alerts = Alerts.model_validate({"channels": {"pd": {"type": "pagerduty",
    ...                                  "routing_key": "k"}}, "key_features": ["income"]})
    >>> [(rule.name, rule.channels) for rule in effective_rules(alerts)]
    [('drift-warning', ()), ('drift-major-performance', ('pd',))]
    """
    if alerts.rules_given:
        return alerts.rules
    columns: str | list[str] = "*" if alerts.key_features is None else list(alerts.key_features)

    def of_type(kinds: tuple[str, ...]) -> list[str]:
        return [name for name, channel in alerts.channels.items() if channel.type in kinds]

    tier1 = {
        "name": TIER1_RULE,
        "metric": "severity",
        "columns": columns,
        "above": WARNING_SEVERITY,
        "severity": "warning",
        "channels": of_type(CHAT_CHANNELS),
    }
    tier2 = {
        "name": TIER2_RULE,
        "all": [
            {"metric": "severity", "columns": columns, "above": MAJOR_SEVERITY},
            {"metric": "performance_drop", "columns": "*", "above": PERFORMANCE_DROP},
        ],
        "severity": "critical",
        "channels": of_type(PAGE_CHANNELS),
    }
    rules = [Rule.model_validate(tier1), Rule.model_validate(tier2)]
    if concept:
        alarm = {
            "name": CONCEPT_RULE,
            "metric": "detections",
            "columns": list(concept),
            "above": 0,
            "severity": "critical",
            "channels": of_type(PAGE_CHANNELS),
        }
        rules.append(Rule.model_validate(alarm))
    return tuple(rules)


def project_rules(config: MonitorConfig) -> tuple[Rule, ...]:
    """The rules a project runs: :func:`effective_rules` of its alerts and its detectors."""
    concept = [item.key for item in config.detectors if item.stream == "error"]
    return effective_rules(config.alerts, concept)


def threshold_of(rule: Rule) -> tuple[str, float, Literal["above", "below"]]:
    """The metric, threshold and direction that messages about ``rule`` name: its condition,
    or for a composite rule its first condition on listed columns (else its first).

    >>> threshold_of(Rule.model_validate({"name": "acc", "metric": "accuracy", "below": 0.8}))
    ('accuracy', 0.8, 'below')
    """
    condition = _primary(rule)
    threshold, direction = condition.limit
    return condition.metric, threshold, direction


def max_for(rules: Iterable[Rule]) -> int:
    """How many windows of history :func:`evaluate` needs for ``rules`` (at least one).

    >>> max_for([Rule.model_validate({"name": "r", "metric": "psi", "above": 1, "for": 3})])
    3
    """
    return max((rule.for_ for rule in rules), default=1)


def holds(rule: Rule, window: WindowMetrics) -> dict[str, float]:
    """The columns on which ``rule`` holds in ``window``, with the value shown for each.

    >>> day = datetime(2026, 3, 1)
    >>> rule = Rule.model_validate({"name": "r", "all": [
    ...     {"metric": "severity", "above": 1.5},
    ...     {"metric": "performance_drop", "above": 0.5}]})
    >>> values = {("income", "severity"): 2.0, ("age", "severity"): 1.0}
    >>> holds(rule, WindowMetrics(day, day, values))
    {}
    >>> holds(rule, WindowMetrics(day, day, values | {("*", "performance_drop"): 1.0}))
    {'income': 2.0}
    """
    hits = _holds(rule, _primary(rule), _index(window))
    return {column: hit.value for column, hit in hits.items()}


def column_values(
    rule: Rule | None, window: WindowMetrics, columns: Iterable[str]
) -> tuple[ColumnValue, ...]:
    """The value of ``rule``'s metric (:func:`threshold_of`) on each of ``columns`` in
    ``window``, None where it is not there or ``rule`` is None (removed): what a resolve
    message shows.

    >>> day = datetime(2026, 3, 1)
    >>> rule = Rule.model_validate({"name": "r", "metric": "psi", "above": 0.25})
    >>> column_values(rule, WindowMetrics(day, day, {("a", "psi"): 0.1}), ["a", "b"])
    (ColumnValue(column='a', value=0.1), ColumnValue(column='b', value=None))
    """
    metric = None if rule is None else threshold_of(rule)[0]
    return tuple(
        ColumnValue(column, None if metric is None else window.values.get((column, metric)))
        for column in columns
    )


def windows_from_points(points: Iterable[MetricPoint]) -> list[WindowMetrics]:
    """The store's points grouped into one :class:`WindowMetrics` per window, oldest first."""
    grouped: dict[tuple[datetime, datetime], dict[tuple[str, str], float]] = {}
    for point in points:
        span = (point.window_start, point.window_end)
        grouped.setdefault(span, {})[(point.column, point.metric)] = point.value
    return [WindowMetrics(start, end, values) for (start, end), values in sorted(grouped.items())]


def evaluate(
    rules: Sequence[Rule],
    project: str,
    history: Sequence[WindowMetrics],
    open_alerts: Sequence[Alert],
    now: datetime,
) -> Plan:
    """What the last window of ``history`` (consecutive windows, oldest first; it needs
    :func:`max_for` of them) asks for, given the project's ``open_alerts``; ``now`` decides
    which cooldowns have passed. See the module's docstring for the semantics."""
    if not history:
        raise InputError("alerts: evaluate needs the window to evaluate; the history is empty")
    for before, after in pairwise(history):
        if after.start <= before.start:
            raise InputError(
                f"alerts: the history must be oldest first; {after.start.isoformat()} comes "
                f"after {before.start.isoformat()}"
            )
    indexes: dict[int, _Index] = {}

    def index_at(back: int) -> _Index:
        """The index of the window ``back`` windows before the last (0: the last)."""
        if back not in indexes:
            indexes[back] = _index(history[len(history) - 1 - back])
        return indexes[back]

    mine = [alert for alert in open_alerts if alert.state == "open" and alert.project == project]
    taken = {alert.dedup_key for alert in open_alerts if alert.state == "open"}
    by_name = {rule.name: rule for rule in rules}
    opens: list[Opening] = []
    renotify: list[Renotify] = []
    resolves = [Resolution(alert, None) for alert in mine if alert.rule not in by_name]
    for rule in rules:
        primary = _primary(rule)
        current = _holds(rule, primary, index_at(0))
        alerts = [alert for alert in mine if alert.rule == rule.name]
        for alert in alerts:
            held = [ColumnValue(c, current[c].value) for c in alert.columns if c in current]
            if held:
                last = alert.last_notified_at
                if last is None or now - last >= rule.cooldown:
                    renotify.append(Renotify(rule, alert, tuple(held)))
            elif any(_present(rule, column, index_at(0)) for column in alert.columns):
                resolves.append(Resolution(alert, rule))
        opening = _opening(rule, project, primary, current, alerts, index_at, len(history))
        if opening is not None and opening.dedup_key not in taken:
            taken.add(opening.dedup_key)
            opens.append(opening)
    return Plan(tuple(opens), tuple(renotify), tuple(resolves))


def _opening(
    rule: Rule,
    project: str,
    primary: Condition,
    current: dict[str, _Hit],
    alerts: list[Alert],
    index_at: Callable[[int], _Index],
    windows: int,
) -> Opening | None:
    """The alert that the columns firing for ``rule`` and not covered by its open
    ``alerts`` make, if any: they held in each of the last ``for`` windows."""
    if rule.for_ > windows:
        return None
    covered = {column for alert in alerts for column in alert.columns}
    firing = set(current) - covered
    for back in range(1, rule.for_):
        if not firing:
            break
        firing &= set(_holds(rule, primary, index_at(back)))
    if not firing:
        return None
    ordered = sorted(firing, key=lambda column: (-current[column].distance, column))
    key = dedup_key(rule.dedup_template, project=project, rule=rule.name, column=ordered[0])
    return Opening(rule, key, tuple(ColumnValue(c, current[c].value) for c in ordered))


def _index(window: WindowMetrics) -> _Index:
    index: _Index = {}
    for (column, metric), value in window.values.items():
        index.setdefault(metric, {})[column] = value
    return index


def _primary(rule: Rule) -> Condition:
    """The condition that names a rule in messages: a composite rule's first on listed
    columns (other than ``*`` alone), else its first."""
    conditions = rule.conditions
    for condition in conditions:
        if condition.columns not in ("*", (DATASET_COLUMN,)):
            return condition
    return conditions[0]


def _condition_holds(condition: Condition, index: _Index) -> dict[str, _Hit]:
    threshold, direction = condition.limit
    values = index.get(condition.metric, {})
    selected = (
        values.items()
        if condition.columns == "*"
        else ((c, values[c]) for c in condition.columns if c in values)
    )
    # NaN compares false either way, so it never holds.
    if direction == "above":
        return {c: _Hit(v, v - threshold) for c, v in selected if v > threshold}
    return {c: _Hit(v, threshold - v) for c, v in selected if v < threshold}


def _holds(rule: Rule, primary: Condition, index: _Index) -> dict[str, _Hit]:
    """The columns on which ``rule`` holds; a column's value comes from the first condition
    holding on it, ``primary`` first."""
    if not rule.composite:
        return _condition_holds(primary, index)
    conditions = (primary, *(c for c in rule.conditions if c is not primary))
    hits: dict[str, _Hit] = {}
    for condition in conditions:
        held = _condition_holds(condition, index)
        if not held:
            return {}
        for column, hit in held.items():
            hits.setdefault(column, hit)
    if len(hits) > 1:
        hits.pop(DATASET_COLUMN, None)
    return hits


def _present(rule: Rule, column: str, index: _Index) -> bool:
    """Whether a metric of ``rule`` on ``column`` is in the window (a NaN is not)."""
    for condition in rule.conditions:
        if condition.columns == "*" or column in condition.columns:
            value = index.get(condition.metric, {}).get(column)
            if value is not None and not math.isnan(value):
                return True
    return False
