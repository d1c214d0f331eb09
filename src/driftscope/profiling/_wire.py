"""What every profile format version shares: length-prefixed blocks, checked values, and the
one-line errors :meth:`Profile.from_bytes <driftscope.profiling.Profile.from_bytes>` raises."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TypeVar

from driftscope.errors import ProfileError

OWNER = "Profile.from_bytes"
LENGTH = struct.Struct(">I")
T = TypeVar("T")


class Blocks:
    """Length-prefixed blocks (uint32 length + bytes) from a buffer, raising ValueError past
    its end."""

    def __init__(self, buffer: memoryview) -> None:
        self._buffer = buffer
        self._at = 0

    @property
    def remaining(self) -> int:
        return len(self._buffer) - self._at

    def rest(self) -> memoryview:
        """Everything after the blocks read so far."""
        rest = self._buffer[self._at :]
        self._at = len(self._buffer)
        return rest

    def next(self) -> memoryview:
        if self.remaining < LENGTH.size:
            raise ValueError("a block length runs past the end")
        (length,) = LENGTH.unpack_from(self._buffer, self._at)
        start = self._at + LENGTH.size
        if length > len(self._buffer) - start:
            raise ValueError("a block runs past the end")
        self._at = start + length
        return self._buffer[start : self._at]


def read_sketch(read: Callable[[bytes], T], raw: memoryview, name: str) -> T:
    """A sketch from its block; a damaged one is corruption, naming the column."""
    try:
        return read(bytes(raw))
    except (ValueError, IndexError, RuntimeError, TypeError) as exc:
        reason = f"the sketch of column {name!r} is unreadable: {first_line(exc)}"
        raise corrupted(reason) from None


def count(value: object) -> int:
    """``value`` if it is a non-negative int, else ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a count; got {value!r}")
    return value


def number(value: object) -> float:
    """``value`` as a float if it is a JSON number, else ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number; got {value!r}")
    return float(value)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def truncated(expected: int, got: int) -> ProfileError:
    return ProfileError(f"{OWNER}: the profile is truncated ({got} of {expected} bytes)")


def corrupted(reason: str) -> ProfileError:
    return ProfileError(f"{OWNER}: the profile is corrupted ({reason})")
