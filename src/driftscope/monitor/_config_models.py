"""The pydantic models of a monitoring project's YAML file (SPEC section 7).

They only describe and check the file; :mod:`driftscope.monitor.config` reads it, substitutes
``${NAME}`` and turns pydantic's errors into one line naming the file, line and key. Relative
paths are resolved against the config file's folder, which validation receives as the
context ``{"base_dir": Path}``. Secrets (webhook URLs, keys, passwords, SQL URLs) are
:class:`~pydantic.SecretStr`, so that no repr, log line or error shows them.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator

from driftscope.engine.options import CompareOptions
from driftscope.errors import ConfigError
from driftscope.monitor._config_alerts import Alerts
from driftscope.monitor._config_base import (
    ConfigModel,
    base_dir_of,
    located,
    resolve_path,
    unknown_key,
)
from driftscope.monitor._config_streams import StreamDetector, check_detectors
from driftscope.monitor.windows import Window
from driftscope.result import FAIL_ON

PROJECT_PATTERN = r"[a-z0-9_-]+"
DEFAULT_STORE = "sqlite:///driftscope.db"
"""The store when none is given: one SQLite file beside the config file."""
DEFAULT_WINDOW = "1d"
_PATH_CHECKS = ("labels", "constraints", "calibration_cache")
"""Options of ``checks`` naming a file, read relative to the config's folder."""
CHECK_ALIASES = {
    "method": "methods",
    "threshold": "thresholds",
    "id": "id_column",
    "type": "schema",
}
"""The command line's spellings (``--method``), accepted in ``checks`` for the options'
names (SPEC section 7's example writes ``method:``)."""


class SqlLogs(ConfigModel):
    """Logs read through SQLAlchemy: a ``table`` or a ``query`` at ``url``."""

    url: SecretStr
    table: str | None = None
    query: str | None = None

    @field_validator("url", mode="before")
    @classmethod
    def _relative_sqlite(cls, value: Any, info: ValidationInfo) -> Any:
        # sqlite:///logs.db is a file beside the config, as the store's is
        prefix = "sqlite:///"
        if isinstance(value, str) and value.startswith(prefix):
            name = value.removeprefix(prefix)
            if name and name != ":memory:" and not name.startswith("/"):
                return prefix + str(resolve_path(base_dir_of(info), name))
        return value

    @model_validator(mode="after")
    def _one_source(self) -> SqlLogs:
        if (self.table is None) == (self.query is None):
            raise ValueError("give exactly one of 'table' and 'query'")
        return self


