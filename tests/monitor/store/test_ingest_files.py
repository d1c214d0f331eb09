"""The append-only body files of ``serve --ingest-dir``: every appended body reads back byte
for byte wherever the files roll over and however many threads append, each append is synced
before it returns, and bad directories and references are one-line errors."""

from __future__ import annotations

import itertools
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.errors import ConfigError, InputError
from driftscope.monitor.store import ingest_files
from driftscope.monitor.store.ingest_files import BodyRef, IngestFiles, read_body


@settings(max_examples=40, deadline=None)
@given(bodies=st.lists(st.binary(max_size=300), max_size=25), roll=st.integers(1, 700))
def test_every_body_reads_back_across_rolled_files(
    tmp_path_factory: pytest.TempPathFactory, bodies: list[bytes], roll: int
) -> None:
    folder = tmp_path_factory.mktemp("bodies")
    files = IngestFiles(folder, roll_bytes=roll)
    try:
        refs = [files.append(body) for body in bodies]
    finally:
        files.close()
    assert [read_body(ref) for ref in refs] == bodies
    for ref in refs:  # a file holds what was appended to it, in order, nothing else
        assert Path(ref.path).parent == folder
    by_file: dict[str, list[BodyRef]] = {}
    for ref in refs:
        by_file.setdefault(ref.path, []).append(ref)
    for path, kept in by_file.items():
        assert [r.offset for r in kept] == [sum(r.size for r in kept[:i]) for i in range(len(kept))]
        assert Path(path).stat().st_size == sum(r.size for r in kept)
        assert kept[-1].offset < roll or len(kept) == 1  # rolled once past roll_bytes


def test_a_file_is_rolled_past_its_size_and_kept_private(tmp_path: Path) -> None:
    files = IngestFiles(tmp_path / "new" / "bodies", roll_bytes=10)
    try:
        first, second, third = (files.append(b"0123456789"), files.append(b"a"), files.append(b"b"))
    finally:
        files.close()
    assert first.path != second.path == third.path
    assert (second.offset, third.offset) == (0, 1)
    assert sorted(p.name for p in (tmp_path / "new" / "bodies").iterdir()) == sorted(
        {Path(first.path).name, Path(second.path).name}
    )
    assert all(
        p.name.endswith(ingest_files.SUFFIX) for p in (tmp_path / "new" / "bodies").iterdir()
    )
    assert Path(first.path).stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "new" / "bodies").stat().st_mode & 0o777 == 0o700


def test_threads_appending_at_once_each_get_their_own_bytes(tmp_path: Path) -> None:
    files = IngestFiles(tmp_path, roll_bytes=50_000)
    refs: dict[bytes, BodyRef] = {}
    guard = threading.Lock()

    def append(thread: int) -> None:
        for n in range(40):
            body = f"{thread}:{n}:".encode() * (1 + (thread * 7 + n) % 300)
            ref = files.append(body)
            with guard:
                refs[body] = ref

    pool = [threading.Thread(target=append, args=(t,)) for t in range(8)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    files.close()
    assert len(refs) == 320
    assert all(read_body(ref) == body for body, ref in refs.items())
    spans = sorted((r.path, r.offset, r.offset + r.size) for r in refs.values())
    assert all(a[0] != b[0] or a[2] <= b[1] for a, b in itertools.pairwise(spans))


def test_each_append_returns_after_a_sync_of_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real = os.fdatasync

    def fdatasync(fd: int) -> None:
        real(fd)
        synced.append(os.fstat(fd).st_size)  # the bytes on disk once the sync returned

    monkeypatch.setattr(ingest_files.os, "fdatasync", fdatasync)
    files = IngestFiles(tmp_path)
    try:
        for n in range(1, 4):
            ref = files.append(b"x" * n)
            assert synced[-1:] >= [ref.offset + ref.size]
    finally:
        files.close()
    assert synced == [1, 3, 6]


def test_appending_after_close_is_an_error(tmp_path: Path) -> None:
    files = IngestFiles(tmp_path)
    files.close()
    with pytest.raises(RuntimeError, match="after close"):
        files.append(b"x")


def test_a_directory_that_cannot_be_made_names_itself(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match=r"^--ingest-dir .*file/sub: cannot create it"):
        IngestFiles(tmp_path / "file" / "sub")
    with pytest.raises(ConfigError, match=r"^--ingest-dir .*file: not a directory"):
        IngestFiles(tmp_path / "file")


@pytest.mark.parametrize(
    ("path", "offset", "size", "crc", "says"),
    [
        ("relative/file", 0, 1, 0, "must be an absolute path"),
        ("/abs/\0", 0, 1, 0, "must be an absolute path"),
        ("/abs/" + "x" * 1000, 0, 1, 0, "over 1000 characters"),
        ("/abs/file", -1, 1, 0, "must not be negative"),
        ("/abs/file", 0, -1, 0, "must not be negative"),
        ("/abs/file", 0, 1, 2**32, "must fit 32 bits"),
    ],
)
def test_an_impossible_reference_is_refused(
    path: str, offset: int, size: int, crc: int, says: str
) -> None:
    with pytest.raises(InputError, match=says):
        BodyRef(path, offset, size, crc)
