"""Bodies of posted log batches kept in append-only files beside the store (``serve
--ingest-dir DIR``), the store keeping only where each one lies.

A database keeps a body it is given twice, once in its write-ahead log and once in its table:
for large Parquet bodies posted to PostgreSQL that second write, not the parsing, bounded
ingestion on a machine with one disk. Here a body is written once, at the end of the writing
process's own file, and synced (``fdatasync``) before the store commits the small row that
points to it (a :class:`BodyRef`: file, offset, size and CRC-32). A crash between the two
leaves bytes no row points to, which nobody reads; a crash after the commit loses nothing,
because the bytes were on disk first. Each process appends to a file of its own (named by
time, process id and a random part), so that several ``serve`` processes may share one
directory, and starts a new one past :data:`ROLL_BYTES`.

Whoever reads the store (the scheduler, ``driftscope monitor run``, ``POST .../labels``) reads
the bodies from the paths the rows name: the directory must be readable there at the same path.

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> files = IngestFiles(folder)
>>> ref = files.append(b"PAR1...PAR1")
>>> (ref.offset, ref.size)
(0, 11)
>>> read_body(ref)
b'PAR1...PAR1'
>>> files.close()
"""

from __future__ import annotations

import os
import secrets
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from driftscope.errors import ConfigError, InputError

ROLL_BYTES = 2**30
"""A process starts a new file once its file holds this many bytes."""
SUFFIX = ".dsbody"


class BodyFileError(InputError):
    """A body kept in a file cannot be read back: the file is gone, cut short or changed."""


@dataclass(frozen=True, slots=True)
class BodyRef:
    """Where a body lies: ``size`` bytes at ``offset`` of the file ``path`` (absolute), whose
    CRC-32 is ``crc``."""

    path: str
    offset: int
    size: int
    crc: int

    def __post_init__(self) -> None:
        if "\0" in self.path or not Path(self.path).is_absolute():
            raise InputError(f"store: a body file must be an absolute path; got {self.path!r}")
        if len(self.path) > 1000:
            raise InputError(f"store: a body file's path is over 1000 characters: {self.path!r}")
        if self.offset < 0 or self.size < 0 or not 0 <= self.crc < 2**32:
            raise InputError(
                f"store: a body's offset and size must not be negative and its CRC-32 must fit "
                f"32 bits; got offset={self.offset}, size={self.size}, crc={self.crc}"
            )


def read_body(ref: BodyRef) -> bytes:
    """The body ``ref`` points to; a :class:`BodyFileError` naming the file when the file is
    gone, cut short or its bytes are not the ones written."""
    try:
        with Path(ref.path).open("rb") as file:
            file.seek(ref.offset)
            data = file.read(ref.size)
    except OSError as exc:
        raise BodyFileError(
            f"{ref.path}: cannot read a posted log batch kept there ({exc.strerror or exc})"
        ) from None
    if len(data) != ref.size:
        raise BodyFileError(
            f"{ref.path}: the posted log batch at byte {ref.offset} is cut short "
            f"({len(data)} of {ref.size} bytes)"
        )
    if zlib.crc32(data) != ref.crc:
        raise BodyFileError(
            f"{ref.path}: the posted log batch at byte {ref.offset} is damaged (CRC-32 differs)"
        )
    return data


class IngestFiles:
    """This process's appender to a directory of body files; safe to share between threads.

    :meth:`append` returns once the body is on disk. Concurrent appends write one after the
    other but share their syncs: a sync covers every byte written before it began.
    """

    def __init__(self, directory: str | os.PathLike[str], roll_bytes: int = ROLL_BYTES) -> None:
        folder = Path(directory).expanduser().absolute()
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"--ingest-dir {folder}: not a directory")
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"--ingest-dir {folder}: cannot create it ({exc.strerror or exc})"
            ) from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ConfigError(f"--ingest-dir {folder}: this process cannot write there")
        self.directory = folder
        self._roll = roll_bytes
        self._write = threading.Lock()  # the file and its end
        self._sync = threading.Lock()
        self._fd: int | None = None
        self._path = ""
        self._end = 0  # bytes written to the current file
        self._synced: tuple[int, int] = (-1, 0)  # (fd, bytes known on disk)
        self._retired: list[int] = []  # files rolled over, open until close
        self._closed = False

    def append(self, body: bytes) -> BodyRef:
        """Write ``body`` at the end of this process's file and sync it; return where it is."""
        crc = zlib.crc32(body)
        with self._write:
            if self._closed:
                raise RuntimeError("IngestFiles.append after close")
            if self._fd is None or self._end >= self._roll:
                self._open_next()
            assert self._fd is not None
            fd, path, offset = self._fd, self._path, self._end
            view = memoryview(body)
            done = 0
            while done < len(body):  # pwrite: a failed write leaves the end where it was
                done += os.pwrite(fd, view[done:], offset + done)
            self._end = offset + len(body)
        self._sync_to(fd, offset + len(body))
        return BodyRef(path, offset, len(body), crc)

    def _sync_to(self, fd: int, end: int) -> None:
        with self._sync:
            synced_fd, synced = self._synced
            if synced_fd == fd and synced >= end:
                return  # another thread's sync began after these bytes were written
            with self._write:
                upto = self._end if self._fd == fd else end
            os.fdatasync(fd)
            self._synced = (fd, upto)

    def _open_next(self) -> None:
        """Start a new file (the caller holds the write lock); the old one stays open until
        close, as a thread may still be syncing it."""
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        path = self.directory / f"{stamp}-{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        # The new name must survive a crash as well as the bytes written under it.
        folder = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        if self._fd is not None:
            self._retired.append(self._fd)
        self._fd, self._path, self._end = fd, str(path), 0

    def close(self) -> None:
        """Close the files (appends after this are an error)."""
        with self._sync, self._write:  # the order _sync_to takes them in
            self._closed = True
            for fd in [*self._retired, self._fd]:
                if fd is not None:
                    os.close(fd)
            self._retired, self._fd = [], None
