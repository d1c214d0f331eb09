"""Windows logged to MLflow, read back from a local MLflow file store and SQLite store."""

from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from driftscope.errors import ConfigError
from driftscope.integrations.mlflow import (
    MAX_BATCH,
    MLFLOW_STATE_KEY,
    PROJECT_TAG,
    log_windows,
    metric_key,
)
from driftscope.monitor._config_models import MlflowSettings
from driftscope.monitor.store import MetricPoint, SqlStore, WindowRecord, open_store

# MLflow's telemetry would phone home from a thread started when mlflow is imported (pytest's
# own marker of a test run is not set yet at collection): no network in tests.
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
mlflow = pytest.importorskip("mlflow")
MlflowClient = pytest.importorskip("mlflow.tracking").MlflowClient
validation = pytest.importorskip("mlflow.utils.validation")

pytestmark = pytest.mark.filterwarnings(
    # MLflow's SQL store declares a relationship with SQLAlchemy 2.1's deprecated `noload`.
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)

PROJECT = "credit"
DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
ODD_COLUMN = "prix (€)"


def window(i: int) -> tuple[datetime, datetime]:
    return DAY0 + timedelta(days=i), DAY0 + timedelta(days=i + 1)


def figures(i: int) -> dict[tuple[str, str], float]:
    """Window i's points: dataset figures, a column's statistic, a NaN p-value in window 1."""
    return {
        ("*", "rows"): 100.0 + i,
        ("*", "drift_share"): i / 10,
        ("age", "psi"): 0.05 * i,
        ("age", "p_value"): math.nan if i == 1 else 0.5 / (i + 1),
        (ODD_COLUMN, "ks"): 0.01 + i / 100,
    }


def add_window(store: SqlStore, i: int, values: dict[tuple[str, str], float] | None = None) -> None:
    start, end = window(i)
    points = [
        MetricPoint(PROJECT, start, end, column, metric, value)
        for (column, metric), value in (values or figures(i)).items()
    ]
    record = WindowRecord(PROJECT, start, end, 100 + i, "none", "computed", "{}")
    assert store.write_window(record, points)


