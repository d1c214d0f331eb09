"""``POST /api/v1/projects/{project}/labels`` on a real uvicorn on 127.0.0.1: labels posted after
their logs turn a window's estimated performance into a measured one at the next monitor run;
``matched`` counts the posted ids the service holds; every refusal is a one-line JSON error
that stores nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi")

from driftscope.monitor.run import run_monitor
from tests.service.test_api import Served

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
ROWS = 400
CONFIG = """\
project: credit
reference: reference.parquet
columns: {timestamp: ts, id: rid, target: outcome, probability: score}
window: 1d
store: sqlite:///store.db
alerts: {rules: []}
"""
LABELS = "/api/v1/projects/credit/labels"
LOGS = "/api/v1/projects/credit/logs"


def _model(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = rng.normal(0, 1, n)
    score = 1 / (1 + np.exp(-2 * x))
    return x, score, rng.random(n) < score


def _day(day: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Day ``day``'s logged rows (no outcome) and their labels."""
    rng = np.random.default_rng(day)
    x, score, outcome = _model(ROWS, rng)
    start = DAY0 + timedelta(days=day)
    logs = [
        {
            "ts": (start + timedelta(seconds=int(s))).isoformat().replace("+00:00", "Z"),
            "rid": f"{day}-{i}",
            "x": float(x[i]),
            "score": float(score[i]),
        }
        for i, s in enumerate(np.sort(rng.integers(0, 86_400, ROWS)))
    ]
    labels = [{"rid": f"{day}-{i}", "outcome": bool(outcome[i])} for i in range(ROWS)]
    return logs, labels


def _served(folder: Path, config: str = CONFIG) -> Served:
    x, score, outcome = _model(3_000, np.random.default_rng(99))
    reference = pa.table({"x": x, "score": score, "outcome": outcome})
    return Served(folder, max_body=2**20, config=config, reference=reference)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    service = _served(tmp_path)
    try:
        yield service
    finally:
        service.close()


def _post(served: Served, body: Any, **headers: str) -> Any:
    sent = {**served.auth("ingest"), **headers}
    if isinstance(body, bytes | str):
        return served.client.post(LABELS, content=body, headers=sent)
    return served.client.post(LABELS, json=body, headers=sent)


def _points(served: Served, metric: str) -> dict[datetime, float]:
    return {p.window_start: p.value for p in served.store.points("credit", metric=metric)}


def test_posted_labels_turn_an_estimate_into_a_measurement(served: Served) -> None:
    truths = {}
    for day in (0, 1, 2):
        logs, truths[day] = _day(day)
        answer = served.client.post(LOGS, json={"rows": logs}, headers=served.auth("ingest"))
        assert answer.status_code == 202
    first = run_monitor(served.config, store=served.store, until=DAY0 + timedelta(days=3))
    assert len(first.windows) == 3
    assert _points(served, "roc_auc") == {}
    assert len(_points(served, "estimated_roc_auc")) == 3

    strangers = [{"rid": f"nobody-{i}", "outcome": True} for i in range(5)]
    answer = _post(served, {"rows": truths[1] + strangers})
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"accepted": ROWS + 5, "matched": ROWS}
    # committed before the answer: the store has them now
    assert served.store.labels("credit", ["1-0", "nobody-0"]) == {
        "1-0": json.dumps(truths[1][0]["outcome"]),
        "nobody-0": "true",
    }

    second = run_monitor(served.config, store=served.store, until=DAY0 + timedelta(days=3))
    assert second.windows == ()
    assert second.labelled == (DAY0 + timedelta(days=1),)
    measured = _points(served, "roc_auc")
    assert list(measured) == [DAY0 + timedelta(days=1)]
    assert 0.7 < measured[DAY0 + timedelta(days=1)] < 0.95
    statuses = [w.status for w in served.store.windows("credit")]
    assert statuses == ["computed", "labelled", "computed"]
    windows = served.client.get(
        "/api/v1/projects/credit/windows", headers=served.auth("read")
    ).json()["windows"]
    assert [w["status"] for w in windows] == ["computed", "labelled", "computed"]

    # the same labels again: accepted and matched, nothing new, nothing computed again
    again = _post(served, {"rows": truths[1]})
    assert again.json() == {"accepted": ROWS, "matched": ROWS}
    assert run_monitor(served.config, store=served.store).labelled == ()


def test_labels_come_as_json_lines_and_parquet_too(served: Served) -> None:
    logs, labels = _day(0)
    served.client.post(LOGS, json={"rows": logs}, headers=served.auth("ingest"))
    lines = "\n".join(json.dumps(r) for r in labels[:100])
    answer = _post(served, lines, **{"Content-Type": "application/x-ndjson"})
    assert answer.json() == {"accepted": 100, "matched": 100}
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(labels[100:]), buffer)
    answer = _post(served, buffer.getvalue(), **{"Content-Type": "application/vnd.apache.parquet"})
    assert answer.json() == {"accepted": ROWS - 100, "matched": ROWS - 100}
    assert len(served.store.labels_since("credit", None)) == ROWS


def test_matched_counts_rows_posted_since_the_last_labels_and_not_log_files(
    tmp_path: Path,
) -> None:
    file_logs, _ = _day(0)
    (tmp_path / "logs").mkdir()
    pq.write_table(pa.Table.from_pylist(file_logs), tmp_path / "logs" / "day-0.parquet")
    served = _served(tmp_path, CONFIG.replace("columns:", "logs: {path: logs/}\ncolumns:"))
    try:
        _matched_counts(served)
    finally:
        served.close()


