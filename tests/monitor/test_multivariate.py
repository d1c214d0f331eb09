"""``checks: {multivariate: [...]}`` in a monitoring project: every window is tested together
against the reference's rows, its tests are stored as points an alert rule can watch, and a
correlation that turns is found from the day it turns, though no column moves."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.errors import ConfigError
from driftscope.monitor import load_config
from driftscope.monitor.run import run_monitor
from driftscope.monitor.store import open_store

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
TURNS = 3
CONFIG = """\
project: credit
reference: @REFERENCE@
logs: {path: logs/}
columns: {timestamp: ts}
window: 1d
store: @STORE@
checks: {multivariate: [mmd, reconstruction]}
alerts:
  channels:
    alert-log: {type: log, path: alerts.jsonl}
  rules:
    - {name: together, metric: multivariate_mmd_drift, columns: ["*"], above: 0.5,
       severity: warning, channels: [alert-log], cooldown: 7d}
"""


def _rows(rng: np.random.Generator, n: int, corr: float) -> dict[str, object]:
    income = rng.normal(size=n)
    return {
        "income": income,
        "spend": corr * income + np.sqrt(1 - corr**2) * rng.normal(size=n),
        "city": rng.choice(["a", "b", "c"], n).tolist(),
    }


def _project(folder: Path, days: int = 5, reference: str = "reference.parquet") -> Path:
    rng = np.random.default_rng(0)
    pq.write_table(pa.table(_rows(rng, 3_000, 0.8)), folder / "reference.parquet")
    (folder / "logs").mkdir()
    for day in range(days):
        data = _rows(rng, 800, -0.8 if day >= TURNS else 0.8)
        start = np.datetime64((DAY0 + timedelta(days=day)).replace(tzinfo=None), "s")
        seconds = np.sort(rng.integers(0, 86_400, 800)).astype("timedelta64[s]")
        data["ts"] = pa.array(start + seconds, pa.timestamp("s", "UTC"))
        pq.write_table(pa.table(data), folder / "logs" / f"day-{day}.parquet")
    path = folder / "driftscope.yaml"
    store = json.dumps(f"sqlite:///{folder / 'store.db'}")
    path.write_text(CONFIG.replace("@STORE@", store).replace("@REFERENCE@", reference))
    return path


def test_a_turned_correlation_is_found_from_the_day_it_turns(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path))
    result = run_monitor(config, until=DAY0 + timedelta(days=5))
    assert len(result.windows) == 5
    assert all(w.drifted == () for w in result.windows)  # no column moved on its own
    store = open_store(config.store)
    try:
        drift = {
            p.window_start: p.value for p in store.points("credit", metric="multivariate_mmd_drift")
        }
        pca = {
            p.window_start: p.value
            for p in store.points("credit", metric="multivariate_reconstruction_drift")
        }
        p_values = store.points("credit", metric="multivariate_mmd_p_value")
        severity = {
            p.window_start: p.value for p in store.points("credit", metric="dataset_severity")
        }
        report = json.loads(store.windows("credit")[-1].report)
    finally:
        store.close()
    expected = {DAY0 + timedelta(days=d): float(d >= TURNS) for d in range(5)}
    assert drift == expected
    assert pca == expected
    assert len(p_values) == 5
    assert severity == expected  # the turned correlation makes each such window a warning
    assert report["dataset"]["severity"] == "warning"
    assert [m["method"] for m in report["multivariate"]] == ["mmd", "reconstruction"]
    alerts = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert [(a["action"], a["rule"]) for a in alerts] == [("triggered", "together")]
    assert alerts[0]["window_start"] == "2026-03-04T00:00:00Z"


def test_a_profile_reference_cannot_be_tested_together(tmp_path: Path) -> None:
    from driftscope.profiling import profile
    from driftscope.profiling.files import write_profile

    path = _project(tmp_path, days=2, reference="reference.dsprof")
    write_profile(
        profile(pq.read_table(tmp_path / "reference.parquet")), tmp_path / "reference.dsprof"
    )
    with pytest.raises(ConfigError, match=r"checks\.multivariate tests the reference's rows"):
        run_monitor(load_config(path), until=DAY0 + timedelta(days=2))
