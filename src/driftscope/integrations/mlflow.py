"""Log each monitored window's metrics to an MLflow experiment (``driftscope[mlflow]``).

Every project has one MLflow run in the experiment (named ``settings.experiment``, else the
project; created when missing), found again by its tag ``driftscope.project``, so a project's
history accumulates in one run: each of the store's points becomes a metric value at
``step`` = the window's index among the project's windows (ordered by start, from 0) and
``timestamp`` = the window's end. The store's state :data:`MLFLOW_STATE_KEY` remembers the end
of the last window logged, moved on as batches are sent, so a second call logs nothing and
a call killed or failed half-way is finished by the next one. That one may send again the
start of a window a batch had sent already: a SQL tracking store keeps such a repeat once, a
file store twice (the same value at the same step and time, which charts draw as one).

Metric keys (:func:`metric_key`): a dataset figure (column ``*``) is logged under its metric's
name (``drift_share``, ``rows``), a column's figure as ``{column}.{metric}`` (``age.psi``).
NaN values are left out: MLflow's backends do not all keep them.

Importing this module never imports MLflow; :func:`log_windows` does, and raises a one-line
:class:`~driftscope.errors.ConfigError` when it is not installed or the tracking URI cannot be
used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import posixpath
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from driftscope.errors import ConfigError
from driftscope.integrations import MissingExtraError
from driftscope.monitor._config_models import mask_password
from driftscope.monitor.store.base import DATASET_COLUMN

if TYPE_CHECKING:
    from driftscope.monitor._config_models import MlflowSettings
    from driftscope.monitor.store.base import Store

__all__ = ["MLFLOW_STATE_KEY", "PROJECT_TAG", "MissingMlflowError", "log_windows", "metric_key"]

MLFLOW_STATE_KEY = "mlflow_logged_through"
"""The store state holding the end of the last window logged to MLflow (ISO 8601)."""
PROJECT_TAG = "driftscope.project"
"""The tag that marks a project's run in its experiment."""
MAX_BATCH = 1000
"""The most metrics MLflow takes in one ``log_batch`` call."""
MAX_KEY_LENGTH = 250
"""The longest metric key MLflow accepts."""
MAX_METRIC_LENGTH = 120
"""The longest metric name kept whole in a key, leaving a column at least 129 characters."""
_HASH_LENGTH = 8
_UNSAFE = re.compile(r"[^A-Za-z0-9_\-. /]")
_CAUSE = re.compile(r"(\[Errno -?\d+\][^\"')]*|[Rr]ead timed out|timed out)")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


class MissingMlflowError(MissingExtraError, ConfigError):
    """MLflow logging is configured but MLflow is not installed: ``pip install
    'driftscope[mlflow]'``. Both a ConfigError (the command line prints it as one line) and
    an ImportError."""


def metric_key(column: str, metric: str) -> str:
    """The MLflow metric key of a store point: the metric alone for the dataset (``*``),
    else ``{column}.{metric}``.

    MLflow takes alphanumerics, ``_ - . /`` and spaces, at most 250 characters, and no key
    that a file path would normalise to another. A column or metric that needs changing for
    that has its other characters replaced by ``_`` and 8 hex digits of its hash appended,
    so two names never share a key and a name's key never depends on the others.

    >>> metric_key("*", "drift_share"), metric_key("age", "psi")
    ('drift_share', 'age.psi')
    >>> metric_key("prix (€)", "psi")
    'prix ____ef15055e.psi'
    """
    name = _part(metric, allow_dot=False, room=MAX_METRIC_LENGTH)
    if column == DATASET_COLUMN:
        return name
    room = MAX_KEY_LENGTH - len(name) - 1
    return f"{_part(column, allow_dot=True, room=room)}.{name}"


def _part(text: str, *, allow_dot: bool, room: int = MAX_KEY_LENGTH) -> str:
    if (
        len(text) <= room
        and not _UNSAFE.search(text)
        and (allow_dot or "." not in text)
        and posixpath.normpath(text) == text
        and not text.startswith(("..", "/"))
        and text != "."  # "." + ".psi" would start with ".."
    ):
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:_HASH_LENGTH]
    # Neither "/" nor "." survives in a changed name, so its key cannot read as a path.
    clean = _UNSAFE.sub("_", text).replace("/", "_").replace(".", "_")
    return f"{clean[: max(0, room - _HASH_LENGTH - 1)]}_{digest}"


