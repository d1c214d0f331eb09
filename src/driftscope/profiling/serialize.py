"""Profile <-> bytes: a small versioned container, the same in every format version.

Layout (integers big-endian)::

    b"DSPROF"          6 bytes   magic
    version            uint16    FORMAT_VERSION when written
    body length        uint64    bytes after this 20-byte prefix
    body CRC-32        uint32    zlib.crc32 of the body
    body               the version's layout: version 3 (written now) in
                       :mod:`~driftscope.profiling._format_v3`, versions 1 and 2 in
                       :mod:`~driftscope.profiling._format_v2`

Compatibility: the reader checks the magic and the version before anything else, so a payload
from a newer driftscope is named as such even if the rest of its layout changed. A reader keeps
decoding every version up to its own. Within a version, unknown header keys are ignored, so
adding an optional header field does not need a new version; a new block does.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

from driftscope._version import __version__
from driftscope.errors import ProfileError
from driftscope.profiling import _format_v2, _format_v3
from driftscope.profiling._validate import check_part
from driftscope.profiling._wire import OWNER, Blocks, corrupted, first_line, truncated
from driftscope.profiling.merging import Part
from driftscope.profiling.profile import Profile, ProfileMerger

MAGIC = b"DSPROF"
FORMAT_VERSION = 3
"""The newest format this driftscope writes and reads."""

_VERSION = struct.Struct(">H")
_PREFIX = struct.Struct(">6sHQI")  # magic, version, body length, body CRC-32
# RecursionError: a header nested thousands deep (json.loads recurses once per level).
_MALFORMED = (
    KeyError,
    TypeError,
    ValueError,
    IndexError,
    AttributeError,
    RecursionError,
    struct.error,
)


def encode(profile: Profile) -> bytes:
    """The bytes of ``profile`` in format :data:`FORMAT_VERSION`.

    >>> encode(Profile.empty())[:8]
    b'DSPROF\\x00\\x03'
    """
    body = _format_v3.encode_body(profile)
    return _PREFIX.pack(MAGIC, FORMAT_VERSION, len(body), zlib.crc32(body)) + body


def decode(data: bytes) -> Profile:
    """Read bytes written by :func:`encode` of this or an earlier format version.

    >>> decode(encode(Profile.empty())).is_empty
    True
    >>> decode(b"PK\\x03\\x04")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    driftscope.errors.ProfileError: Profile.from_bytes: not a driftscope profile ...
    """
    version, blocks = _open(data)
    try:
        if version < 3:
            return _checked(_format_v2.decode_body(blocks))
        return _format_v3.decode_body(blocks)
    except _MALFORMED as exc:
        raise corrupted(f"malformed contents: {first_line(exc)}") from None


def merge_payloads(payloads: Iterable[bytes]) -> Profile:
    """The merge of the profiles in ``payloads`` (bytes of :meth:`Profile.to_bytes`), read
    one at a time without building each profile: what merging serialized partial profiles
    (from workers, or ``.dsprof`` files) costs least with.

    Equal to ``Profile.merge_all(Profile.from_bytes(b) for b in payloads)``; a bad payload or
    a merge error names the part (counted from 0).

    >>> import numpy as np
    >>> from driftscope.profiling import profile
    >>> parts = [profile({"x": np.arange(100.0) + i}).to_bytes() for i in range(3)]
    >>> merged = merge_payloads(parts)
    >>> merged["x"].count, merged["x"].max
    (300, 101.0)
    """
    merger = ProfileMerger()
    for index, data in enumerate(payloads):
        try:
            version, blocks = _open(data)
            if version < 3:
                merger.add(_checked(_format_v2.decode_body(blocks)))
            else:
                _format_v3.merge_body(blocks, merger)
        except _MALFORMED as exc:
            reason = corrupted(f"malformed contents: {first_line(exc)}")
            raise ProfileError(f"{reason} (part {index} of the merge)") from None
        except ProfileError as exc:
            raise ProfileError(f"{exc} (part {index} of the merge)") from None
    return merger.result()


def _checked(profile: Profile) -> Profile:
    """``profile`` (of an old format version) once its numbers are possible ones."""
    check_part(Part.of(profile.columns, profile.n_rows))
    return profile


def _open(data: bytes) -> tuple[int, Blocks]:
    """The format version and the body's blocks, once the prefix and checksum are right."""
    if type(data) is not bytes:
        data = bytes(data)  # a bytearray or memoryview: a copy that cannot change under us
    if not data.startswith(MAGIC):
        if MAGIC.startswith(data):
            raise truncated(len(MAGIC) + _VERSION.size, len(data))
        raise ProfileError(f"{OWNER}: not a driftscope profile (it does not start with {MAGIC!r})")
    if len(data) < len(MAGIC) + _VERSION.size:
        raise truncated(len(MAGIC) + _VERSION.size, len(data))
    (version,) = _VERSION.unpack_from(data, len(MAGIC))
    if version > FORMAT_VERSION:
        raise ProfileError(
            f"{OWNER}: the profile is in format version {version}, but driftscope "
            f"{__version__} reads versions up to {FORMAT_VERSION}; upgrade driftscope to read it"
        )
    if version < 1:
        raise corrupted(f"format version {version} does not exist")
    if len(data) < _PREFIX.size:
        raise truncated(_PREFIX.size, len(data))
    _, _, body_length, crc = _PREFIX.unpack_from(data)
    expected = _PREFIX.size + body_length
    if len(data) < expected:
        raise truncated(expected, len(data))
    if len(data) > expected:
        raise corrupted(f"{len(data) - expected} unexpected bytes after the profile")
    body = memoryview(data)[_PREFIX.size :]
    if zlib.crc32(body) != crc:
        raise corrupted("checksum mismatch")
    return version, Blocks(body)
