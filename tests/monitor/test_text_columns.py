"""Text and embedding columns in a monitoring project: windows are profiled, but a profile
holds no texts or vectors, so those columns travel beside it as their values and each window
tests them against the reference's like ``compare`` does between two tables. Real English text
from Debian's fortunes: the logs' topic changes on the day it does, and not before."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.monitor import load_config
from driftscope.monitor.run import run_monitor
from driftscope.monitor.store import open_store
from tests._fortunes import fortunes, needs_fortunes

pytest.importorskip("sklearn")
pytestmark = needs_fortunes

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
TURNS = 3
DAYS = 5
PER_DAY = 120
CONFIG = """\
project: notes
reference: @REFERENCE@
logs: {path: logs/}
columns: {timestamp: ts}
window: 1d
store: @STORE@
"""


def _vectors(rng: np.random.Generator, n: int, shift: float) -> list[list[float]]:
    values = rng.normal(size=(n, 8))
    values[:, :3] += shift
    return values.tolist()


def _project(folder: Path, *, reference_texts: bool = True) -> Path:
    rng = np.random.default_rng(3)
    people = fortunes("people")
    order = rng.permutation(len(people))
    ref_texts = [people[i] for i in order[:500]]
    same = [people[i] for i in order[500:]]
    other = fortunes("computers")
    reference: dict[str, object] = {
        "amount": rng.normal(size=500),
        "vector": _vectors(rng, 500, 0.0),
    }
    if reference_texts:
        reference["note"] = ref_texts
    pq.write_table(pa.table(reference), folder / "reference.parquet")
    (folder / "logs").mkdir()
    for day in range(DAYS):
        turned = day >= TURNS
        pool = other if turned else same
        picks = rng.choice(len(pool), PER_DAY, replace=False)
        start = np.datetime64((DAY0 + timedelta(days=day)).replace(tzinfo=None), "s")
        seconds = np.sort(rng.integers(0, 86_400, PER_DAY)).astype("timedelta64[s]")
        data = {
            "amount": rng.normal(size=PER_DAY),
            "vector": _vectors(rng, PER_DAY, 1.0 if turned else 0.0),
            "note": [pool[i] for i in picks],
            "ts": pa.array(start + seconds, pa.timestamp("s", "UTC")),
        }
        pq.write_table(pa.table(data), folder / "logs" / f"day-{day}.parquet")
    path = folder / "driftscope.yaml"
    store = json.dumps(f"sqlite:///{folder / 'store.db'}")
    path.write_text(CONFIG.replace("@STORE@", store).replace("@REFERENCE@", "reference.parquet"))
    return path


def _points(config_store: str, column: str, metric: str) -> dict[datetime, float]:
    store = open_store(config_store)
    try:
        return {
            p.window_start: p.value for p in store.points("notes", metric=metric, column=column)
        }
    finally:
        store.close()


def test_windows_test_text_and_vectors_from_the_day_they_change(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path))
    result = run_monitor(config, until=DAY0 + timedelta(days=DAYS))
    assert len(result.windows) == DAYS
    expected = {DAY0 + timedelta(days=d): float(d >= TURNS) for d in range(DAYS)}
    assert _points(config.store, "note", "drift") == expected
    assert _points(config.store, "vector", "drift") == expected
    assert _points(config.store, "amount", "drift") == dict.fromkeys(expected, 0.0)
    aucs = _points(config.store, "note", "text")
    assert all(aucs[d] > 0.75 for d in expected if expected[d])
    assert all(aucs[d] < 0.65 for d in expected if not expected[d])
    assert set(_points(config.store, "note", "p_value")) == set(expected)
    assert set(_points(config.store, "vector", "embedding")) == set(expected)
    store = open_store(config.store)
    try:
        last = json.loads(store.windows("notes")[-1].report)
    finally:
        store.close()
    note = next(c for c in last["columns"] if c["name"] == "note")
    assert note["type"] == "text"
    assert note["method"] == "text"
    grown = {t["term"] for t in note["text"]["vocabulary"]["grown"]}
    assert {"computer", "computers"} & grown, grown  # the words computers brought
    vector = next(c for c in last["columns"] if c["name"] == "vector")
    assert vector["type"] == "embedding"
    assert vector["embedding"] is not None


def test_a_text_column_the_reference_lacks_is_a_new_column_not_a_failed_window(
    tmp_path: Path,
) -> None:
    config = load_config(_project(tmp_path, reference_texts=False))
    result = run_monitor(config, until=DAY0 + timedelta(days=2))
    assert len(result.windows) == 2
    store = open_store(config.store)
    try:
        report = json.loads(store.windows("notes")[0].report)
    finally:
        store.close()
    assert "note" not in {c["name"] for c in report["columns"]}
    assert any(q["check"] == "new_column" and q["column"] == "note" for q in report["quality"])


def test_a_bad_text_parameter_is_refused_when_the_project_is_loaded(tmp_path: Path) -> None:
    from driftscope.errors import ConfigError

    path = _project(tmp_path)
    path.write_text(path.read_text() + "checks: {method_params: {text: {embedding: true}}}\n")
    with pytest.raises(ConfigError, match=r"driftscope\.yaml, line \d+: checks: text: unknown"):
        load_config(path)


def test_method_params_must_map_each_method_to_its_parameters() -> None:
    from driftscope.engine.options import CompareOptions
    from driftscope.errors import ConfigError

    with pytest.raises(ConfigError, match="the parameters of 'ks' must be a mapping"):
        CompareOptions(method_params={"ks": 3})  # type: ignore[dict-item]
    with pytest.raises(ConfigError, match="unknown method 'nope'"):
        CompareOptions(method_params={"nope": {}})
