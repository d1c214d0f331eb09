"""What a path names, found with one ``os.stat`` before anything is opened.

Opening a FIFO blocks until a writer comes, and a device such as ``/dev/zero`` never ends, so
a reader must know that a path is a regular file (or a folder) before it opens it; and the
operating system's own complaints (a name component longer than the file system allows, a
folder that cannot be searched) must become one line naming the path.
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path
from typing import Literal

from driftscope.errors import InputError

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def kind_of(mode: int) -> str:
    """What a file of ``mode`` (``os.stat``'s ``st_mode``) is, in words, for messages.

    >>> import os
    >>> kind_of(os.stat("/").st_mode)
    'a folder'
    """
    return _KINDS.get(stat.S_IFMT(mode), "a special file")


def locate(path: str) -> Literal["file", "folder", "missing"]:
    """``"file"`` for a regular file, ``"folder"`` for a directory, ``"missing"`` when nothing
    is there (symbolic links are followed).

    Raises InputError for anything else that is there (a FIFO, a device, a socket) and for a
    path the operating system refuses to look up (a component longer than the file system
    allows, a folder without search permission, a loop of links).

    >>> locate("/")
    'folder'
    """
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        return "missing"
    except NotADirectoryError:
        return "missing"  # a component of the path is a file: nothing can be there
    except OSError as exc:
        raise InputError(f"{path}: {_reason(exc)}") from None
    except ValueError:  # an embedded NUL byte
        raise InputError(f"{path!r}: not a valid path (it holds a NUL character)") from None
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    return _refuse(path, kind_of(mode))


def _refuse(path: str, kind: str) -> Literal["file"]:
    raise InputError(f"{path}: is {kind}, not a regular file; driftscope reads only files")


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the path or a part of it is too long for the file system (255 bytes a part)"
    if exc.errno == errno.EACCES:
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    return f"cannot look it up ({exc.strerror or type(exc).__name__})"
