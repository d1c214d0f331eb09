"""Writing output files (reports, profiles, caches) so that a crash never leaves a
half-written file behind, and a bad output path is a one-line error naming it.

A regular file is replaced atomically (a temporary file beside it, then a rename). What is
not a regular file is written through, never replaced: a device (``--json /dev/null``, which
the rename turned into a regular file when run as root), a named pipe, ``/dev/stdout``. A
symbolic link keeps its link: the file it points to is the one replaced.

The small files beside the data that driftscope reads whole (profiles, importances) are read
with :func:`read_file_capped`: only a regular file, and no more than a declared size, so a
FIFO or ``/dev/zero`` given as one is an error instead of a hang or all of memory.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from driftscope.errors import InputError
from driftscope.io._paths import kind_of


def read_file_capped(path: str | Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, or an InputError naming it and ``what`` it
    should hold: missing or unreadable, not a regular file (checked before opening, which
    would block on a FIFO), or larger than ``limit`` bytes.

    >>> read_file_capped("/dev/zero", 1 << 20, "a profile")
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: /dev/zero: is a character device, not a file; give a profile
    """
    source = Path(path)
    try:
        mode = source.stat().st_mode
    except OSError as exc:
        raise InputError(f"{source}: cannot read {what} ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        raise InputError(f"{source}: is {kind_of(mode)}, not a file; give {what}")
    try:
        with source.open("rb") as handle:
            data = handle.read(limit + 1)  # one byte more tells a file over the limit
    except OSError as exc:
        raise InputError(f"{source}: cannot read {what} ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise InputError(
            f"{source}: larger than {limit:,} bytes, more than {what} can be; is it the right file?"
        )
    return data


def _default_mode() -> int:
    """The mode an ordinary new file gets here: 0o666 less the process umask.

    (Reading the umask means setting it; the two calls are back to back.)
    """
    umask = os.umask(0o077)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomic(path: str | Path, text: str, *, make_folders: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and an atomic rename."""
    return write_bytes_atomic(path, text.encode("utf-8"), make_folders=make_folders)


def check_output_path(path: str | Path, *, make_folders: bool = False) -> Path:
    """``path`` as a Path, or an InputError naming it when no file can be written there:
    empty, an existing folder, or (unless ``make_folders``) in a folder that does not exist.

    Checked before any work, so a long run does not end on a typo in its output path.

    >>> check_output_path("")
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: the output path is empty; give a file name
    """
    if not str(path):
        raise InputError("the output path is empty; give a file name")
    target = Path(path)
    try:
        if target.is_dir():
            raise InputError(f"{target}: is a folder; give a file name for the output")
        directory = target.parent
        if not make_folders and not directory.is_dir():
            what = "is not a folder" if directory.exists() else "does not exist"
            raise InputError(f"{target}: the folder {directory} {what}; create it first")
    except OSError as exc:  # a name over 255 characters, a loop of links, no permission
        raise InputError(f"{target}: cannot write the file ({exc.strerror or exc})") from None
    return target


def write_bytes_atomic(path: str | Path, data: bytes, *, make_folders: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename; return
    ``path`` as given.

    A symbolic link stays a link: the file it points to is replaced. A device or a named
    pipe is written through, never replaced. The folder must exist unless ``make_folders``
    (then it is created). The file ends up with the permissions of any newly created file
    (mkstemp's private 0600 would surprise whoever serves or uploads it).
    """
    given = target = check_output_path(path, make_folders=make_folders)
    try:
        mode = target.stat().st_mode  # through any links
    except OSError:
        mode = None  # nothing there yet (or not reachable: the write below says why)
    if mode is not None and not stat.S_ISREG(mode):
        # Opened by the name given: /dev/stdout is a link to a pipe with no path of its own.
        _write_through(target, data)
        return given
    if target.is_symlink():
        # Replace the file the link points to (through links to links), not the link.
        target = Path(os.path.realpath(target))
    directory = target.parent
    try:
        if make_folders:
            directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the file ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), _default_mode())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return given


def _write_through(target: Path, data: bytes) -> None:
    """Write ``data`` into an existing non-regular file (a device, a pipe), as ``tee`` does."""
    try:
        with target.open("wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the file ({exc.strerror or exc})") from exc
