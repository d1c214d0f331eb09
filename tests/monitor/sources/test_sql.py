"""SqlSource on a real SQLite file and the real PostgreSQL server (127.0.0.1:5432, database
``test``): tables and queries, timestamps stored as timestamps and as ISO 8601 texts."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from driftscope.errors import ConfigError, InputError
from driftscope.monitor._config_models import Logs
from driftscope.monitor.sources import SqlSource, open_source
from tests.monitor.sources._logs import HOUR, T0

PG_URL = os.environ.get("DRIFTSCOPE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
OFFSETS = (0, 0.5, 1, 1.5, 2)
"""Hours after T0 of the five rows with a timestamp; a sixth row has none."""
WINDOWS = [(T0, T0 + HOUR), (T0 + HOUR, T0 + 2 * HOUR), (T0 + 2 * HOUR, T0 + 3 * HOUR)]
EXPECTED = [[1, 2], [3, 4], [5]]


@dataclass(frozen=True)
class LogTable:
    """A log table: its URL, its (possibly schema-qualified) name, how ``ts`` is stored,
    and the rows of bad texts it has besides the null one (missing, unparseable)."""

    url: str
    table: str
    stored: str
    missing: int = 1
    unparseable: int = 0


def _texts() -> list[str | None]:
    # Offsets and separators vary; every one names the same instants as OFFSETS.
    return [
        "2026-03-01T00:00:00Z",
        "2026-03-01T01:30:00+01:00",
        "2026-03-01 01:00:00",
        "2026-02-28T20:30:00-05:00",
        "2026-03-01T02:00:00.000+00:00",
        None,
    ]


def _rows(stored: str) -> list[dict[str, object]]:
    stamps: list[object]
    if stored == "text":
        stamps = [*_texts(), "", "soon"]
    else:
        zoned = [START + dt.timedelta(hours=h) for h in OFFSETS]
        stamps = [
            *(zoned if stored == "timestamptz" else [s.replace(tzinfo=None) for s in zoned]),
            None,
        ]
    return [{"ts": s, "x": i + 1, "label": f"l{i}", "amount": i / 2} for i, s in enumerate(stamps)]


def _create(engine: sa.Engine, name: str, schema: str | None, stored: str) -> None:
    ts_type: sa.types.TypeEngine[object] = {
        "text": sa.Text(),
        "timestamptz": sa.DateTime(timezone=True),
        "timestamp": sa.DateTime(),
    }[stored]
    table = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("ts", ts_type),
        sa.Column("x", sa.Integer),
        sa.Column("label", sa.Text),
        sa.Column("amount", sa.Float),
        schema=schema,
    )
    with engine.begin() as conn:
        table.create(conn)
        conn.execute(table.insert(), _rows(stored))


@pytest.fixture(scope="module")
def pg_engine() -> Iterator[sa.Engine]:
    engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3}, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable: {str(exc.orig).splitlines()[0]}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_schema(pg_engine: sa.Engine) -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards."""
    schema = f"ds_sources_{uuid.uuid4().hex[:12]}"
    with pg_engine.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema))
    yield schema
    with pg_engine.begin() as conn:
        conn.execute(sa.schema.DropSchema(schema, cascade=True))


@pytest.fixture(
    params=["sqlite-datetime", "sqlite-text", "pg-timestamptz", "pg-timestamp", "pg-text"]
)
def logs(request: pytest.FixtureRequest, tmp_path: Path) -> LogTable:
    backend, stored = request.param.split("-")
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'logs.db'}"
        engine = sa.create_engine(url, poolclass=sa.NullPool)
        _create(engine, "inference_log", None, "timestamp" if stored == "datetime" else stored)
        engine.dispose()
        table = "main.inference_log" if stored == "datetime" else "inference_log"
    else:
        schema = request.getfixturevalue("pg_schema")
        _create(request.getfixturevalue("pg_engine"), "inference_log", schema, stored)
        url, table = PG_URL, f"{schema}.inference_log"
    if stored == "text":
        return LogTable(url, table, stored, missing=2, unparseable=1)
    return LogTable(url, table, stored)


def test_a_scan_counts_rows_and_finds_the_range(logs: LogTable) -> None:
    (part,) = SqlSource(logs.url, "ts", table=logs.table).scan({})
    assert (part.key, part.size, part.mtime_ns) == ("sql", 0, 0)
    assert part.rows == 5 + logs.missing + logs.unparseable
    assert (part.first, part.last) == (T0, T0 + 2 * HOUR)
    assert (part.missing, part.unparseable) == (logs.missing, logs.unparseable)


def test_windows_hold_exactly_their_rows(logs: LogTable) -> None:
    source = SqlSource(logs.url, "ts", table=logs.table)
    parts = source.scan({})
    windows = [(T0 - HOUR, T0), *WINDOWS, (T0 + 5 * HOUR, T0 + 6 * HOUR)]
    got = list(source.read_windows(parts, windows))
    assert [w.index for w in got] == [0, 1, 2, 3, 4]
    assert [w.table.column("x").to_pylist() for w in got] == [[], *EXPECTED, []]
    assert got[1].table.column_names == ["ts", "x", "label", "amount"]
    assert all(w.notes == () for w in got)


