"""Late labels: an old window's performance, estimated while its outcomes were unknown, is
measured once their labels arrive (label files joined on the id column)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from driftscope.errors import ConfigError
from driftscope.monitor import load_config, open_store, parse_config
from driftscope.monitor.labels import label_pairs, row_ids
from driftscope.monitor.run import run_monitor

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
ROWS = 700
CONFIG = """\
project: scoring
reference: reference.parquet
logs: {path: logs/}
labels: {path: labels/}
columns: {timestamp: ts, id: rid, target: outcome, probability: score}
window: 1d
store: sqlite:///store.db
alerts: {rules: []}
"""


def _model(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = rng.normal(0, 1, n)
    score = 1 / (1 + np.exp(-2 * x))
    outcome = rng.random(n) < score
    return x, score, outcome


def _project(folder: Path, days: int = 3) -> tuple[Path, dict[int, pa.Table]]:
    rng = np.random.default_rng(5)
    x, score, outcome = _model(4_000, rng)
    pq.write_table(
        pa.table({"x": x, "score": score, "outcome": outcome}), folder / "reference.parquet"
    )
    (folder / "logs").mkdir()
    (folder / "labels").mkdir()
    truths = {}
    for day in range(days):
        x, score, outcome = _model(ROWS, rng)
        start = np.datetime64((DAY0 + timedelta(days=day)).replace(tzinfo=None), "s")
        ts = start + np.sort(rng.integers(0, 86_400, ROWS)).astype("timedelta64[s]")
        ids = [f"{day}-{i}" for i in range(ROWS)]
        logs = pa.table({"ts": pa.array(ts, pa.timestamp("s")), "rid": ids, "x": x, "score": score})
        pq.write_table(logs, folder / "logs" / f"day-{day}.parquet")
        truths[day] = pa.table({"rid": ids, "outcome": outcome})
    path = folder / "driftscope.yaml"
    path.write_text(CONFIG)
    return path, truths


def _perf(store_url: str, metric: str) -> dict[datetime, float]:
    store = open_store(store_url)
    try:
        return {p.window_start: p.value for p in store.points("scoring", metric=metric)}
    finally:
        store.close()


def test_labels_arriving_later_turn_an_estimate_into_a_measurement(tmp_path: Path) -> None:
    path, truths = _project(tmp_path)
    config = load_config(path)
    first = run_monitor(config)
    assert len(first.windows) == 3
    assert first.labelled == ()
    assert len(_perf(config.store, "estimated_roc_auc")) == 3
    assert _perf(config.store, "roc_auc") == {}

    # day 1's outcomes arrive (as CSV, ids and all)
    pcsv.write_csv(truths[1], tmp_path / "labels" / "day-1.csv")
    second = run_monitor(config)
    assert second.windows == ()
    assert second.labelled == (DAY0 + timedelta(days=1),)
    measured = _perf(config.store, "roc_auc")
    assert list(measured) == [DAY0 + timedelta(days=1)]
    assert 0.7 < measured[DAY0 + timedelta(days=1)] < 0.95
    assert DAY0 + timedelta(days=1) not in _perf(config.store, "estimated_roc_auc")
    store = open_store(config.store)
    try:
        statuses = [w.status for w in store.windows("scoring")]
        assert statuses == ["computed", "labelled", "computed"]
    finally:
        store.close()

    # nothing new: nothing computed again
    assert run_monitor(config).labelled == ()

    # half of day 2's outcomes, as Parquet: measured on the labelled half
    pq.write_table(truths[2].slice(0, ROWS // 2), tmp_path / "labels" / "day-2.parquet")
    third = run_monitor(config)
    assert third.labelled == (DAY0 + timedelta(days=2),)
    assert DAY0 + timedelta(days=2) in _perf(config.store, "roc_auc")


def test_a_corrected_label_computes_its_window_again(tmp_path: Path) -> None:
    path, truths = _project(tmp_path, days=2)
    config = load_config(path)
    run_monitor(config)
    pcsv.write_csv(truths[0], tmp_path / "labels" / "a.csv")
    run_monitor(config)
    before = _perf(config.store, "accuracy")[DAY0]
    flipped = truths[0].set_column(
        1, "outcome", pa.array([not v for v in truths[0].column("outcome").to_pylist()])
    )
    pcsv.write_csv(flipped, tmp_path / "labels" / "b.csv")
    assert run_monitor(config).labelled == (DAY0,)
    after = _perf(config.store, "accuracy")[DAY0]
    assert after == pytest.approx(1 - before, abs=1e-9)


def test_a_label_file_without_the_id_column_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from driftscope.cli import main

    path, truths = _project(tmp_path, days=1)
    pcsv.write_csv(truths[0].rename_columns(["request", "outcome"]), tmp_path / "labels" / "x.csv")
    assert main(["monitor", "run", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "x.csv: label file has no column 'rid'" in err
    assert err.count("\n") == 1


def test_labels_need_the_id_and_target_roles(tmp_path: Path) -> None:
    (tmp_path / "r.parquet").write_bytes(b"")
    text = CONFIG.replace("reference.parquet", "r.parquet").replace("id: rid, ", "")
    with pytest.raises(ConfigError, match=r"labels: .*give columns.id"):
        parse_config(text, "d.yaml", base_dir=tmp_path, env={})


def test_label_pairs_and_ids_as_texts() -> None:
    table = pa.table({"id": [7, 8, 7], "y": [1.0, float("nan"), 0.0]})
    assert label_pairs(table, "id", "y", "f") == [("7", "0.0")]  # the later row of 7 wins
    dictionary = pa.array(["a", "b", None]).dictionary_encode()
    assert row_ids(dictionary) == ["a", "b", None]


def test_labels_that_arrive_while_their_window_is_open_reach_it(tmp_path: Path) -> None:
    """A label read before its row's window is complete is in the store when the window is
    first computed: the window measures with it (late labels recompute stored windows only)."""
    path, truths = _project(tmp_path)
    config = load_config(path)
    run_monitor(config, until=DAY0 + timedelta(days=1))  # day 0 only: days 1 and 2 open
    for day, table in truths.items():
        pcsv.write_csv(table, tmp_path / "labels" / f"day-{day}.csv")
    second = run_monitor(config, until=DAY0 + timedelta(days=2))  # day 1; labels read
    assert second.labelled == (DAY0,)
    run_monitor(config)  # day 2, whose labels were read a run ago
    measured = _perf(config.store, "roc_auc")
    assert sorted(measured) == [DAY0 + timedelta(days=d) for d in range(3)]
    assert _perf(config.store, "estimated_roc_auc") == {}
