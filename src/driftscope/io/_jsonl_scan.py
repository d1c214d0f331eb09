"""A pre-scan of JSON Lines text before Arrow's reader sees it.

Arrow's JSON reader crashes the process on some inputs (a file of ``null`` lines, objects
nested 10,000 deep) and spins for minutes on others (arrays nested 10,000 deep). Two checks
rule those out, with numpy over blocks of bytes rather than a Python loop over characters:
every non-blank line starts with ``{`` (one object per line), and no line nests brackets
deeper than :data:`MAX_JSON_DEPTH`, counted outside strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

from driftscope.errors import InputError

MAX_JSON_DEPTH = 64
"""The deepest nesting of objects and arrays a line may have (the line's own object is 1).
driftscope tests flat columns; deeper values are refused before Arrow's reader, whose time
grows steeply with depth and which crashes at depths in the thousands."""

_LEADING = re.compile(rb"[ \t\r\f\v]*")
_BOM = b"\xef\xbb\xbf"
_WHAT = {ord("["): "an array", ord('"'): "a string", ord("n"): "null"}
_WHAT.update(dict.fromkeys(b"tf", "a boolean") | dict.fromkeys(b"-0123456789", "a number"))


def check_json_lines(path: str, blocks: Iterable[bytes]) -> None:
    """InputError naming the file and line of the first line that is not a JSON object or
    nests deeper than :data:`MAX_JSON_DEPTH`; ``blocks`` are the UTF-8 text in pieces."""
    first = 1
    for piece in _whole_lines(blocks):
        chunk = piece.removeprefix(_BOM) if first == 1 else piece
        raw = np.frombuffer(chunk, np.uint8)
        ends = np.flatnonzero(raw == ord("\n"))
        found = _first_stranger(chunk, raw, ends)
        if found is not None:
            line = first + chunk.count(b"\n", 0, found)
            what = _WHAT.get(chunk[found], "text")
            if what == "an array" and first == 1 and line == _first_content_line(chunk, first):
                raise InputError(
                    f"{path}: holds a JSON array; expected JSON Lines (one object per line)"
                )
            raise InputError(
                f"{path}: line {line}: holds {what}; expected one JSON object per line"
            )
        deep = _first_deep_line(chunk, raw, ends)
        if deep is not None:
            raise InputError(
                f"{path}: line {first + deep}: nests objects or arrays more than {MAX_JSON_DEPTH} "
                "deep; driftscope tests flat columns, so flatten the records first"
            )
        first += chunk.count(b"\n")


def _first_stranger(
    chunk: bytes, raw: npt.NDArray[np.uint8], ends: npt.NDArray[np.intp]
) -> int | None:
    """Offset of the first character that starts a line and is not ``{`` (blank lines and
    leading white space aside), or None."""
    starts = np.concatenate([[0], ends + 1])
    starts = starts[starts < len(raw)]
    first = raw[starts]
    odd = starts[(first != ord("{")) & (first != ord("\n"))]
    for start in odd.tolist():  # lines that start with white space are checked one by one
        at = _LEADING.match(chunk, start).end()  # type: ignore[union-attr]
        if at < len(chunk) and chunk[at] not in b"{\n":
            return at
    return None


def _first_content_line(chunk: bytes, first: int) -> int:
    stripped = chunk.lstrip(b" \t\r\f\v\n")
    return first + chunk.count(b"\n", 0, len(chunk) - len(stripped))


def _whole_lines(blocks: Iterable[bytes]) -> Iterator[bytes]:
    """The text again in pieces that end at line ends (the last piece may not)."""
    rest = b""
    for block in blocks:
        data = rest + block
        end = data.rfind(b"\n")
        if end < 0:
            rest = data
            continue
        yield data[: end + 1]
        rest = data[end + 1 :]
    if rest:
        yield rest


def _first_deep_line(
    chunk: bytes, raw: npt.NDArray[np.uint8], ends: npt.NDArray[np.intp]
) -> int | None:
    """0-based index of the first line nesting deeper than the limit, or None."""
    if chunk.count(b"{") + chunk.count(b"[") <= MAX_JSON_DEPTH:
        return None
    newline = np.zeros(len(raw), bool)
    newline[ends] = True
    opens = (raw == ord("{")) | (raw == ord("["))
    # Cheap bound first: a line cannot nest deeper than it has opening brackets.
    per_line = np.bincount(np.searchsorted(ends, np.flatnonzero(opens)), minlength=len(ends) + 1)
    if not (per_line > MAX_JSON_DEPTH).any():
        return None
    too_deep = np.flatnonzero(_depth(raw, newline, opens) > MAX_JSON_DEPTH)
    if not len(too_deep):
        return None
    return int(np.searchsorted(ends, too_deep[0]))


def _depth(
    raw: npt.NDArray[np.uint8], newline: npt.NDArray[np.bool_], opens: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Bracket depth at each byte, counted from its line's start and outside strings."""
    backslash = raw == ord("\\")
    index = np.arange(len(raw))
    # the position of the last byte that is not a backslash, at or before each byte
    last_plain = np.maximum.accumulate(np.where(backslash, -1, index))
    before = np.concatenate([[-1], last_plain[:-1]])  # ... strictly before each byte
    escaped = ((index - 1 - before) % 2) == 1  # an odd run of backslashes precedes it
    quote = (raw == ord('"')) & ~escaped
    in_string = (_from_line_start(quote.astype(np.int64), newline) % 2) == 1
    step = opens.astype(np.int64) - ((raw == ord("}")) | (raw == ord("]")))
    step[in_string] = 0
    return _from_line_start(step, newline)


def _from_line_start(
    values: npt.NDArray[np.int64], newline: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """A running sum of ``values`` that starts again at every line (numpy's cumsum of
    booleans is slow: callers hand over integers)."""
    total: npt.NDArray[np.int64] = values.cumsum()
    line = newline.astype(np.int64).cumsum()  # a newline byte starts the next line's count
    at_starts: npt.NDArray[np.int64] = np.concatenate([[0], total[newline]])
    out: npt.NDArray[np.int64] = total - at_starts[line]
    return out
