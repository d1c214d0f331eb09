"""``GET .../windows`` over a real monitored project: each window's drifted columns come from
its ``drift`` points (the store's ``drifted_columns``), in the order its report lists them,
equal to what the report says."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

from driftscope.auth import new_token, token_hash  # noqa: E402
from driftscope.cli.monitor import drifted_columns as report_drifted_columns  # noqa: E402
from driftscope.demo import credit_scenario  # noqa: E402
from driftscope.monitor import load_config, open_store  # noqa: E402
from driftscope.monitor.demo import BROKEN_DAY, DRIFT_DAY, START, write_project  # noqa: E402
from driftscope.monitor.run import run_monitor  # noqa: E402
from driftscope.monitor.store import Store  # noqa: E402
from driftscope.service.app import create_app  # noqa: E402
from tests.service._serve import InThread  # noqa: E402

DAYS = DRIFT_DAY + 2


@dataclass
class Monitored:
    """The monitoring demo's project, DAYS days of it monitored into its SQLite store and
    served; ``get`` asks the API with a read token."""

    store: Store
    project: str
    client: httpx.Client
    token: str

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.client.get(
            f"/api/v1/projects/{self.project}/{path}",
            params=params,
            headers={"Authorization": f"Bearer {self.token}"},
        )


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Monitored]:
    folder = tmp_path_factory.mktemp("demo")
    reference, _ = credit_scenario(rows=2_000, seed=3)
    pq.write_table(reference, folder / "reference.parquet")
    config = load_config(write_project(folder / "monitoring", 3, days=DAYS, rows=300))
    store = open_store(config.store)
    run_monitor(config, store=store, until=START + timedelta(days=DAYS))
    token = new_token()
    store.add_token("reader", "read", token_hash(token), datetime.now(UTC))
    served = InThread(create_app([config], store))
    client = httpx.Client(base_url=served.url, timeout=10)
    try:
        yield Monitored(store, config.project, client, token)
    finally:
        client.close()
        served.close()
        store.close()


def test_drifted_columns_are_what_each_windows_report_says(monitored: Monitored) -> None:
    answer = monitored.get("windows")
    assert answer.status_code == 200
    served = answer.json()["windows"]
    stored = monitored.store.windows(monitored.project)
    assert len(served) == len(stored) == DAYS
    assert [w["drifted_columns"] for w in served] == [
        report_drifted_columns(w.report) for w in stored
    ]
    # the comparison means something: the broken day and the drifted days name columns, and
    # several at once, in the reference's order, which is not the alphabet's
    lists = [w["drifted_columns"] for w in served]
    assert lists[BROKEN_DAY - 1]
    assert len(lists[-1]) >= 3
    assert lists[-1] != sorted(lists[-1])
    assert not lists[0]


def test_drifted_columns_of_windows_chosen_by_time(monitored: Monitored) -> None:
    since = (START + timedelta(days=DRIFT_DAY - 1)).isoformat()
    served = monitored.get("windows", since=since).json()["windows"]
    stored = monitored.store.windows(monitored.project, START + timedelta(days=DRIFT_DAY - 1))
    assert len(served) == DAYS - DRIFT_DAY + 1
    assert [w["drifted_columns"] for w in served] == [
        report_drifted_columns(w.report) for w in stored
    ]
