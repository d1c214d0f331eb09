"""How the SQL store gets its engine: the URL checked, SQLite set up (WAL, foreign keys, busy
timeout, IMMEDIATE write transactions), PostgreSQL given a connect timeout, and the schema
brought up to date by the alembic migrations shipped in ``migrations/``. Every failure is one
ConfigError line naming the URL without its password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, func, make_url, select
from sqlalchemy.exc import SQLAlchemyError

from driftscope.errors import ConfigError, DriftscopeError
from driftscope.monitor._urls import masked, reason

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another one before failing (a window's write is short)."""
CONNECT_TIMEOUT_S = 10
"""How long opening a PostgreSQL store waits for the server before saying it is unreachable."""
_MIGRATIONS = Path(__file__).with_name("migrations")


def _engine(url: str, shown: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"store {shown}: must be a sqlite:///FILE or postgresql+psycopg://USER@HOST/DB URL"
        )
    if parsed.drivername == "postgresql":  # psycopg 3 is the driver the extra installs
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_events(engine)
        return engine
    args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        args["connect_timeout"] = CONNECT_TIMEOUT_S
    return create_engine(parsed, connect_args=args, pool_pre_ping=True)


def _sqlite_events(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot say IMMEDIATE; SQLAlchemy's
    # documented recipe takes it over, so a write transaction locks the file when it starts
    # and two writers queue on the busy timeout instead of failing half-way.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS).replace("%", "%%"))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(immediate=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                # Two runs opening a new database at once: one migrates, the other waits.
                conn.execute(select(func.pg_advisory_xact_lock(_DRIFTSCOPE_KEY)))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")


_DRIFTSCOPE_KEY = 0x6472_6966_7473  # "drifts": the advisory lock key of migrations


def engine_for(url: str) -> Engine:
    """A migrated engine for the store at ``url``; a one-line ConfigError when it cannot be
    had (a bad URL, a missing driver, an unreachable or unusable database)."""
    shown = masked(url)
    try:
        engine = _engine(url, shown)
        _migrate(engine)
    except DriftscopeError:
        raise
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"store {shown}: its database driver {exc.name!r} is not installed; "
            "install driftscope[postgres] to use a PostgreSQL store"
        ) from None
    except (SQLAlchemyError, OSError, ValueError) as exc:
        raise ConfigError(
            f"store {shown}: cannot open it ({reason(exc, url)}); "
            "check the URL and that the database is reachable"
        ) from None
    return engine
