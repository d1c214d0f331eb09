"""Online detectors in the monitor: a feature's stream and the model's error stream read row
by row in timestamp order, their state kept in the store between runs (SQLite, PostgreSQL),
what they find stored as metrics that alert rules use, and late labels feeding the error
stream at the run that reads them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope import detectors
from driftscope.errors import ConfigError, InputError
from driftscope.monitor import load_config, open_store
from driftscope.monitor.run import run_monitor
from driftscope.monitor.store import MemoryStore, Store, WindowRecord
from driftscope.monitor.streams import STATE_PREFIX

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
DAYS, ROWS, SHIFT_DAY = 6, 400, 3
CONFIG = """\
project: shop
reference: reference.parquet
logs: {{path: logs/}}
columns: {{timestamp: ts, id: rid, target: y, prediction: p}}
window: 1d
store: sqlite:///store.db
detectors:
  - {{column: amount, method: adwin}}
  - {{stream: error, method: ddm}}
  - {{column: amount, method: page_hinkley, name: amount-ph, params: {{delta: 0.5, threshold: 25}}}}
alerts:
  rules:
    - {{name: concept, metric: detections, columns: [error], above: 0, severity: error}}
{extra}"""


def _day(rng: np.random.Generator, day: int, labelled: bool) -> pa.Table:
    """A day of logs: ``amount`` shifts by 2 sigma and the model's error rate from 10% to 45%
    from :data:`SHIFT_DAY` on; rows are written out of time order, as logs often are."""
    shifted = day >= SHIFT_DAY
    start = np.datetime64(DAY0.replace(tzinfo=None) + timedelta(days=day), "s")
    ts = start + rng.permutation(np.arange(ROWS) * (86_400 // ROWS)).astype("timedelta64[s]")
    y = rng.integers(0, 2, ROWS)
    wrong = rng.random(ROWS) < (0.45 if shifted else 0.1)
    columns: dict[str, Any] = {
        "ts": pa.array(ts, pa.timestamp("s")),
        "rid": [f"{day}-{i}" for i in range(ROWS)],
        "amount": rng.normal(2.0 if shifted else 0.0, 1.0, ROWS),
        "p": np.where(wrong, 1 - y, y),
    }
    if labelled:
        columns["y"] = y
    return pa.table(columns)


def _project(folder: Path, *, labelled: bool = True, extra: str = "") -> tuple[Path, pa.Table]:
    """The project's files; returns the config's path and every day's rows with labels."""
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, 2_000)
    reference = pa.table(
        {
            "amount": rng.normal(0, 1, 2_000),
            "y": y,
            "p": np.where(rng.random(2_000) < 0.1, 1 - y, y),
        }
    )
    pq.write_table(reference, folder / "reference.parquet")
    (folder / "logs").mkdir()
    days = [_day(rng, day, labelled=True) for day in range(DAYS)]
    for day, table in enumerate(days):
        logged = table if labelled else table.drop_columns(["y"])
        pq.write_table(logged, folder / "logs" / f"day-{day}.parquet")
    path = folder / "driftscope.yaml"
    path.write_text(CONFIG.format(extra=extra))
    return path, pa.concat_tables(days)


def _stream_points(store: Store) -> dict[tuple[datetime, str, str], float]:
    metrics = ("detections", "detected_at", "in_warning", "stream_values")
    return {
        (p.window_start, p.column, p.metric): p.value
        for p in store.points("shop")
        if p.metric in metrics
    }


