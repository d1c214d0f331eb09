"""Store factories for the contract: in memory, a SQLite file, and the real PostgreSQL server
on 127.0.0.1:5432 (database ``test``), each PostgreSQL store in a schema of its own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from driftscope.monitor.store import MemoryStore, Store, open_store

PG_URL = os.environ.get("DRIFTSCOPE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin() -> object:
    import sqlalchemy

    engine = sqlalchemy.create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("SELECT 1"))
    except sqlalchemy.exc.OperationalError as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable: {str(exc.orig).splitlines()[0]}")
    return engine


@pytest.fixture
def pg_schema_url() -> Iterator[Callable[[], str]]:
    """Make URLs of fresh, empty schemas in the test database; all dropped afterwards."""
    import sqlalchemy

    engine = _pg_admin()
    assert isinstance(engine, sqlalchemy.Engine)
    made: list[str] = []

    def fresh() -> str:
        schema = f"ds_test_{uuid.uuid4().hex[:12]}"
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
        made.append(schema)
        return f"{PG_URL}?options=-csearch_path%3D{schema}"

    yield fresh
    with engine.begin() as conn:
        for schema in made:
            conn.execute(sqlalchemy.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """A factory of new, empty stores of one kind."""
    if request.param == "memory":
        yield MemoryStore
    elif request.param == "sqlite":
        files = iter(range(1_000))
        yield lambda: open_store(f"sqlite:///{tmp_path / f'store{next(files)}.db'}")
    else:
        fresh = request.getfixturevalue("pg_schema_url")
        yield lambda: open_store(fresh())
