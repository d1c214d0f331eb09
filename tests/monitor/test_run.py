"""``driftscope monitor run`` end to end: daily Parquet logs against a reference, into a real
SQLite store (and PostgreSQL), alerts to a real log channel."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.cli import main
from driftscope.monitor import load_config
from driftscope.monitor.run import run_monitor
from driftscope.monitor.store import MemoryStore, StoreBusy, open_store

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
DAYS = 8
DRIFT_FROM = 5
ROWS = 600
CONFIG = """\
project: credit
reference: reference.parquet
logs: {path: logs/}
columns:
  timestamp: ts
  id: request_id
  kpis: [converted]
window: 1d
store: @STORE@
checks: {fail_on: major}
alerts:
  channels:
    alert-log: {type: log, path: alerts.jsonl}
  rules:
    - {name: feature-drift, metric: severity, columns: "*", above: 1.5, severity: warning,
       channels: [alert-log], cooldown: 7d}
    - {name: traffic, metric: rows, columns: ["*"], below: 1, severity: error,
       channels: [alert-log]}
"""


def _rows(n: int, rng: np.random.Generator, shift: float) -> dict[str, object]:
    return {
        "income": rng.normal(50 + 15 * shift, 10, n),
        "age": rng.normal(40, 8, n),
        "utilisation": rng.beta(2 + 3 * shift, 4, n),
        "city": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1]).tolist(),
        "converted": rng.random(n) < 0.3 - 0.1 * shift,
    }


def _day_file(folder: Path, day: int, rng: np.random.Generator) -> Path:
    shift = 1.0 if day >= DRIFT_FROM else 0.0
    data = _rows(ROWS, rng, shift)
    start = np.datetime64((DAY0 + timedelta(days=day)).replace(tzinfo=None), "s")
    seconds = np.sort(rng.integers(0, 86_400, ROWS))
    data["ts"] = pa.array(start + seconds.astype("timedelta64[s]"), pa.timestamp("s", "UTC"))
    data["request_id"] = [f"r{day}-{i}" for i in range(ROWS)]
    path = folder / f"day-{day:02d}.parquet"
    pq.write_table(pa.table(data), path)
    return path


def make_project(folder: Path, store: str | None = None, days: int = DAYS) -> Path:
    rng = np.random.default_rng(3)
    pq.write_table(pa.table(_rows(3_000, rng, 0.0)), folder / "reference.parquet")
    (folder / "logs").mkdir()
    for day in range(days):
        _day_file(folder / "logs", day, rng)
    url = store or f"sqlite:///{folder / 'store.db'}"
    path = folder / "driftscope.yaml"
    path.write_text(CONFIG.replace("@STORE@", json.dumps(url)))
    return path


def _alert_lines(folder: Path) -> list[dict[str, object]]:
    path = folder / "alerts.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def test_a_backfill_stores_every_complete_window_and_alerts_once(project: Path) -> None:
    config = load_config(project)
    result = run_monitor(config)
    assert [w.start for w in result.windows] == [DAY0 + timedelta(days=d) for d in range(DAYS)]
    severities = [w.severity for w in result.windows]
    assert all(s != "major" for s in severities[:DRIFT_FROM]), severities
    assert all(s == "major" for s in severities[DRIFT_FROM:]), severities
    assert "income" in result.windows[-1].drifted
    assert "age" not in result.windows[-1].drifted
    store = open_store(config.store)
    try:
        income = store.points("credit", metric="severity", column="income")
        assert [p.value for p in income][DRIFT_FROM:] == [2.0] * (DAYS - DRIFT_FROM)
        rows = store.points("credit", metric="rows", column="*")
        assert [p.value for p in rows] == [float(ROWS)] * DAYS
        conversion = store.points("credit", metric="kpi_mean", column="converted")
        assert np.mean([p.value for p in conversion][:DRIFT_FROM]) > np.mean(
            [p.value for p in conversion][DRIFT_FROM:]
        )
        # ids, timestamps and KPIs are not compared as features
        assert not store.points("credit", column="request_id")
        assert not store.points("credit", column="ts", metric="severity")
        (alert,) = store.open_alerts("credit")
        assert alert.rule == "feature-drift"
        assert alert.opened_at == DAY0 + timedelta(days=DRIFT_FROM + 1)
        assert {"income", "utilisation"} <= set(alert.columns)
        assert alert.columns[0] in ("income", "utilisation")
    finally:
        store.close()
    (line,) = _alert_lines(project.parent)  # one grouped notification, not one per column
    assert line["action"] == "triggered"
    assert line["rule"] == "feature-drift"
    assert result.opened
    assert result.delivery is not None
    assert result.delivery.delivered == 1


def test_a_second_run_with_nothing_new_changes_nothing(project: Path) -> None:
    config = load_config(project)
    run_monitor(config)
    store = open_store(config.store)
    try:
        before = (len(store.points("credit")), len(store.windows("credit")))
        again = run_monitor(config, store=store)
        assert again.windows == ()
        assert again.opened == ()
        assert again.queued == 0
        assert (len(store.points("credit")), len(store.windows("credit"))) == before
    finally:
        store.close()
    assert len(_alert_lines(project.parent)) == 1


def test_a_new_log_file_is_picked_up_by_the_next_run(project: Path) -> None:
    config = load_config(project)
    run_monitor(config)
    _day_file(project.parent / "logs", DAYS, np.random.default_rng(9))
    result = run_monitor(config)
    assert [w.start for w in result.windows] == [DAY0 + timedelta(days=DAYS)]


def test_a_run_killed_half_way_is_finished_by_the_next(project: Path) -> None:
    config = load_config(project)
    seen: list[datetime] = []

    def die_after_three(window: object) -> None:
        seen.append(window.start)  # type: ignore[attr-defined]
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_monitor(config, on_window=die_after_three)
    rest = run_monitor(config)
    assert len(rest.windows) == DAYS - 3
    store = open_store(config.store)
    try:
        assert len(store.windows("credit")) == DAYS
        spans = [(p.window_start, p.column, p.metric) for p in store.points("credit")]
        assert len(spans) == len(set(spans))
    finally:
        store.close()
    assert len(_alert_lines(project.parent)) == 1


def test_an_open_alert_is_notified_again_after_its_cooldown(project: Path) -> None:
    project.write_text(project.read_text().replace("cooldown: 7d", "cooldown: 2d"))
    run_monitor(load_config(project))
    lines = [line for line in _alert_lines(project.parent) if line["rule"] == "feature-drift"]
    # opened by the window of day 5, due again two days later (day 7); day 6 is within it
    assert [line["window_start"] for line in lines] == [
        "2026-03-06T00:00:00Z",
        "2026-03-08T00:00:00Z",
    ]


def test_until_computes_only_the_windows_ending_by_then(project: Path) -> None:
    config = load_config(project)
    result = run_monitor(config, until=DAY0 + timedelta(days=3, hours=5))
    assert [w.end for w in result.windows][-1] == DAY0 + timedelta(days=3)
    assert len(result.windows) == 3


def test_a_gap_in_traffic_is_an_empty_window_and_a_rule_on_rows_fires(tmp_path: Path) -> None:
    path = make_project(tmp_path)
    (tmp_path / "logs" / "day-03.parquet").unlink()
    result = run_monitor(load_config(path))
    statuses = {w.start: w.status for w in result.windows}
    assert statuses[DAY0 + timedelta(days=3)] == "empty"
    lines = _alert_lines(tmp_path)
    assert any(line["rule"] == "traffic" and line["action"] == "triggered" for line in lines)
    assert any(line["rule"] == "traffic" and line["action"] == "resolved" for line in lines)


def test_rows_without_a_timestamp_are_a_quality_finding_not_dropped_silently(
    tmp_path: Path,
) -> None:
    path = make_project(tmp_path, days=2)
    table = pq.read_table(tmp_path / "logs" / "day-01.parquet")
    ts = table.column("ts").to_pylist()
    ts[:7] = [None] * 7
    table = table.set_column(
        table.schema.get_field_index("ts"), "ts", pa.array(ts, table.schema.field("ts").type)
    )
    pq.write_table(table, tmp_path / "logs" / "day-01.parquet")
    config = load_config(path)
    run_monitor(config)
    store = open_store(config.store)
    try:
        report = json.loads(store.report("credit", DAY0 + timedelta(days=1)) or "{}")
        findings = [f for f in report["quality"] if f["check"] == "timestamps"]
        assert findings
        assert "7 without a timestamp" in findings[0]["message"]
        (point,) = store.points("credit", metric="timestamp_errors")
        assert point.value == 7.0
    finally:
        store.close()


def test_two_runs_at_once_one_gets_store_busy(project: Path) -> None:
    config = load_config(project)
    store = MemoryStore()
    with store.lock("credit"), pytest.raises(StoreBusy):
        run_monitor(config, store=store)


def test_cli_run_and_status(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["monitor", "run", "--config", str(project)])
    out = capsys.readouterr().out
    assert code == 1  # checks.fail_on: major, and the last windows drift majorly
    assert out.count("rows") == DAYS
    assert "credit: 8 new window(s)" in out
    assert main(["monitor", "status", "--config", str(project), "--json"]) == 1
    status = json.loads(capsys.readouterr().out)
    assert len(status["windows"]) == DAYS
    assert status["windows"][-1]["start"] == "2026-03-08T00:00:00Z"
    assert "income" in status["windows"][-1]["drifted_columns"]
    assert [a["rule"] for a in status["alerts"]] == ["feature-drift"]
    assert main(["monitor", "status", "--config", str(project)]) == 1
    text = capsys.readouterr().out
    assert "open alerts: 1" in text
    assert "feature-drift" in text
    assert main(["monitor", "run", "--config", str(project)]) == 0
    assert "0 new window(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text.replace("logs/", "nothing/*.parquet"), "no log file matches"),
        (lambda text: text.replace("timestamp: ts", "timestamp: when"), "when"),
        (lambda text: text.replace("--until", ""), None),
    ],
)
def test_bad_input_is_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], edit: object, message: str | None
) -> None:
    if message is None:
        code = main(["monitor", "run", "--config", str(project), "--until", "yesterday"])
        err = capsys.readouterr().err
        assert code == 2
        assert "--until" in err
        assert err.count("\n") == 1
        return
    project.write_text(edit(project.read_text()))  # type: ignore[operator]
    code = main(["monitor", "run", "--config", str(project)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_an_unreachable_store_is_named_without_its_password(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+psycopg://me:hunter2@127.0.0.1:1/none"
    project.write_text(project.read_text().replace(str(project.parent / "store.db"), "x"))
    text = project.read_text()
    start = text.index("store: ")
    end = text.index("\n", start)
    project.write_text(text[:start] + f"store: {json.dumps(url)}" + text[end:])
    code = main(["monitor", "run", "--config", str(project)])
    err = capsys.readouterr().err
    assert code == 2
    assert "hunter2" not in err
    assert "me:***@127.0.0.1:1" in err


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on the real PostgreSQL server, dropped afterwards."""
    sqlalchemy = pytest.importorskip("sqlalchemy")
    schema = f"run_{uuid.uuid4().hex[:10]}"
    base = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    engine = sqlalchemy.create_engine(base)
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    except sqlalchemy.exc.OperationalError:
        engine.dispose()
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_a_backfill_into_postgresql(tmp_path: Path, postgres_url: str) -> None:
    config = load_config(make_project(tmp_path, store=postgres_url, days=3))
    first = run_monitor(config)
    assert len(first.windows) == 3
    assert run_monitor(config).windows == ()
    store = open_store(config.store)
    try:
        assert len(store.windows("credit")) == 3
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.filterwarnings(
    # MLflow's SQL store declares a relationship with SQLAlchemy 2.1's deprecated `noload`.
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)
def test_windows_are_logged_to_mlflow_when_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    tracking = pytest.importorskip("mlflow.tracking")
    path = make_project(tmp_path, days=3)
    path.write_text(path.read_text() + 'mlflow: {tracking_uri: "sqlite:///mlflow.db"}\n')
    config = load_config(path)
    run_monitor(config)
    client = tracking.MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("credit")
    (run,) = client.search_runs([experiment.experiment_id])
    history = client.get_metric_history(run.info.run_id, "income.severity")
    assert [m.step for m in history] == [0, 1, 2]
    assert [m.timestamp for m in history] == [
        int((DAY0 + timedelta(days=d + 1)).timestamp() * 1000) for d in range(3)
    ]


def test_windows_of_a_fixed_row_count(project: Path) -> None:
    project.write_text(project.read_text().replace("window: 1d", 'window: "1000 rows"'))
    config = load_config(project)
    first = run_monitor(config)
    total = DAYS * ROWS  # 4,800 rows: four full windows, the fifth still filling
    assert [w.rows for w in first.windows] == [1000] * (total // 1000)
    assert first.windows[0].start == DAY0 + timedelta(seconds=_first_second(project))
    ends = [w.end for w in first.windows]
    assert ends == sorted(ends)
    assert all(a.end == b.start for a, b in zip(first.windows, first.windows[1:], strict=False))
    assert run_monitor(config).windows == ()
    _day_file(project.parent / "logs", DAYS, np.random.default_rng(11))
    more = run_monitor(config)
    assert [w.rows for w in more.windows] == [1000] * ((total + ROWS) // 1000 - total // 1000)
    assert more.windows[0].start == ends[-1]


def _first_second(project: Path) -> int:
    ts = pq.read_table(project.parent / "logs" / "day-00.parquet").column("ts")
    first = ts.to_pylist()[0]
    return int((first - DAY0).total_seconds())