def _matched_counts(served: Served) -> None:
    _, file_labels = _day(0)
    posted, posted_labels = _day(1)
    served.client.post(LOGS, json={"rows": posted[:200]}, headers=served.auth("ingest"))
    assert _post(served, {"rows": posted_labels}).json() == {"accepted": ROWS, "matched": 200}
    served.client.post(LOGS, json={"rows": posted[200:]}, headers=served.auth("ingest"))
    assert _post(served, {"rows": posted_labels}).json() == {"accepted": ROWS, "matched": ROWS}
    # rows of the config's log files are not held by the service: not matched, yet applied
    assert _post(served, {"rows": file_labels}).json() == {"accepted": ROWS, "matched": 0}
    done = run_monitor(served.config, store=served.store, until=DAY0 + timedelta(days=2))
    assert [w.status for w in done.windows] == ["computed", "computed"]
    assert set(_points(served, "roc_auc")) == {DAY0, DAY0 + timedelta(days=1)}


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ([{"outcome": True}], "no id column 'rid'"),
        ([{"rid": "a"}], "no target column 'outcome'"),
        ([{"rid": "a", "outcome": True}, {"rid": None, "outcome": False}],
         "row 2 has no id in column 'rid'"),
        ([{"rid": "a", "outcome": True}, {"rid": "b", "outcome": None}],
         "row 2 has no label in column 'outcome'"),
        ([{"rid": 1.5, "outcome": True}], "column 'rid' holds double values (row 1: 1.5)"),
        ([{"rid": True, "outcome": True}], "column 'rid' holds bool values"),
        ([{"rid": "a", "outcome": True}, {"rid": 2, "outcome": False}],
         "column 'rid': row 2 holds a int where earlier rows hold str"),
        ([{"rid": "a", "outcome": [1, 2]}], "column 'outcome' holds list<item: int64> values"),
        ([{"rid": "", "outcome": True}], "row 1 has no id in column 'rid'"),
        ([{"rid": "x" * 501, "outcome": True}], "row 1: the id in column 'rid' must be at most"),
    ],
)  # fmt: skip
def test_bad_labels_are_refused_naming_row_and_column_and_nothing_is_kept(
    served: Served, rows: list[dict[str, Any]], says: str
) -> None:
    answer = _post(served, {"rows": [{"rid": "ok", "outcome": False}, *rows][1:]})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert says in error
    assert "\n" not in error
    assert served.store.labels_since("credit", None) == set()


def test_bad_label_bodies_are_refused_like_bad_log_bodies(served: Served) -> None:
    for body, ctype, status in [
        (b"{not json", "application/json", 400),
        (b'{"rows": []}', "application/json", 400),
        (b"rid,outcome\n1,1\n", "text/csv", 415),
    ]:
        answer = _post(served, body, **{"Content-Type": ctype})
        assert answer.status_code == status
        assert set(answer.json()) == {"error"}
    big = {"rows": [{"rid": f"id-{i}", "outcome": True} for i in range(40_000)]}  # > 1 MiB
    answer = _post(served, big)
    assert answer.status_code == 413
    assert "over the limit" in answer.json()["error"]
    assert served.store.labels_since("credit", None) == set()


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ("read", 403)])
def test_posting_labels_needs_an_ingest_token(
    served: Served, headers: dict[str, str] | str, status: int
) -> None:
    sent = served.auth(headers) if isinstance(headers, str) else headers
    body = {"rows": [{"rid": "a", "outcome": True}]}
    answer = served.client.post(LABELS, json=body, headers=sent)
    assert answer.status_code == status
    assert set(answer.json()) == {"error"}
    assert served.store.labels_since("credit", None) == set()
    admin = served.client.post(LABELS, json=body, headers=served.auth("admin"))
    assert admin.json() == {"accepted": 1, "matched": 0}


def test_an_unknown_project_is_404(served: Served) -> None:
    answer = served.client.post(
        "/api/v1/projects/other/labels", json={"rows": []}, headers=served.auth("ingest")
    )
    assert answer.status_code == 404
    assert answer.json() == {"error": "no project 'other' here"}


def test_a_project_without_id_or_target_takes_no_labels(tmp_path: Path) -> None:
    service = Served(tmp_path)  # columns: {timestamp: ts}
    try:
        answer = service.client.post(
            LABELS, json={"rows": [{"rid": "a", "outcome": 1}]}, headers=service.auth("ingest")
        )
        assert answer.status_code == 422
        assert answer.json() == {
            "error": "project 'credit' takes no labels: its config has no columns.id (labels "
            "are joined to logged rows on columns.id and fill columns.target)"
        }
        assert service.store.labels_since("credit", None) == set()
    finally:
        service.close()


def test_the_scheduler_logs_windows_computed_again_with_late_labels(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    from driftscope.service.scheduler import run_now

    logs, truths = _day(0)
    assert served.client.post(LOGS, json={"rows": logs}, headers=served.auth("ingest")).is_success
    logs, _ = _day(1)
    assert served.client.post(LOGS, json={"rows": logs}, headers=served.auth("ingest")).is_success
    assert run_now(served.config, served.store).computed == 2  # both days are past
    assert _post(served, {"rows": truths}).status_code == 202
    caplog.set_level("INFO", logger="driftscope.service")
    assert run_now(served.config, served.store).computed == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "driftscope.service"]
    assert lines == [
        "credit: 1 earlier window(s) computed again with late labels "
        "(2026-03-01T00:00:00Z to 2026-03-01T00:00:00Z)"
    ]