class Logs(ConfigModel):
    """Where inference logs come from: a file, folder or glob ``path`` (resolved), or ``sql``."""

    path: str | None = None
    sql: SqlLogs | None = None

    @field_validator("path")
    @classmethod
    def _resolve(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else str(resolve_path(base_dir_of(info), value))

    @model_validator(mode="after")
    def _one_source(self) -> Logs:
        if (self.path is None) == (self.sql is None):
            raise ValueError("give exactly one of 'path' (a file, folder or glob) and 'sql'")
        return self


class LabelFiles(ConfigModel):
    """Late labels: a file, folder or glob of Parquet / CSV / JSON Lines files holding the
    ``columns.id`` and ``columns.target`` columns (resolved against the config's folder)."""

    path: str

    @field_validator("path")
    @classmethod
    def _resolve(cls, value: str, info: ValidationInfo) -> str:
        return str(resolve_path(base_dir_of(info), value))


class Columns(ConfigModel):
    """The roles of the log's columns; ``features`` None means every other column."""

    timestamp: str
    id: str | None = None
    target: str | None = None
    prediction: str | None = None
    probability: str | dict[str, str] | None = None
    features: tuple[str, ...] | None = None
    kpis: tuple[str, ...] = ()


class Checks(ConfigModel):
    """What ``compare`` accepts (as :class:`CompareOptions`) and the ``fail_on`` condition."""

    options: CompareOptions = CompareOptions()
    fail_on: str | None = None


class MlflowSettings(ConfigModel):
    """Log each window's metrics to an MLflow experiment (``driftscope[mlflow]``):
    ``tracking_uri`` as MLflow takes it (``sqlite:///mlflow.db``, ``http://host:5000``, or
    ``file:./mlruns`` where ``MLFLOW_ALLOW_FILE_STORE=true`` is set, as MLflow 3 requires; a
    relative SQLite or file path is resolved against the config's folder), ``experiment``
    defaults to the project's name."""

    tracking_uri: str = Field(min_length=1)
    experiment: str | None = None

    @field_validator("tracking_uri")
    @classmethod
    def _resolve(cls, value: str, info: ValidationInfo) -> str:
        base = base_dir_of(info)
        for prefix in ("sqlite:///", "file:"):
            rest = value.removeprefix(prefix)
            if value.startswith(prefix) and rest and not rest.startswith("/"):
                return prefix + str(resolve_path(base, rest))
        return value


class MonitorConfig(ConfigModel):
    """A monitoring project, checked and with every relative path resolved."""

    project: str = Field(pattern=f"^{PROJECT_PATTERN}$")
    reference: Path
    logs: Logs | None = None
    columns: Columns
    window: Window = Field(default=DEFAULT_WINDOW, validate_default=True)
    store: str = Field(default=DEFAULT_STORE, repr=False, validate_default=True)
    checks: Checks = Checks()
    alerts: Alerts = Alerts()
    labels: LabelFiles | None = None
    mlflow: MlflowSettings | None = None
    detectors: tuple[StreamDetector, ...] = ()

    @field_validator("reference", mode="before")
    @classmethod
    def _reference(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        path = resolve_path(base_dir_of(info), value)
        # Path.glob takes no absolute pattern, and the reference may be one.
        pattern = str(path)
        found = glob.glob(pattern) if glob.has_magic(pattern) else path.exists()  # noqa: PTH207
        if not found:
            raise ValueError(f"no file, folder or glob match at {path}; create it or fix the path")
        return path

    @field_validator("window", mode="before")
    @classmethod
    def _window(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError("must be a duration such as 1h, 6h, 1d or 7d, or '50000 rows'")
        return Window.parse(value)

    @field_validator("store", mode="before")
    @classmethod
    def _store(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        return resolve_store(value, base_dir_of(info))

    @field_validator("checks", mode="before")
    @classmethod
    def _checks(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, Mapping):
            return value
        return build_checks(value, base_dir_of(info))

    @model_validator(mode="after")
    def _labels_need_roles(self) -> MonitorConfig:
        if self.labels is not None:
            for role in ("id", "target"):
                if getattr(self.columns, role) is None:
                    raise located(
                        f"late labels are joined on columns.id and fill columns.target; "
                        f"give columns.{role}",
                        "labels",
                    )
        return self

    @model_validator(mode="after")
    def _detectors(self) -> MonitorConfig:
        check_detectors(self.detectors, self.columns.target, self.columns.prediction)
        return self

    @property
    def store_display(self) -> str:
        """The store URL with its password masked, for messages."""
        return mask_password(self.store)


def resolve_store(url: str, base_dir: Path) -> str:
    """``url`` with a relative SQLite file made absolute against ``base_dir``; a PostgreSQL
    URL unchanged; any other scheme a ValueError."""
    scheme = url.split(":", 1)[0]
    if scheme == "sqlite":
        prefix = "sqlite:///"
        if not url.startswith(prefix):
            raise ValueError("a SQLite store is written sqlite:///FILE")
        name = url.removeprefix(prefix)
        if name in ("", ":memory:"):
            return url
        return prefix + str(resolve_path(base_dir, name))
    if re.fullmatch(r"postgresql(\+[a-z0-9_]+)?", scheme):
        return url
    raise ValueError("must be a sqlite:///FILE or postgresql+psycopg://USER@HOST/DB URL")


def mask_password(url: str) -> str:
    """``url`` with the password of its user part replaced by ``***``.

    >>> mask_password("postgresql+psycopg://me:hunter2@db/monitor")
    'postgresql+psycopg://me:***@db/monitor'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = f"{parts.username or ''}:***@"
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=user + host).geturl()


def build_checks(value: Mapping[str, Any], base_dir: Path) -> Checks:
    """``checks`` as :class:`Checks`: every key ``compare`` takes, and ``fail_on``."""
    accepted = sorted([item.name for item in fields(CompareOptions)] + ["fail_on"])
    options: dict[str, Any] = {}
    spelt: dict[str, str] = {}
    for key, item in value.items():
        name = CHECK_ALIASES.get(key, key)
        if name not in accepted:
            raise unknown_key(key, accepted)
        if name in spelt:
            raise located(f"{spelt[name]!r} and {key!r} are the same option; give one", key)
        spelt[name] = key
        if name != "fail_on":
            options[name] = item
    fail_on = value.get("fail_on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise located(f"must be one of {', '.join(FAIL_ON)}; got {fail_on!r}", "fail_on")
    for key in _PATH_CHECKS:
        if isinstance(options.get(key), str):
            options[key] = str(resolve_path(base_dir, options[key]))
    try:
        compare = CompareOptions.from_dict(options)
    except (ConfigError, TypeError, ValueError) as exc:
        message = str(exc)
        named = next(
            (spelt[k] for k in options if re.search(rf"\b{re.escape(k)}\b", message)), None
        )
        raise located(message, *([named] if named else [])) from None
    return Checks(options=compare, fail_on=fail_on)
