"""IngestSource: batches of posted log rows kept in the store, scanned from their summaries and
cut into windows; encode_batch and decode_batch, which the service uses to keep them."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftscope.errors import InputError
from driftscope.monitor.sources import ingest as ingest_module
from driftscope.monitor.sources.base import Part, read_timestamps
from driftscope.monitor.sources.ingest import (
    IngestSource,
    batch_id,
    decode_batch,
    decode_column,
    encode_batch,
)
from driftscope.monitor.store import MemoryStore, Store, open_store
from tests.monitor.sources._logs import DAY, HOUR, T0, iso
from tests.monitor.sources.test_properties import SPAN, windows

PROJECT = "fraud"
AT = datetime(2026, 3, 5, tzinfo=UTC)


class _Counting(MemoryStore):
    """A memory store that records every request for bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[list[int]] = []

    def log_batch_bodies(self, project: str, ids: Sequence[int]) -> dict[int, bytes]:
        self.asked.append(list(ids))
        return super().log_batch_bodies(project, ids)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store: in memory, or a SQLite file (bodies come back through the database)."""
    made: Store = (
        _Counting() if request.param == "memory" else open_store(f"sqlite:///{tmp_path}/s.db")
    )
    yield made
    made.close()


def post(store: Store, stamps: Sequence[object], **columns: Sequence[object] | pa.Array) -> int:
    """Keep one batch whose ``ts`` is ``stamps`` (ints are epoch nanoseconds, turned into a UTC
    timestamp column; anything else is kept as given) and ``columns``."""
    if all(isinstance(s, int) for s in stamps):
        ts = pa.array(stamps, pa.timestamp("ns", "UTC"))
    else:
        ts = pa.array(stamps)
    table = pa.table({"ts": ts, **{k: pa.array(v) for k, v in columns.items()}})
    return store.append_logs(PROJECT, *encode_batch(table, "ts"), at=AT)


def hours(*offsets: float) -> list[int]:
    return [T0 + int(h * HOUR) for h in offsets]


def column(source: IngestSource, windows: list[tuple[int, int]], name: str) -> list[list[object]]:
    parts = source.scan({})
    return [w.table.column(name).to_pylist() for w in source.read_windows(parts, windows)]


# --- encoding ---------------------------------------------------------------------------------


def test_a_batch_round_trips_with_its_types() -> None:
    table = pa.table(
        {
            "ts": pa.array(hours(0, 1), pa.timestamp("ns", "UTC")).cast(pa.timestamp("us", "UTC")),
            "country": pa.array(["FR", "DE"]).dictionary_encode(),
            "amount": pa.array([1.5, None]),
            "tags": pa.array([["a"], []], pa.list_(pa.string())),
            "n": pa.array([1, 2], pa.int8()),
        }
    )
    body, rows, first, last, missing, unparseable = encode_batch(table, "ts")
    assert decode_batch(body).equals(table)
    assert (rows, first, last, missing, unparseable) == (2, T0, T0 + HOUR, 0, 0)


def test_text_timestamps_are_read_as_log_files_are() -> None:
    table = pa.table({"ts": [iso(T0 + HOUR), "2026-03-01", " ", None, "soon", iso(T0)]})
    _, rows, first, last, missing, unparseable = encode_batch(table, "ts")
    assert (rows, first, last, missing, unparseable) == (6, T0, T0 + HOUR, 2, 1)


def test_a_batch_without_any_valid_timestamp_has_no_range() -> None:
    _, rows, first, last, missing, unparseable = encode_batch(pa.table({"ts": [None, "x"]}), "ts")
    assert (rows, first, last, missing, unparseable) == (2, None, None, 1, 1)


def test_a_table_without_the_timestamp_column_is_refused_naming_it() -> None:
    with pytest.raises(InputError, match=r"no timestamp column 'time' \(their columns: 'ts'"):
        encode_batch(pa.table({"ts": hours(0)}), "time")


def test_a_column_given_twice_is_refused_naming_it() -> None:
    table = pa.Table.from_arrays(
        [pa.array(hours(0)), pa.array([1]), pa.array([2])], ["ts", "x", "x"]
    )
    with pytest.raises(InputError, match="column 'x' is given twice"):
        encode_batch(table, "ts")


def test_a_timestamp_column_of_another_type_is_refused() -> None:
    with pytest.raises(InputError, match="posted rows"):
        encode_batch(pa.table({"ts": [[1]]}), "ts")


def _parquet(table: pa.Table) -> bytes:
    import io

    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def test_a_posted_parquet_file_is_kept_as_it_came_and_read_back_alike(store: Store) -> None:
    posted = pa.table({"ts": pa.array(hours(0, 2), pa.timestamp("ns", "UTC")), "x": [1.5, 2.5]})
    posted = posted.replace_schema_metadata({"pandas": "{}"})
    file = _parquet(posted)
    body, rows, first, last, missing, unparseable = encode_batch(posted, "ts", file)
    assert body == file
    assert (rows, first, last, missing, unparseable) == (2, T0, T0 + 2 * HOUR, 0, 0)
    assert decode_batch(body).equals(posted.replace_schema_metadata(None))
    assert decode_batch(body).schema.metadata is None
    assert decode_batch(body, ["x", "nothing"]).column_names == ["x"]
    assert decode_column(body, "x").to_pylist() == [1.5, 2.5]
    assert decode_column(body, "nothing") is None
    number = store.append_logs(PROJECT, body, rows, first, last, missing, unparseable, AT)
    source = IngestSource(store, PROJECT, "ts")
    (window,) = source.read_windows(source.scan({}), [(T0, T0 + DAY)])
    assert window.table.column("x").to_pylist() == [1.5, 2.5]
    assert store.log_batch_bodies(PROJECT, [number])[number] == file


def test_a_body_said_to_be_parquet_must_be_one() -> None:
    with pytest.raises(InputError, match="must start with PAR1"):
        encode_batch(pa.table({"ts": [iso(T0)]}), "ts", b"not parquet")
    with pytest.raises(InputError, match="not a Parquet file"):
        decode_batch(b"PAR1 and then nothing")


@pytest.mark.parametrize("rows", [10, 300_000])
def test_small_and_large_batches_both_come_back_whole(rows: int) -> None:
    rng = np.random.default_rng(rows)
    table = pa.table(
        {"ts": pa.array(np.full(rows, T0), pa.timestamp("ns", "UTC")), "x": rng.normal(size=rows)}
    )
    body = encode_batch(table, "ts")[0]  # lz4 below SMALL_BATCH bytes, zstd above
    assert (table.nbytes >= ingest_module.SMALL_BATCH) == (rows > 10)
    assert decode_batch(body).equals(table)
    assert decode_batch(body, ["x"]).column_names == ["x"]
    assert decode_column(body, "x").equals(table.column("x"))


# --- scanning ---------------------------------------------------------------------------------


def test_an_empty_store_has_no_parts(store: Store) -> None:
    source = IngestSource(store, PROJECT, "ts")
    assert source.scan({}) == []
    (window,) = source.read_windows([], [(T0, T0 + DAY)])
    assert window.table.num_rows == 0
    assert window.table.column_names == ["ts"]


def test_each_batch_is_a_part_summarised_without_reading_a_body(store: Store) -> None:
    first = post(store, hours(0, 2, 1), x=[1, 2, 3])
    second = post(store, [iso(T0 + DAY), None, "later"], x=[4, 5, 6])
    store.append_logs("other", *encode_batch(pa.table({"ts": [iso(T0)]}), "ts"), at=AT)
    bodies = store.log_batch_bodies(PROJECT, [first, second])
    source = IngestSource(store, PROJECT, "ts")
    if isinstance(store, _Counting):
        store.asked.clear()
    parts = source.scan({})
    assert parts == [
        Part(f"ingest:{first}", len(bodies[first]), 0, 3, T0, T0 + 2 * HOUR, 0, 0),
        Part(f"ingest:{second}", len(bodies[second]), 0, 3, T0 + DAY, T0 + DAY, 1, 1),
    ]
    if isinstance(store, _Counting):
        assert store.asked == []


def test_the_key_of_another_source_is_a_value_error() -> None:
    assert batch_id("ingest:7") == 7
    for key in ("/logs/a.parquet", "ingest:", "ingest:-1", "sql"):
        with pytest.raises(ValueError, match="not the key of an ingest batch"):
            batch_id(key)


# --- reading windows --------------------------------------------------------------------------


def test_windows_spanning_batches_take_rows_from_each_in_the_order_kept(store: Store) -> None:
    post(store, hours(0, 1), x=[1, 2])
    post(store, hours(1.5, 5), x=[3, 4])
    post(store, hours(0.5), x=[5])  # a late batch, with an early row
    post(store, hours(6, 30), x=[6, 7])
    source = IngestSource(store, PROJECT, "ts")
    windows = [(T0, T0 + 2 * HOUR), (T0 + 2 * HOUR, T0 + 6 * HOUR), (T0 + 6 * HOUR, T0 + DAY)]
    assert column(source, windows, "x") == [[1, 2, 3, 5], [4], [6]]
    later = [(T0 + DAY, T0 + 2 * DAY)]
    assert column(source, later, "x") == [[7]]


def test_bodies_are_fetched_in_groups_each_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ingest_module, "FETCH_BATCHES", 2)
    store = _Counting()
    ids = [post(store, hours(i, i + 0.5), x=[i, i]) for i in range(5)]
    late = post(store, hours(30), x=[99])
    source = IngestSource(store, PROJECT, "ts")
    parts = source.scan({})
    windows = [(T0, T0 + 5 * HOUR), (T0 + 5 * HOUR, T0 + DAY), (T0 + DAY, T0 + 2 * DAY)]
    got = [w.table.num_rows for w in source.read_windows(parts, windows)]
    assert got == [10, 0, 1]
    assert store.asked == [ids[:2], ids[2:4], ids[4:], [late]]


def test_a_group_holds_at_most_fetch_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    store = _Counting()
    ids = [post(store, hours(i), x=[i]) for i in range(3)]
    size = store.log_batches(PROJECT)[0].size
    monkeypatch.setattr(ingest_module, "FETCH_BYTES", 2 * size)
    source = IngestSource(store, PROJECT, "ts")
    list(source.read_windows(source.scan({}), [(T0, T0 + DAY)]))
    assert store.asked == [ids[:2], ids[2:]]


def test_batches_outside_the_windows_or_without_timestamps_are_never_fetched() -> None:
    store = _Counting()
    post(store, hours(0), x=[1])
    untimed = post(store, [None, "soon"], x=[2, 3])
    wanted = post(store, hours(30), x=[4])
    source = IngestSource(store, PROJECT, "ts")
    parts = source.scan({})
    assert parts[1].key == f"ingest:{untimed}"
    assert parts[1].first is None
    assert column(source, [(T0 + DAY, T0 + 2 * DAY)], "x") == [[4]]
    assert store.asked == [[wanted]]
    assert (parts[1].missing, parts[1].unparseable) == (1, 1)


def test_rows_without_timestamps_are_counted_and_left_out(store: Store) -> None:
    post(store, [iso(T0), None, "", "soon", iso(T0 + HOUR)], x=[1, 2, 3, 4, 5])
    source = IngestSource(store, PROJECT, "ts")
    (part,) = source.scan({})
    assert (part.rows, part.missing, part.unparseable) == (5, 2, 1)
    assert column(source, [(T0 - DAY, T0 + DAY)], "x") == [[1, 5]]


def test_columns_selects_them_and_keeps_the_timestamp(store: Store) -> None:
    post(store, hours(0, 1), x=[1, 2], y=["a", "b"], z=[0.5, 1.5])
    source = IngestSource(store, PROJECT, "ts")
    parts = source.scan({})
    (window,) = source.read_windows(parts, [(T0, T0 + DAY)], columns=["z", "x"])
    assert window.table.column_names == ["z", "x", "ts"]
    assert window.notes == ()
    (window,) = source.read_windows(parts, [(T0, T0 + DAY)], columns=["x", "absent"])
    assert window.table.column("absent").null_count == 2
    assert any("'absent'" in note for note in window.notes)


def test_schema_differences_between_batches_become_notes(store: Store) -> None:
    a = post(store, hours(0), amount=[12], country=["FR"])
    b = post(store, hours(1), amount=["12 EUR"], device=["ios"])
    c = post(store, hours(2), amount=[7.5], country=["DE"], device=["web"])
    source = IngestSource(store, PROJECT, "ts")
    (window,) = source.read_windows(source.scan({}), [(T0, T0 + DAY)])
    table = window.table
    assert table.column_names == ["ts", "amount", "country", "device"]
    assert table.column("amount").to_pylist() == ["12", "12 EUR", "7.5"]
    assert table.column("country").to_pylist() == ["FR", None, "DE"]
    assert table.column("device").to_pylist() == [None, "ios", "web"]
    notes = "\n".join(window.notes)
    assert (
        f"ingest batch {b}: column 'amount' is string here but int64 in ingest batch {a}; "
        "read as string"
    ) in notes
    assert f"ingest batch {b}: has no column 'country', which ingest batch {a} has" in notes
    assert f"ingest batch {a}: has no column 'device', which ingest batch {b} has" in notes
    assert f"ingest batch {c}" in notes  # its float amount differs from the first's integers
    assert len(window.notes) == 4


def test_an_empty_window_after_rows_keeps_their_columns(store: Store) -> None:
    post(store, hours(0), x=[1])
    source = IngestSource(store, PROJECT, "ts")
    got = list(source.read_windows(source.scan({}), [(T0, T0 + HOUR), (T0 + HOUR, T0 + DAY)]))
    assert got[1].table.num_rows == 0
    assert got[1].table.column_names == ["ts", "x"]


def test_a_batch_gone_since_the_scan_is_one_line(store: Store) -> None:
    post(store, hours(0), x=[1])
    source = IngestSource(store, PROJECT, "ts")
    (part,) = source.scan({})
    gone = Part("ingest:999", part.size, 0, 1, part.first, part.last, 0, 0)
    with pytest.raises(InputError, match=r"^ingest batch 999 of project 'fraud': no longer"):
        list(source.read_windows([gone], [(T0, T0 + DAY)]))


def test_a_batch_without_the_source_timestamp_column_is_named(store: Store) -> None:
    number = post(store, hours(0), x=[1])
    source = IngestSource(store, PROJECT, "time")
    with pytest.raises(InputError, match=rf"^ingest batch {number}: has no timestamp column"):
        list(source.read_windows(source.scan({}), [(T0, T0 + DAY)]))


def test_a_body_that_is_not_arrow_is_named() -> None:
    store = MemoryStore()
    number = store.append_logs(PROJECT, b"garbage", 1, T0, T0, 0, 0, AT)
    source = IngestSource(store, PROJECT, "ts")
    with pytest.raises(InputError, match=rf"^ingest batch {number}: a log batch body is not"):
        list(source.read_windows(source.scan({}), [(T0, T0 + DAY)]))


@pytest.mark.parametrize(
    "cuts",
    [
        pytest.param([(T0, T0 + DAY), (T0 + HOUR, T0 + 2 * DAY)], id="overlapping"),
        pytest.param([(T0 + DAY, T0 + 2 * DAY), (T0, T0 + HOUR)], id="unsorted"),
        pytest.param([(T0, T0)], id="empty"),
    ],
)
def test_windows_must_be_sorted_and_apart(cuts: list[tuple[int, int]]) -> None:
    store = MemoryStore()
    post(store, hours(0), x=[1])
    source = IngestSource(store, PROJECT, "ts")
    with pytest.raises(ValueError, match="window"):
        list(source.read_windows(source.scan({}), cuts))


# --- the law of windows -----------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batches=st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, SPAN - 1)), max_size=30),
        min_size=1,
        max_size=5,
    ),
    cuts=windows(),
    text_every=st.integers(2, 5),
    group=st.integers(1, 4),
)
def test_windows_hold_exactly_the_rows_inside_them(
    batches: list[list[int | None]], cuts: list[tuple[int, int]], text_every: int, group: int
) -> None:
    store = MemoryStore()
    expected: Counter[int] = Counter()
    row = 0
    for i, seconds in enumerate(batches):
        ids = list(range(row, row + len(seconds)))
        row += len(seconds)
        stamps = [None if s is None else s * 10**9 for s in seconds]
        if i % text_every == 1:  # some batches posted with text timestamps
            ts = pa.array([None if s is None else iso(s) for s in stamps], pa.string())
        else:
            ts = pa.array(stamps, pa.timestamp("ns", "UTC"))
        table = pa.table({"ts": ts, "id": pa.array(ids, pa.int64())})
        store.append_logs(PROJECT, *encode_batch(table, "ts"), at=AT)
        for n, s in zip(ids, stamps, strict=True):
            if s is not None and any(a <= s < b for a, b in cuts):
                expected[n] += 1
    source = IngestSource(store, PROJECT, "ts")
    got: Counter[int] = Counter()
    old = ingest_module.FETCH_BATCHES
    ingest_module.FETCH_BATCHES = group  # (not monkeypatch: hypothesis runs this many times)
    try:
        for window in source.read_windows(source.scan({}), cuts):
            start, end = cuts[window.index]
            if window.table.num_rows:
                got.update(window.table.column("id").to_pylist())
                stamps_read = read_timestamps(window.table.column("ts"), "ts", "window")
                assert stamps_read.valid.all()
                assert all(start <= t < end for t in stamps_read.nanos.tolist())
    finally:
        ingest_module.FETCH_BATCHES = old
    assert got == expected


# --- speed ------------------------------------------------------------------------------------

BATCHES = 100
ROWS = 10_000


def _logs(batch: int, rng: np.random.Generator) -> pa.Table:
    """One request's rows: a timestamp, an id, 12 amounts, 5 counts, 5 categories, a score
    and a label (25 columns), ten seconds apart across the batches."""
    start = T0 + batch * ROWS * 10 * 10**9
    cols: dict[str, pa.Array] = {
        "ts": pa.array(start + np.arange(ROWS) * 10 * 10**9, pa.timestamp("ns", "UTC")),
        "request_id": pa.array([f"req-{batch:03d}-{i:06d}" for i in range(ROWS)]),
    }
    for i in range(12):
        cols[f"amount{i}"] = pa.array(np.round(rng.lognormal(3, 1, ROWS), 2))
    for i in range(5):
        cols[f"count{i}"] = pa.array(rng.integers(0, 100, ROWS))
    for i in range(4):
        cols[f"kind{i}"] = pa.array(rng.choice(["FR", "DE", "US", "GB", "web", "ios"], ROWS))
    cols["score"] = pa.array(rng.random(ROWS))
    cols["label"] = pa.array(rng.integers(0, 2, ROWS))
    return pa.table(cols)


def _measure(store: Store, kind: str) -> str:
    """Append the batches, scan and read 10 windows over them; the figures, one line."""
    rng = np.random.default_rng(7)
    tables = [_logs(b, rng) for b in range(BATCHES)]
    assert tables[0].num_columns == 25
    began = time.perf_counter()
    encoded = [encode_batch(table, "ts") for table in tables]
    encoding = time.perf_counter() - began
    began = time.perf_counter()
    for batch in encoded:
        store.append_logs(PROJECT, *batch, at=AT)
    appending = time.perf_counter() - began
    source = IngestSource(store, PROJECT, "ts")
    began = time.perf_counter()
    parts = source.scan({})
    scanning = time.perf_counter() - began
    last = max(p.last for p in parts if p.last is not None)
    width = (last + 1 - T0) // 10 + 1
    cuts = [(T0 + i * width, T0 + (i + 1) * width) for i in range(10)]
    began = time.perf_counter()
    rows = sum(w.table.num_rows for w in source.read_windows(parts, cuts))
    reading = time.perf_counter() - began
    began = time.perf_counter()
    few = sum(w.table.num_rows for w in source.read_windows(parts, cuts, ["amount0", "kind0"]))
    selecting = time.perf_counter() - began
    assert rows == few == BATCHES * ROWS
    # Loose bounds (a shared machine): far beyond them something reads bodies twice or worse.
    assert scanning < 2
    assert reading < 60
    size = sum(p.size for p in parts)
    return (
        f"{kind}: {BATCHES} batches x {ROWS} rows x 25 columns, {size / 2**20:.0f} MiB of "
        f"bodies ({size / BATCHES / 2**20:.2f} MiB a batch); encode {encoding:.2f} s, "
        f"append {appending:.2f} s ({appending / BATCHES * 1000:.1f} ms a batch), "
        f"scan {scanning * 1000:.0f} ms, read 10 windows {reading:.2f} s, "
        f"10 windows of 2 columns {selecting:.2f} s"
    )


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_speed_of_a_million_rows(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.db"
    store = MemoryStore() if kind == "memory" else open_store(f"sqlite:///{path}")
    try:
        line = _measure(store, kind)
    finally:
        store.close()
    if kind == "sqlite":
        line += f"; the SQLite file {path.stat().st_size / 2**20:.0f} MiB"
    with capsys.disabled():
        print(f"\n{line}")