def _expected(rows: pa.Table, detector: detectors.DriftDetector, values: np.ndarray) -> dict:
    """Per day: how often ``detector`` fires on ``values`` taken in timestamp order, and the
    time of the first firing (what the monitor must store)."""
    nanos = rows.column("ts").cast(pa.int64()).to_numpy() * 1_000_000_000
    order = np.argsort(nanos, kind="stable")
    positions = detector.update_many(values[order])
    out: dict[datetime, tuple[int, float]] = {}
    for position in positions:
        at = nanos[order][position] / 1e9
        day = DAY0 + timedelta(days=int((at - DAY0.timestamp()) // 86_400))
        count, first = out.get(day, (0, at))
        out[day] = (count + 1, first)
    return out


def _found(points: dict, column: str) -> dict[datetime, tuple[int, float]]:
    return {
        start: (int(value), points[start, column, "detected_at"])
        for (start, name, metric), value in points.items()
        if name == column and metric == "detections" and value > 0
    }


def test_detectors_read_each_stream_in_time_order_and_alert(tmp_path: Path) -> None:
    path, rows = _project(tmp_path)
    config = load_config(path)
    result = run_monitor(config)
    assert len(result.windows) == DAYS
    store = open_store(config.store)
    try:
        points = _stream_points(store)
    finally:
        store.close()
    amount = rows.column("amount").to_numpy()
    errors = (rows.column("p").to_numpy() != rows.column("y").to_numpy()).astype(float)
    # the same values fed by hand, in timestamp order, fire at the same rows
    assert _found(points, "amount") == _expected(rows, detectors.ADWIN(), amount)
    assert _found(points, "error") == _expected(rows, detectors.DDM(), errors)
    ph = detectors.PageHinkley(delta=0.5, threshold=25)
    assert _found(points, "amount-ph") == _expected(rows, ph, amount)
    # the shift is found, on its day, and nothing fires before it
    for column in ("amount", "error", "amount-ph"):
        first = min(_found(points, column))
        assert first == DAY0 + timedelta(days=SHIFT_DAY), column
    assert points[DAY0, "amount", "stream_values"] == ROWS
    assert points[DAY0, "error", "stream_values"] == ROWS
    # the rule on the error stream's detections opened an alert on the shift's day
    assert result.opened == ("shop/concept/error",)


def test_status_sums_up_each_detector(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from driftscope.cli import main

    path, rows = _project(tmp_path)
    main(["monitor", "run", "--config", str(path), "--quiet"])
    capsys.readouterr()
    main(["monitor", "status", "--config", str(path), "--json"])
    found = {d["name"]: d for d in json.loads(capsys.readouterr().out)["detectors"]}
    assert list(found) == ["amount", "error", "amount-ph"]
    assert found["error"]["stream"] == "the model's error"
    assert found["error"]["values"] == rows.num_rows
    points = _stored(path)
    fired = sum(v for (_, c, m), v in points.items() if c == "amount" and m == "detections")
    assert found["amount"]["detections"] == fired > 0
    last = max(v for (_, c, m), v in points.items() if c == "amount" and m == "detected_at")
    assert found["amount"]["last_detection_at"] == datetime.fromtimestamp(last, UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    main(["monitor", "status", "--config", str(path)])
    text = capsys.readouterr().out
    assert f"  amount (adwin on amount): {DAYS * ROWS:,} values, {int(fired)} detection(s)" in text


def _stored(path: Path) -> dict[tuple[datetime, str, str], float]:
    store = open_store(load_config(path).store)
    try:
        return _stream_points(store)
    finally:
        store.close()


def test_runs_that_stop_and_restart_find_what_one_run_finds(
    tmp_path: Path, pg_schema_url: Callable[[], str]
) -> None:
    (tmp_path / "once").mkdir()
    once, _ = _project(tmp_path / "once")
    run_monitor(load_config(once))
    expected = _stored(once)
    assert expected

    for kind in ("sqlite", "postgresql"):
        folder = tmp_path / kind
        folder.mkdir()
        path, _ = _project(folder)
        config = load_config(path)
        if kind == "postgresql":
            config = config.model_copy(update={"store": pg_schema_url()})
        # a run every day and a half; each opens the store afresh (a restart)
        for day in (1.5, 3.0, 4.5, 7.0):
            run_monitor(config, until=DAY0 + timedelta(days=day))
        store = open_store(config.store)
        try:
            assert _stream_points(store) == expected, kind
            saved = store.get_state("shop", STATE_PREFIX + "amount")
        finally:
            store.close()
        assert saved is not None
        assert '"adwin"' in saved


class _Crashing(MemoryStore):
    """Fails writing its ``fail_at``-th window, as a killed process would: nothing of it."""

    def __init__(self, fail_at: int) -> None:
        super().__init__()
        self.fail_at = fail_at
        self.writes = 0

    def write_window(
        self,
        window: WindowRecord,
        points: Any,
        page: bytes | None = None,
        states: Any = None,
    ) -> bool:
        self.writes += 1
        if self.writes == self.fail_at:
            raise RuntimeError("killed")
        return super().write_window(window, points, page, states)


def test_a_run_killed_half_way_feeds_no_value_twice(tmp_path: Path) -> None:
    path, _ = _project(tmp_path)
    config = load_config(path)
    whole = MemoryStore()
    run_monitor(config, store=whole)
    crashing = _Crashing(fail_at=4)
    with pytest.raises(RuntimeError, match="killed"):
        run_monitor(config, store=crashing)
    assert len(crashing.windows("shop")) == 3
    crashing.fail_at = 0
    run_monitor(config, store=crashing)
    assert _stream_points(crashing) == _stream_points(whole)


def test_late_labels_feed_the_error_stream_and_the_newest_window_alerts(tmp_path: Path) -> None:
    path, rows = _project(tmp_path, labelled=False, extra="labels: {path: labels/}\n")
    (tmp_path / "labels").mkdir()
    config = load_config(path)
    first = run_monitor(config)
    assert len(first.windows) == DAYS
    assert first.opened == ()
    before = _stored(path)
    assert not [k for k in before if k[1] == "error"]  # no label yet: no error stream

    pq.write_table(rows.select(["rid", "y"]), tmp_path / "labels" / "all.parquet")
    second = run_monitor(config)
    assert second.windows == ()
    assert second.opened == ("shop/concept/error",)  # the newest window evaluated again
    after = _stored(path)
    newest = DAY0 + timedelta(days=DAYS - 1)
    errors = (rows.column("p").to_numpy() != rows.column("y").to_numpy()).astype(float)
    expected = _expected(rows, detectors.DDM(), errors)
    assert after[newest, "error", "detections"] == sum(c for c, _ in expected.values())
    assert after[newest, "error", "stream_values"] == DAYS * ROWS
    # the time named is the row's own, in the shift's day
    first_at = min(first for _, first in expected.values())
    assert after[newest, "error", "detected_at"] == first_at
    assert DAY0.timestamp() + SHIFT_DAY * 86_400 <= first_at
    # what the feature's detectors found is kept when late labels compute a window again
    assert {k: v for k, v in after.items() if k[1] != "error"} == before

    third = run_monitor(config)  # nothing new: nothing fed, nothing notified
    assert (third.opened, third.windows, third.labelled) == ((), (), ())
    assert _stored(path) == after


def test_labels_known_before_their_windows_are_computed_feed_them_in_order(
    tmp_path: Path,
) -> None:
    """Labels in the store when a window is first computed are the window's own: the error
    stream reads them then, as it reads labels logged with the rows."""
    (tmp_path / "logged").mkdir()
    logged, _ = _project(tmp_path / "logged")
    run_monitor(load_config(logged))
    expected = {k: v for k, v in _stored(logged).items() if k[1] == "error"}
    assert expected

    folder = tmp_path / "late"
    folder.mkdir()
    path, rows = _project(folder, labelled=False, extra="labels: {path: labels/}\n")
    (folder / "labels").mkdir()
    pq.write_table(rows.select(["rid", "y"]), folder / "labels" / "all.parquet")
    config = load_config(path)
    run_monitor(config, until=DAY0 + timedelta(days=1))  # reads the labels; one window
    run_monitor(config)  # the other windows, labels known
    found = {k: v for k, v in _stored(path).items() if k[1] == "error"}
    assert found == expected


def test_the_built_in_tiers_page_on_the_error_streams_alarm(tmp_path: Path) -> None:
    path, _ = _project(tmp_path)
    text = path.read_text()
    rules = text[text.index("alerts:") :]
    channels = "alerts:\n  channels: {log: {type: log, path: alerts.jsonl}}\n"
    path.write_text(text.replace(rules, channels))
    result = run_monitor(load_config(path))
    assert "shop/concept-drift/error" in result.opened
    sent = (tmp_path / "alerts.jsonl").read_text()
    assert '"concept-drift"' in sent
    assert '"critical"' in sent


def test_a_detector_whose_parameters_change_starts_afresh(tmp_path: Path) -> None:
    path, _ = _project(tmp_path)
    run_monitor(load_config(path), until=DAY0 + timedelta(days=2))
    path.write_text(path.read_text().replace("threshold: 25", "threshold: 30"))
    result = run_monitor(load_config(path))
    assert any("amount-ph" in note and "starts afresh" in note for note in result.notes)
    assert not any("'amount'" in note for note in result.notes)


def test_bad_streams_are_one_clear_error(tmp_path: Path) -> None:
    path, _ = _project(tmp_path)
    text = path.read_text()
    path.write_text(text.replace("column: amount, method: adwin}", "column: rid, method: adwin}"))
    with pytest.raises(InputError, match=r"detector 'rid': column 'rid' holds string, not numbers"):
        run_monitor(load_config(path))

    path.write_text(text.replace("column: amount, method: adwin}", "column: amount, method: ddm}"))
    with pytest.raises(InputError, match="ddm reads an error stream of 0 and 1"):
        run_monitor(load_config(path))


def test_a_binary_detector_on_a_regression_error_is_refused(tmp_path: Path) -> None:
    path, _ = _project(tmp_path)
    reference = pq.read_table(tmp_path / "reference.parquet")
    many = reference.set_column(1, "y", pa.array(np.arange(reference.num_rows) % 97))
    pq.write_table(many, tmp_path / "reference.parquet")
    with pytest.raises(ConfigError, match="the model is a regression"):
        run_monitor(load_config(path))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{stream: error, method: adwin, column: x}", "give exactly one of"),
        ("{column: x, method: adwinn}", "expected one of adwin, cusum"),
        ("{column: x, method: ddm, params: {drift_threshold: 1}}", "detectors[0].params: ddm"),
        ("{stream: errors, method: ddm}", "detectors[0].stream"),
    ],
)
def test_detector_entries_are_checked_with_the_config(
    tmp_path: Path, entry: str, message: str
) -> None:
    path, _ = _project(tmp_path)
    text = path.read_text()
    head = text[: text.index("detectors:")]
    path.write_text(head + f"detectors:\n  - {entry}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert "driftscope.yaml, line" in str(caught.value)


def test_the_error_stream_needs_the_prediction(tmp_path: Path) -> None:
    path, _ = _project(tmp_path)
    path.write_text(path.read_text().replace(", prediction: p", ""))
    with pytest.raises(ConfigError, match=r"detectors\[1\].stream: the error stream compares"):
        load_config(path)
