"""The first lines of a text file, read with a cap: the header's length sizes Arrow's blocks,
and the header with a few rows tells which character separates the fields."""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import lzma
import zlib
from pathlib import Path
from typing import IO, cast

from driftscope.errors import InputError
from driftscope.io._arrow import first_line

MAX_HEADER_BYTES = 64 << 20
"""The longest header line read (64 MiB: about three million short column names)."""

SNIFF_BYTES = 64 << 10
"""How much text after the header the delimiter is checked against."""

DELIMITERS = (",", ";", "\t", "|")
"""The separators guessed when none is given, in order of preference on a tie."""

_PIECE = 1 << 20


def open_binary(path: str) -> IO[bytes]:
    """The file's bytes, decompressed for ``.gz`` and ``.bz2`` names."""
    lower = path.lower()
    if lower.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    if lower.endswith(".bz2"):
        return bz2.open(path, "rb")
    return Path(path).open("rb")


def compression_error(path: str, exc: BaseException) -> InputError:
    """The message for a compressed file that ends early or is not what its name says."""
    if isinstance(exc, EOFError):
        return InputError(f"{path}: the compressed file is truncated (it ends mid-stream)")
    return InputError(f"{path}: cannot read file ({first_line(exc)})")


DECOMPRESSION_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)
"""What reading a truncated or corrupt ``.gz``/``.bz2`` file raises (``gzip.BadGzipFile``
is an OSError; bz2 raises OSError or EOFError)."""


def read_head(path: str, encoding: str) -> tuple[int, str]:
    """The header line's length in bytes and, decoded, the header with up to
    :data:`SNIFF_BYTES` of text after it (cut at a line end).

    InputError when the header is longer than :data:`MAX_HEADER_BYTES` or the bytes cannot be
    read or decoded.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    raw = bytearray()
    text: list[str] = []
    header_bytes = -1
    try:
        with open_binary(path) as handle:
            while True:
                piece = handle.read(_PIECE)
                raw += piece
                try:
                    text.append(decoder.decode(piece, final=not piece))
                except UnicodeError as exc:
                    raise InputError(
                        f"{path}: not valid {encoding} text ({first_line(exc)})"
                    ) from None
                if header_bytes < 0:
                    end = raw.find(b"\n")
                    if end >= 0 or not piece:
                        header_bytes = end + 1 if end >= 0 else len(raw)
                    elif len(raw) > MAX_HEADER_BYTES:
                        raise InputError(
                            f"{path}: the header line is longer than {MAX_HEADER_BYTES:,} "
                            "bytes without a line end; is this a CSV file?"
                        )
                if not piece or (header_bytes >= 0 and len(raw) >= header_bytes + SNIFF_BYTES):
                    break
    except DECOMPRESSION_ERRORS as exc:
        raise compression_error(path, exc) from None
    sample = "".join(text)
    if piece:  # stopped before the end: cut at the last line end, so no row is judged by half
        cut = sample.rfind("\n")
        sample = sample[: cut + 1] if cut >= 0 else sample
    return header_bytes, sample


def sniff_delimiter(sample: str) -> str:
    """The separator among :data:`DELIMITERS` that splits the header into the most fields
    while every sampled row has as many; a comma when none does (a one-column file).

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    >>> sniff_delimiter("a,b\\n1,2\\n")
    ','
    """
    best, best_fields = ",", 1
    lines = sample.splitlines(keepends=True)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not rows:
            continue
        fields = len(rows[0])
        if fields > best_fields and all(len(r) == fields for r in rows[1:]):
            best, best_fields = delimiter, fields
    return best