def test_a_query_is_read_as_a_subquery(logs: LogTable) -> None:
    # A percent sign and a colon in the SQL are the user's, not parameters.
    query = f"SELECT ts, x FROM {logs.table} WHERE x <> 2 AND label LIKE 'l%' AND label <> 'a :b';"
    source = SqlSource(logs.url, "ts", query=query)
    (part,) = source.scan({})
    assert part.rows == 4 + logs.missing + logs.unparseable
    got = [w.table.column("x").to_pylist() for w in source.read_windows([part], WINDOWS)]
    assert got == [[1], [3, 4], [5]]


def test_columns_selects_them_and_notes_those_missing(logs: LogTable) -> None:
    source = SqlSource(logs.url, "ts", table=logs.table)
    got = list(source.read_windows([], WINDOWS[:1], columns=["label", "absent"]))
    table = got[0].table
    assert table.column_names == ["label", "absent", "ts"]
    assert table.column("label").to_pylist() == ["l0", "l1"]
    assert table.column("absent").null_count == 2
    assert len(got[0].notes) == 1
    assert "'absent'" in got[0].notes[0]


def test_an_abandoned_read_closes_its_connection(logs: LogTable) -> None:
    windows = SqlSource(logs.url, "ts", table=logs.table).read_windows([], WINDOWS)
    assert next(windows).table.num_rows == 2
    windows.close()  # a ResourceWarning would fail the test (filterwarnings = error)


# --- SQLite specifics: identifiers, stored layouts, bad input -------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    path = tmp_path / "odd.db"
    with sqlite3.connect(path) as db:
        db.execute('CREATE TABLE "Inference Log" ("Event Time" TEXT, "x" INTEGER, "mixed")')
        db.executemany(
            'INSERT INTO "Inference Log" VALUES (?, ?, ?)',
            [("2026-03-01T00:10:00Z", 1, 5), ("2026-03-01T00:20:00Z", 2, "five")],
        )
        db.execute("CREATE TABLE keep (a INTEGER)")
        db.execute("CREATE TABLE epoch (ts INTEGER)")
        db.execute("INSERT INTO epoch VALUES (1772323200)")
    db.close()
    return f"sqlite:///{path}"


def test_identifiers_are_quoted_and_mixed_values_noted(sqlite_url: str) -> None:
    source = SqlSource(sqlite_url, "Event Time", table="Inference Log")
    (part,) = source.scan({})
    assert (part.rows, part.first) == (2, T0 + 10 * 60 * 10**9)
    (window,) = source.read_windows([part], WINDOWS[:1], columns=["x", "mixed"])
    assert window.table.column("mixed").to_pylist() == ["5", "five"]
    assert window.notes == (
        f"table 'Inference Log' at {sqlite_url}: column 'mixed' mixes int and str values; "
        "read as text",
    )


def test_a_table_name_is_never_sql(sqlite_url: str) -> None:
    with pytest.raises(InputError, match="no such table"):
        SqlSource(sqlite_url, "ts", table="keep; DROP TABLE keep").scan({})
    with sa.create_engine(sqlite_url, poolclass=sa.NullPool).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM keep")).scalar() == 0


def test_numbers_as_timestamps_are_refused(sqlite_url: str) -> None:
    with pytest.raises(InputError, match="holds int values; expected timestamps") as exc:
        SqlSource(sqlite_url, "ts", table="epoch").scan({})
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    ("table", "query", "says"),
    [
        pytest.param("missing", None, "cannot read table 'missing'", id="no-table"),
        pytest.param(
            "keep", None, "has no timestamp column 'ts' (its columns: 'a')", id="no-column"
        ),
        pytest.param(None, "SELEKT 1", "cannot read the query", id="bad-query"),
    ],
)
def test_bad_tables_and_queries_are_one_line(
    sqlite_url: str, table: str | None, query: str | None, says: str
) -> None:
    with pytest.raises(InputError) as exc:
        SqlSource(sqlite_url, "ts", table=table, query=query).scan({})
    assert says in str(exc.value)
    assert "\n" not in str(exc.value)


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(InputError, match="no SQLite database at"):
        SqlSource(f"sqlite:///{path}", "ts", table="t").scan({})
    assert not path.exists()


def test_an_unreachable_database_is_one_line_without_the_password() -> None:
    url = "postgresql+psycopg://me:hunter2@127.0.0.1:1/logs"
    with pytest.raises(InputError) as exc:
        SqlSource(url, "ts", table="t").scan({})
    message = str(exc.value)
    assert message.startswith(
        "logs: cannot connect to postgresql+psycopg://me:***@127.0.0.1:1/logs"
    )
    assert "hunter2" not in message
    assert "\n" not in message
    assert "hunter2" not in repr(SqlSource(url, "ts", table="t"))


def test_a_bad_url_is_one_line() -> None:
    with pytest.raises(InputError, match="cannot use"):
        SqlSource("nosuchdialect://me:pw@host/db", "ts", table="t").scan({})


def test_exactly_one_of_table_and_query() -> None:
    with pytest.raises(ConfigError, match="exactly one"):
        SqlSource("sqlite://", "ts")
    with pytest.raises(ConfigError, match="exactly one"):
        SqlSource("sqlite://", "ts", table="t", query="SELECT 1")


def test_open_source_makes_a_sql_source() -> None:
    logs = Logs.model_validate({"sql": {"url": "sqlite:///x.db", "query": "SELECT 1"}})
    source = open_source(logs, "ts")
    assert isinstance(source, SqlSource)
    assert (source.url, source.query, source.table) == ("sqlite:///x.db", "SELECT 1", None)
