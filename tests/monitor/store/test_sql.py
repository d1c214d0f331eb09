"""What only the SQL store does: open errors without the password, SQLite in WAL mode, the
migrated schema matching the tables, and the run lock across stores and across a killed run."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from driftscope.errors import ConfigError
from driftscope.monitor.store import (
    MetricPoint,
    Store,
    StoreBusy,
    WindowRecord,
    _connect,
    open_store,
)
from driftscope.monitor.store._tables import metadata
from driftscope.testing.store import PROJECT, window


def test_unreachable_postgresql_names_the_url_without_its_password() -> None:
    url = "postgresql+psycopg://me:hunter2@127.0.0.1:1/monitor"
    with pytest.raises(ConfigError) as caught:
        open_store(url)
    message = str(caught.value)
    assert message.startswith("store postgresql+psycopg://me:***@127.0.0.1:1/monitor: ")
    assert "hunter2" not in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "url",
    ["not a url", "mysql://u:hunter2@h/db", "sqlite:///no/such/folder/x.db"],
    ids=["garbage", "mysql", "missing-folder"],
)
def test_a_bad_store_url_is_one_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match=r"^store .*") as caught:
        open_store(url)
    assert "hunter2" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_sqlite_store_is_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    open_store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_sqlite_store_syncs_every_commit(tmp_path: Path) -> None:
    # What makes a committed write (a posted batch acknowledged) survive a power cut as well
    # as a killed process: synchronous FULL (2) or EXTRA (3) syncs the WAL at each commit.
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        with store._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() in (2, 3)
    finally:
        store.close()


def test_log_batch_ids_are_never_given_again(tmp_path: Path) -> None:
    # A monitor remembers the batches it read by id: SQLite's AUTOINCREMENT keeps an id from
    # coming back even when the newest batch is deleted (as a retention job might).
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url)
    try:
        first = store.append_logs("fraud", b"a", 1, 1, 1, 0, 0, _a_window().start)
        with store._engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM ds_ingest")
        assert store.append_logs("fraud", b"b", 1, 1, 1, 0, 0, _a_window().start) > first
    finally:
        store.close()


def test_listing_log_batches_reads_no_body(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    statements: list[str] = []
    sqlalchemy.event.listen(
        store._engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    try:
        store.append_logs("fraud", b"x" * 100, 1, 1, 1, 0, 0, _a_window().start)
        statements.clear()
        (batch,) = store.log_batches("fraud")
        assert batch.size == 100
        (listing,) = [s for s in statements if "ds_ingest" in s]
        assert "length(ds_ingest.body)" in listing
        # the body only in length(); body_size and body_file are columns of their own
        assert not re.search(r"ds_ingest\.body\b", listing.replace("length(ds_ingest.body)", ""))
    finally:
        store.close()


def test_postgresql_keeps_log_bodies_uncompressed_out_of_line(
    pg_schema_url: Callable[[], str],
) -> None:
    url = pg_schema_url()
    open_store(url).close()
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            storage = conn.execute(
                sqlalchemy.text(
                    "SELECT attstorage FROM pg_attribute "
                    "WHERE attrelid = 'ds_ingest'::regclass AND attname = 'body'"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    assert storage == "e"  # EXTERNAL: pglz is not tried on bodies compressed already


def test_migrated_schema_matches_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).close()
    open_store(url).close()  # a second open finds the schema at head and changes nothing
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        version = conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version"))
        assert version.scalar_one() == "0010"
    engine.dispose()


def test_a_store_of_the_first_schema_is_upgraded_keeping_its_windows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url)
    check_window = _a_window()
    store.write_window(check_window, [])
    store.close()
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:  # back to revision 0001, as an older driftscope left it
        conn.execute(sqlalchemy.text("DROP TABLE ds_state"))
        conn.execute(sqlalchemy.text("DROP TABLE ds_labels"))
        conn.execute(sqlalchemy.text("DROP TABLE ds_ingest"))
        conn.execute(sqlalchemy.text("DROP TABLE ds_tokens"))
        conn.execute(sqlalchemy.text("DROP TABLE ds_users"))
        conn.execute(sqlalchemy.text("DROP TABLE ds_sessions"))
        conn.execute(sqlalchemy.text("DROP TABLE ds_window_pages"))
        conn.execute(sqlalchemy.text("DROP TABLE ds_ingest_ids"))
        conn.execute(sqlalchemy.text("DROP TABLE ds_ingest_indexed"))
        conn.execute(sqlalchemy.text("UPDATE alembic_version SET version_num = '0001'"))
    engine.dispose()
    store = open_store(url)
    try:
        assert [w.start for w in store.windows("fraud")] == [check_window.start]
        store.put_state("fraud", "k", "v")
        assert store.get_state("fraud", "k") == "v"
        number = store.append_logs("fraud", b"rows", 1, 5, 5, 0, 0, check_window.start)
        assert store.log_batch_bodies("fraud", [number]) == {number: b"rows"}
        store.add_token("ci", "ingest", "0" * 64, check_window.start)
        assert store.token_by_hash("0" * 64) is not None
        store.add_user("ada", "$argon2id$x", check_window.start)
        assert [u.username for u in store.users()] == ["ada"]
        store.add_session("1" * 64, "ada", "f" * 32, check_window.start, check_window.end)
        assert store.session("1" * 64, check_window.start) is not None
        store.index_log_ids("fraud", [number], ["r1"])
        assert store.logged_ids("fraud", ["r1", "r2"]) == {"r1"}
    finally:
        store.close()


def test_a_request_finds_its_token_in_one_query_on_the_hash(tmp_path: Path) -> None:
    # What keeps authentication cheap: one indexed lookup, never a scan of every token.
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    statements: list[tuple[str, object]] = []
    sqlalchemy.event.listen(
        store._engine,
        "before_cursor_execute",
        lambda *args: statements.append((args[2], args[3])),
    )
    try:
        for n in range(3):
            store.add_token(f"t{n}", "read", f"{n:064x}", _a_window().start)
        statements.clear()
        found = store.token_by_hash(f"{1:064x}")
        assert found is not None
        assert found.name == "t1"
        (lookup,) = [(sql, params) for sql, params in statements if "ds_tokens" in sql]
        assert "ds_tokens.token_hash = ?" in lookup[0]
        assert f"{1:064x}" in str(lookup[1])  # a bound parameter, not text in the statement
        assert f"{1:064x}" not in lookup[0]
        with store._engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + lookup[0], lookup[1]).all()
        assert any("USING INDEX" in str(step) for step in plan), plan
    finally:
        store.close()


def _two_processes_name_one_token(url: str) -> None:
    stores = [open_store(url), open_store(url)]
    start = threading.Barrier(2)
    results: list[object] = []

    def add(store: Store, n: int) -> None:
        start.wait()
        try:
            results.append(store.add_token("ci", "ingest", f"{n:064x}", _a_window().start))
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            results.append(exc)

    threads = [threading.Thread(target=add, args=(s, n)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert sorted(type(r).__name__ for r in results) == ["InputError", "TokenRecord"]
        assert [t.name for t in stores[0].tokens()] == ["ci"]
    finally:
        for store in stores:
            store.close()


def test_two_sqlite_stores_never_both_name_a_live_token(tmp_path: Path) -> None:
    _two_processes_name_one_token(f"sqlite:///{tmp_path / 'store.db'}")


def test_two_postgresql_stores_never_both_name_a_live_token(
    pg_schema_url: Callable[[], str],
) -> None:
    _two_processes_name_one_token(pg_schema_url())


def _a_window() -> WindowRecord:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    return WindowRecord("fraud", start, start + timedelta(days=1), 1, "none", "computed", "{}")


def _two_stores_exclude_each_other(url: str) -> None:
    first, second = open_store(url), open_store(url)
    try:
        with first.lock("fraud"), pytest.raises(StoreBusy, match="another run is computing"):
            second.lock("fraud").__enter__()
        with second.lock("fraud"):
            pass
    finally:
        first.close()
        second.close()


def test_two_sqlite_stores_on_one_file_share_the_lock(tmp_path: Path) -> None:
    _two_stores_exclude_each_other(f"sqlite:///{tmp_path / 'store.db'}")


def test_two_postgresql_stores_on_one_schema_share_the_lock(
    pg_schema_url: Callable[[], str],
) -> None:
    _two_stores_exclude_each_other(pg_schema_url())


_HOLDER = textwrap.dedent(
    """
    import sys, time
    from driftscope.monitor.store import open_store

    with open_store(sys.argv[1]).lock("fraud"):
        print("locked", flush=True)
        time.sleep(600)
    """
)


def _kill_a_lock_holder(url: str) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, url], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "locked"
            store = open_store(url)
            with pytest.raises(StoreBusy):
                store.lock("fraud").__enter__()
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=30)
    with store.lock("fraud"):
        pass
    store.close()


@pytest.mark.slow
def test_sqlite_lock_of_a_killed_run_is_taken_over(tmp_path: Path) -> None:
    _kill_a_lock_holder(f"sqlite:///{tmp_path / 'store.db'}")


@pytest.mark.slow
def test_postgresql_lock_of_a_killed_run_is_released(pg_schema_url: Callable[[], str]) -> None:
    _kill_a_lock_holder(pg_schema_url())


def _two_runs_write_one_window(url: str) -> None:
    record = window(0)
    many = [
        MetricPoint(PROJECT, record.start, record.end, f"c{i}", "psi", 0.1) for i in range(3_000)
    ]
    stores = [open_store(url), open_store(url)]
    start = threading.Barrier(2)
    results: list[object] = []

    def write(store: Store) -> None:
        start.wait()
        try:
            results.append(store.write_window(record, many))
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            results.append(exc)

    threads = [threading.Thread(target=write, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert sorted(results, key=repr) == [False, True]
        assert len(stores[0].points(PROJECT)) == len(many)
    finally:
        for store in stores:
            store.close()


def test_two_sqlite_runs_writing_one_window_store_it_once(tmp_path: Path) -> None:
    _two_runs_write_one_window(f"sqlite:///{tmp_path / 'store.db'}")


def test_two_postgresql_runs_writing_one_window_store_it_once(
    pg_schema_url: Callable[[], str],
) -> None:
    _two_runs_write_one_window(pg_schema_url())


def test_a_store_locked_past_the_busy_timeout_is_one_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_connect, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")  # another program holds the file
        with pytest.raises(
            ConfigError, match=r"^store sqlite:///.*: cannot use it \(database is locked\)"
        ):
            store.write_window(window(0), [])
        other.execute("ROLLBACK")
        assert store.write_window(window(0), [])
    finally:
        other.close()
        store.close()