def ms(moment: datetime) -> int:
    return int(moment.timestamp()) * 1000


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = open_store(f"sqlite:///{tmp_path}/s.db")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def empty_mlflow_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLflow SQLite database with its tables made, copied by each test: MLflow takes
    seconds to create them."""
    path = tmp_path_factory.mktemp("mlflow") / "empty.db"
    MlflowClient(tracking_uri=f"sqlite:///{path}")
    return path


def sqlite_settings(template: Path, folder: Path, experiment: str | None = None) -> MlflowSettings:
    shutil.copy(template, folder / "mlflow.db")
    return MlflowSettings(tracking_uri=f"sqlite:///{folder}/mlflow.db", experiment=experiment)


@pytest.fixture(
    params=[
        pytest.param("file", id="file-store"),
        pytest.param("sqlite", id="sqlite-store"),
    ]
)
def settings(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    empty_mlflow_db: Path,
) -> Any:
    if request.param == "file":
        # MLflow 3 refuses its file store unless told it is wanted.
        monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
        return MlflowSettings(tracking_uri=f"file:{tmp_path}/mlruns", experiment="monitoring")
    return sqlite_settings(empty_mlflow_db, tmp_path, "monitoring")


def the_run(settings: MlflowSettings) -> Any:
    client = MlflowClient(tracking_uri=settings.tracking_uri)
    experiment = client.get_experiment_by_name(settings.experiment or PROJECT)
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1
    assert runs[0].data.tags[PROJECT_TAG] == PROJECT
    return client, runs[0].info.run_id


def history(client: Any, run_id: str, key: str) -> list[tuple[int, int, float]]:
    return sorted((m.step, m.timestamp, m.value) for m in client.get_metric_history(run_id, key))


def test_each_window_is_one_step_at_its_end_and_nan_is_left_out(
    settings: MlflowSettings, store: SqlStore
) -> None:
    for i in range(4):
        add_window(store, i)

    assert log_windows(settings, PROJECT, store) == 4

    client, run_id = the_run(settings)
    for column, metric in figures(0):
        expected = [
            (i, ms(window(i)[1]), figures(i)[column, metric])
            for i in range(4)
            if not math.isnan(figures(i)[column, metric])
        ]
        assert history(client, run_id, metric_key(column, metric)) == expected
    assert [step for step, _, _ in history(client, run_id, "age.p_value")] == [0, 2, 3]
    assert set(client.get_run(run_id).data.metrics) == {
        "rows",
        "drift_share",
        "age.psi",
        "age.p_value",
        metric_key(ODD_COLUMN, "ks"),
    }
    assert store.get_state(PROJECT, MLFLOW_STATE_KEY) == window(3)[1].isoformat()


def test_a_second_call_logs_nothing_and_a_later_window_takes_the_next_step(
    settings: MlflowSettings, store: SqlStore
) -> None:
    for i in range(3):
        add_window(store, i)
    assert log_windows(settings, PROJECT, store) == 3

    assert log_windows(settings, PROJECT, store) == 0
    client, run_id = the_run(settings)
    assert len(history(client, run_id, "rows")) == 3

    add_window(store, 3)
    assert log_windows(settings, PROJECT, store) == 1

    client, run_id = the_run(settings)  # still the one run
    rows = history(client, run_id, "rows")
    assert rows == [(i, ms(window(i)[1]), 100.0 + i) for i in range(4)]
    assert log_windows(settings, PROJECT, store) == 0
    assert len(history(client, run_id, "rows")) == 4


def test_the_experiment_defaults_to_the_project(
    tmp_path: Path, store: SqlStore, empty_mlflow_db: Path
) -> None:
    settings = sqlite_settings(empty_mlflow_db, tmp_path)
    add_window(store, 0)

    assert log_windows(settings, PROJECT, store) == 1

    client, run_id = the_run(settings)
    assert client.get_run(run_id).info.run_name == PROJECT


def test_more_metrics_than_one_batch_are_all_logged_and_the_state_never_runs_ahead(
    tmp_path: Path, store: SqlStore, monkeypatch: pytest.MonkeyPatch, empty_mlflow_db: Path
) -> None:
    settings = sqlite_settings(empty_mlflow_db, tmp_path)
    per_window = 700  # 3 windows: batches end inside window 1, inside window 2, at the end
    for i in range(3):
        add_window(store, i, {(f"c{k}", "psi"): i + k / 1000 for k in range(per_window)})
    sent: list[int] = []
    states: list[tuple[int, str]] = []
    real_log_batch = MlflowClient.log_batch

    def log_batch(self: Any, run_id: str, metrics: Any = (), **kwargs: Any) -> Any:
        assert len(metrics) <= MAX_BATCH
        sent.append(len(metrics))
        return real_log_batch(self, run_id, metrics=metrics, **kwargs)

    real_put_state = store.put_state

    def put_state(project: str, key: str, value: str) -> None:
        states.append((sum(sent), value))
        real_put_state(project, key, value)

    monkeypatch.setattr(MlflowClient, "log_batch", log_batch)
    monkeypatch.setattr(store, "put_state", put_state)

    assert log_windows(settings, PROJECT, store) == 3

    assert sent == [1000, 1000, 100]
    # After 1000 metrics window 0 (700) is all sent; after 2000, window 1 (1400) too.
    assert states == [
        (1000, window(0)[1].isoformat()),
        (2000, window(1)[1].isoformat()),
        (2100, window(2)[1].isoformat()),
    ]
    client, run_id = the_run(settings)
    assert len(client.get_run(run_id).data.metrics) == per_window
    assert history(client, run_id, "c699.psi") == [
        (i, ms(window(i)[1]), i + 0.699) for i in range(3)
    ]


def test_a_call_that_fails_half_way_is_finished_by_the_next_without_repeats(
    tmp_path: Path, store: SqlStore, monkeypatch: pytest.MonkeyPatch, empty_mlflow_db: Path
) -> None:
    settings = sqlite_settings(empty_mlflow_db, tmp_path)
    for i in range(3):
        add_window(store, i, {(f"c{k}", "psi"): i + k / 1000 for k in range(700)})
    real_log_batch = MlflowClient.log_batch
    calls: list[int] = []

    def failing_second_batch(self: Any, run_id: str, metrics: Any = (), **kwargs: Any) -> Any:
        calls.append(len(metrics))
        if len(calls) == 2:
            raise mlflow.exceptions.MlflowException("the server went away")
        return real_log_batch(self, run_id, metrics=metrics, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(MlflowClient, "log_batch", failing_second_batch)
        with pytest.raises(ConfigError, match="the server went away"):
            log_windows(settings, PROJECT, store)
    assert store.get_state(PROJECT, MLFLOW_STATE_KEY) == window(0)[1].isoformat()

    assert log_windows(settings, PROJECT, store) == 2

    client, run_id = the_run(settings)
    # c0 of window 1 was in the first batch and is sent again by the second call.
    for key in ("c0.psi", "c699.psi"):
        values = [(i, ms(window(i)[1]), i + int(key[1:-4]) / 1000) for i in range(3)]
        assert history(client, run_id, key) == values


def test_without_mlflow_the_error_is_one_line_naming_the_extra(
    tmp_path: Path, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_window(store, 0)
    # None in sys.modules makes Python's import fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "mlflow", None)
    settings = MlflowSettings(tracking_uri=f"sqlite:///{tmp_path}/mlflow.db")

    with pytest.raises(ConfigError) as caught:
        log_windows(settings, PROJECT, store)

    assert isinstance(caught.value, ImportError)
    assert str(caught.value) == (
        "logging windows to MLflow (the config's mlflow section) needs the mlflow extra: "
        "pip install 'driftscope[mlflow]'"
    )
    assert store.get_state(PROJECT, MLFLOW_STATE_KEY) is None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_tracking_server_is_one_line_naming_it_without_its_password(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    port = closed_port()
    settings = MlflowSettings(tracking_uri=f"http://me:hunter2@127.0.0.1:{port}")
    add_window(store, 0)

    with pytest.raises(ConfigError) as caught:
        log_windows(settings, PROJECT, store)

    message = str(caught.value)
    assert message.startswith(
        f"mlflow: cannot log 'credit' to http://me:***@127.0.0.1:{port}: the tracking server "
        "did not answer ("
    )
    assert "Connection refused" in message
    assert "hunter2" not in message
    assert "\n" not in message
    assert store.get_state(PROJECT, MLFLOW_STATE_KEY) is None


def test_a_file_store_mlflow_refuses_says_how_to_allow_it(
    tmp_path: Path, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE", raising=False)
    settings = MlflowSettings(tracking_uri=f"file:{tmp_path}/refused")
    add_window(store, 0)

    with pytest.raises(ConfigError, match="MLFLOW_ALLOW_FILE_STORE=true") as caught:
        log_windows(settings, PROJECT, store)

    assert "sqlite:///mlflow.db" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_deleted_experiment_is_a_config_error(
    tmp_path: Path, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    settings = MlflowSettings(tracking_uri=f"file:{tmp_path}/mlruns")
    client = MlflowClient(tracking_uri=settings.tracking_uri)
    client.delete_experiment(client.create_experiment(PROJECT))
    add_window(store, 0)

    with pytest.raises(ConfigError, match="experiment 'credit' is deleted"):
        log_windows(settings, PROJECT, store)


NAMES = st.text(min_size=1, max_size=300)


@given(first=st.tuples(NAMES | st.just("*"), NAMES), second=st.tuples(NAMES, NAMES))
def test_every_key_is_one_mlflow_takes_and_different_names_never_share_one(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    for column, metric in (first, second):
        key = metric_key(column, metric)
        validation._validate_metric_name(key)  # raises MlflowException for a refused key
        assert len(key) <= validation.MAX_ENTITY_KEY_LENGTH
    if first != second:
        assert metric_key(*first) != metric_key(*second)


@pytest.mark.parametrize(
    ("column", "metric", "key"),
    [
        pytest.param("*", "drift_share", "drift_share", id="dataset"),
        pytest.param("age", "psi", "age.psi", id="column"),
        pytest.param("a.b/c d-e_f", "ks", "a.b/c d-e_f.ks", id="allowed-characters-kept"),
    ],
)
def test_names_mlflow_takes_are_kept_as_they_are(column: str, metric: str, key: str) -> None:
    assert metric_key(column, metric) == key


def test_importing_the_module_does_not_import_mlflow() -> None:
    code = "import sys, driftscope.integrations.mlflow; print('mlflow' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