def log_windows(settings: MlflowSettings, project: str, store: Store) -> int:
    """Log to MLflow every window of ``project`` in ``store`` not logged yet; return how many.

    ``step`` is the window's position among the project's windows ordered by start (from 0),
    the timestamp its end in milliseconds. The store's state :data:`MLFLOW_STATE_KEY` holds
    the end of the last window logged, moved on after each batch of at most
    :data:`MAX_BATCH` metrics; a second call logs nothing (and does not import MLflow).

    Raises
    ------
    MissingMlflowError
        A ConfigError, when MLflow is not installed (``pip install 'driftscope[mlflow]'``).
    ConfigError
        When MLflow cannot use the tracking URI (named with its password masked) or the
        experiment is deleted.
    """
    if importlib.util.find_spec("mlflow") is None:
        raise _missing()
    windows = store.windows(project)
    through = _through(store.get_state(project, MLFLOW_STATE_KEY))
    todo = [
        _Step(index, window.start, window.end)
        for index, window in enumerate(windows)
        if through is None or window.end > through
    ]
    if not todo:
        return 0
    try:
        from mlflow.entities import Metric
    except ImportError:
        raise _missing() from None
    steps = {step.start: step for step in todo}
    by_start: dict[datetime, list[Any]] = {step.start: [] for step in todo}
    for point in store.points(project, since=todo[0].start):
        found = by_start.get(point.window_start)
        if found is None or math.isnan(point.value):
            continue
        step = steps[point.window_start]
        metric = metric_key(point.column, point.metric)
        found.append(Metric(metric, point.value, step.timestamp, step.index))
    with _mlflow_errors(settings, project):
        client, run_id = _open_run(settings, project)
    batch: list[Any] = []
    covered: _Step | None = None  # the last window whose metrics are all sent or in batch
    for step in todo:
        for metric in by_start[step.start]:
            batch.append(metric)
            if len(batch) == MAX_BATCH:
                with _mlflow_errors(settings, project):
                    client.log_batch(run_id, metrics=batch)
                batch = []
                if covered is not None:
                    store.put_state(project, MLFLOW_STATE_KEY, covered.end.isoformat())
                    covered = None
        covered = step
    with _mlflow_errors(settings, project):
        if batch:
            client.log_batch(run_id, metrics=batch)
        client.set_terminated(run_id)
    store.put_state(project, MLFLOW_STATE_KEY, todo[-1].end.isoformat())
    return len(todo)


@dataclass(frozen=True, slots=True)
class _Step:
    index: int
    start: datetime
    end: datetime

    @property
    def timestamp(self) -> int:
        return (self.end - _EPOCH) // _MS


@contextmanager
def _mlflow_errors(settings: MlflowSettings, project: str) -> Iterator[None]:
    """MLflow's errors (its own, its backends' and the file system's) as one-line
    ConfigErrors naming the tracking URI without its password."""
    from mlflow.exceptions import MlflowException
    from sqlalchemy.exc import SQLAlchemyError

    uri = mask_password(settings.tracking_uri)
    try:
        yield
    except (MlflowException, SQLAlchemyError, OSError) as exc:
        if "MLFLOW_ALLOW_FILE_STORE" in str(exc):
            message = (
                "MLflow refuses a file store unless the environment sets "
                "MLFLOW_ALLOW_FILE_STORE=true; set it, or use a tracking_uri such as "
                "sqlite:///mlflow.db"
            )
        else:
            message = f"{_reason(exc, settings.tracking_uri)}; check mlflow.tracking_uri"
        raise ConfigError(f"mlflow: cannot log {project!r} to {uri}: {message}") from None


def _open_run(settings: MlflowSettings, project: str) -> tuple[Any, str]:
    """The MLflow client and the id of the project's run, the experiment and run created
    when missing."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=settings.tracking_uri)
    name = settings.experiment or project
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        experiment_id = client.create_experiment(name)
    elif experiment.lifecycle_stage != "active":
        raise ConfigError(
            f"mlflow: experiment {name!r} is deleted at {mask_password(settings.tracking_uri)}; "
            "restore it in MLflow or set mlflow.experiment to another name"
        )
    else:
        experiment_id = experiment.experiment_id
    quoted = project.replace("\\", "\\\\").replace("'", "\\'")
    found = client.search_runs(
        [experiment_id],
        filter_string=f"tags.`{PROJECT_TAG}` = '{quoted}'",
        max_results=1,
        order_by=["attributes.start_time ASC"],
    )
    if found:
        return client, found[0].info.run_id
    run = client.create_run(experiment_id, tags={PROJECT_TAG: project}, run_name=project)
    return client, run.info.run_id


def _through(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _reason(exc: BaseException, tracking_uri: str) -> str:
    """What went wrong, in one line without the URI's password: a failed connection's cause
    (``Connection refused``), else the first line of ``exc``'s message, cut at 300 chars."""
    lines = str(exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    # MLflow wraps requests' error, whose last words say what happened.
    cause = _CAUSE.search(reason) if reason.startswith("API request to ") else None
    if cause is not None:
        reason = f"the tracking server did not answer ({cause.group(1).strip()})"
    reason = reason.replace(tracking_uri, mask_password(tracking_uri))
    password = urlsplit(tracking_uri).password
    if password:
        reason = reason.replace(password, "***")
    return reason if len(reason) <= 300 else reason[:297] + "..."


def _missing() -> MissingMlflowError:
    return MissingMlflowError(
        "logging windows to MLflow (the config's mlflow section) needs the mlflow extra: "
        "pip install 'driftscope[mlflow]'"
    )
