"""Profiles on disk: the ``.dsprof`` file is exactly :meth:`Profile.to_bytes`
(:func:`~driftscope.profiling.serialize.encode`).

Writing goes through a temporary file and an atomic rename, so a crash never leaves a
half-written profile; reading names the file in every error.
"""

from __future__ import annotations

from pathlib import Path

from driftscope.errors import ProfileError
from driftscope.io.atomic import read_file_capped, write_bytes_atomic
from driftscope.profiling.profile import Profile
from driftscope.profiling.serialize import decode, encode

SUFFIX = ".dsprof"
MAX_PROFILE_BYTES = 4 << 30
"""The largest profile file read (4 GiB): far beyond a profile of thousands of columns (a few
MB), and a bound on the memory a wrong file can take."""


def write_profile(profile: Profile, path: str | Path) -> Path:
    """Write ``profile`` to ``path`` (atomically) and return the path.

    >>> import tempfile, numpy as np
    >>> from driftscope.profiling import profile
    >>> folder = Path(tempfile.mkdtemp())
    >>> saved = write_profile(profile({"x": np.arange(5.0)}), folder / "ref.dsprof")
    >>> read_profile(saved)["x"].count
    5
    """
    return write_bytes_atomic(path, encode(profile), make_folders=True)


def read_profile(path: str | Path) -> Profile:
    """Read a profile written by :func:`write_profile`; errors name the file."""
    source = Path(path)
    data = read_file_capped(source, MAX_PROFILE_BYTES, "a profile (.dsprof)")
    try:
        return decode(data)
    except ProfileError as exc:
        raise ProfileError(f"{source}: {exc}") from None


def is_profile_path(path: str | Path) -> bool:
    """True for a path that names a ``.dsprof`` file."""
    return Path(path).suffix == SUFFIX
