"""Where a monitoring run reads inference logs from: files (a file, folder or glob of
Parquet, CSV or JSON Lines) or a SQL table or query (SPEC section 7, ``logs:``).

Every source is a :class:`~driftscope.monitor.sources.base.LogSource`: ``scan`` summarises
its parts (files, or the one table) so that unchanged files are never reopened, and
``read_windows`` yields the rows of the windows asked for, one window at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftscope.monitor._config_models import Logs
from driftscope.monitor.sources.base import LogSource, Part, WindowRows
from driftscope.monitor.sources.combined import CombinedSource, Member
from driftscope.monitor.sources.files import FileSource
from driftscope.monitor.sources.sql import SqlSource

if TYPE_CHECKING:
    from driftscope.monitor.store.base import Store

__all__ = [
    "CombinedSource",
    "FileSource",
    "LogSource",
    "Member",
    "Part",
    "SqlSource",
    "WindowRows",
    "open_source",
    "project_source",
]


def open_source(logs: Logs, timestamp: str) -> LogSource:
    """The source the ``logs:`` section describes, its rows timed by the column
    ``timestamp`` (``columns.timestamp``). Nothing is opened yet.

    >>> open_source(Logs(path="/var/log/model/*.parquet"), "ts")
    FileSource(path='/var/log/model/*.parquet', timestamp='ts')
    """
    if logs.sql is not None:
        sql = logs.sql
        return SqlSource(sql.url.get_secret_value(), timestamp, table=sql.table, query=sql.query)
    if logs.path is None:  # the config model allows no such Logs; a clear error all the same
        raise ValueError("logs: give 'path' or 'sql'")
    return FileSource(logs.path, timestamp)


def project_source(logs: Logs | None, timestamp: str, store: Store, project: str) -> LogSource:
    """Where a project's logs come from: its ``logs:`` source (when given) and the rows
    posted to the HTTP API, which the store keeps (:mod:`.ingest`)."""
    from driftscope.monitor.sources.ingest import KEY_PREFIX, IngestSource

    ingest = Member(IngestSource(store, project, timestamp), KEY_PREFIX, "ingested rows")
    if logs is None:
        return CombinedSource([ingest])
    name = logs.path or "sql"
    return CombinedSource([Member(open_source(logs, timestamp), "", name), ingest])
