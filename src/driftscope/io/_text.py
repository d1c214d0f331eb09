"""CSV/TSV and JSON Lines readers, with one-line messages for the usual ways text files break."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.json as pj

from driftscope.errors import InputError, param_error
from driftscope.io._arrow import first_line
from driftscope.io._head import (
    DECOMPRESSION_ERRORS,
    compression_error,
    open_binary,
    read_head,
    sniff_delimiter,
)
from driftscope.io._jsonl_scan import check_json_lines
from driftscope.io._time_of_day import with_times_of_day

_FIELD_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")
_CSV_ROW = re.compile(r"Row #(\d+)")
_JSON_ROW = re.compile(r"\s*in row (\d+)\s*$")
_JSON_TYPE_CHANGE = re.compile(r"Column\(([^)]*)\) changed from (\w+) to (\w+)")
_MAX_BLOCK = 2**31 - 1  # Arrow's JSON block size is a 32-bit integer
_UTF8_HINT = "re-encode the file, or give its encoding (--encoding latin-1, encoding='latin-1')"
UTF8_CHECK_BYTES = 16 << 20
"""How much of a file :func:`reads_as_utf8` looks at."""
_MIN_BLOCK = 1 << 20  # Arrow's default CSV block size
_MAX_CSV_BLOCK = 64 << 20
BLOCK_ROWS = 512
"""Rows (of the header's length) per block Arrow's CSV reader parses, from 1 to 64 MiB."""
_SCAN_BLOCK = 8 << 20


def check_encoding(encoding: str, owner: str) -> None:
    """ConfigError for a name that is not a text encoding Python knows (``rot13`` and
    ``base64`` are codecs, but not text encodings; ``punycode`` is one that cannot decode
    the buffers Arrow hands over)."""
    try:
        known = codecs.lookup(encoding)
    except (LookupError, TypeError):
        known = None
    if known is None or not known._is_text_encoding or not _decodes_buffers(encoding):
        raise param_error(owner, "encoding", "a text encoding Python knows", encoding) from None


_NOT_FOR_FILES = frozenset({"idna", "punycode"})
"""Text encodings of host names, which cannot decode a file's bytes in pieces."""


def _decodes_buffers(encoding: str) -> bool:
    """Whether the encoding's incremental decoder takes a buffer of bytes with
    ``errors="replace"``, as Arrow's transcoding and the delimiter sniffing use it (a
    complaint about the bytes, such as a missing UTF-16 byte order mark, is fine)."""
    if codecs.lookup(encoding).name in _NOT_FOR_FILES:
        return False
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    try:
        decoder.decode(pa.py_buffer(b"a,b\n1,2\n"), final=True)
    except UnicodeError:
        return True
    except Exception:  # whatever else it raises, Arrow would raise mid-read
        return False
    return True


def check_delimiter(delimiter: str | None, owner: str) -> None:
    """ConfigError unless ``delimiter`` is None or one character that can separate fields."""
    if delimiter is not None and (
        not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '\r\n"'
    ):
        raise param_error(owner, "delimiter", "one character (not a quote or a newline)", delimiter)


def is_utf8(encoding: str) -> bool:
    """True when ``encoding`` names UTF-8 (the only encoding Arrow reads without transcoding)."""
    return codecs.lookup(encoding).name == "utf-8"


def utf8_error(path: str, column: str) -> InputError:
    """The message for text that is not UTF-8."""
    return InputError(f"{path}: column {column!r} is not valid utf-8; {_UTF8_HINT}")


def header_utf8_error(path: str) -> InputError:
    """The message for a header line that is not UTF-8."""
    return InputError(f"{path}: the header line is not valid utf-8; {_UTF8_HINT}")


# --- CSV -----------------------------------------------------------------------------------


def csv_delimiter(path: str, delimiter: str | None, sample: str = "") -> str:
    """The field separator: the one given, else a tab for ``.tsv`` names, else the one
    :func:`~driftscope.io._head.sniff_delimiter` finds in ``sample`` (the header and a few
    rows), so that a semicolon-separated file is not read as one column."""
    if delimiter is not None:
        return delimiter
    if path.lower().endswith((".tsv", ".tsv.gz", ".tsv.bz2")):
        return "\t"
    return sniff_delimiter(sample)


def csv_layout(path: str, encoding: str, delimiter: str | None) -> tuple[int, str]:
    """Arrow's block size for this file (the header line must fit in the first block, or
    Arrow reports the file as empty) and the field separator."""
    header_bytes, sample = read_head(path, encoding)
    if header_bytes == 0:
        raise InputError(f"{path}: file is empty (no header line)")
    # Arrow's work per block grows with the number of columns, and a block of a wide file
    # holds few rows: with 1 MiB blocks, 20,000 columns cost (rows x columns^2); blocks of
    # about BLOCK_ROWS header-lengths keep it linear.
    block = max(4 * header_bytes, min(max(_MIN_BLOCK, BLOCK_ROWS * header_bytes), _MAX_CSV_BLOCK))
    return block, csv_delimiter(path, delimiter, sample)


def read_csv(path: str, *, encoding: str, delimiter: str | None = None) -> pa.Table:
    """Read a CSV (or, for ``.tsv`` names, tab-separated) file with a header line;
    ``delimiter`` (one character) overrides the separator.

    Empty fields and the usual null spellings (``NA``, ``null``, ...) become nulls, in string
    columns too. Quoted values may span lines. A column of times of day is read as times
    however its hour is written (``8:05`` as ``08:05``; see
    :mod:`~driftscope.io._time_of_day`).
    """
    check_encoding(encoding, "read_csv")
    utf8 = is_utf8(encoding)
    block, separator = csv_layout(path, encoding, delimiter)
    # Arrow's threads convert each column of each block as a task of its own: a wide file's
    # blocks hold a few hundred rows, and 20,000 columns made that tens of thousands of tiny
    # tasks, slower than one thread (2.8 s against 4.0 s for a 20,000-column file).
    read_options = pcsv.ReadOptions(
        block_size=block, encoding="utf8" if utf8 else encoding, use_threads=block <= _MIN_BLOCK
    )
    parse_options = pcsv.ParseOptions(delimiter=separator, newlines_in_values=True)
    convert_options = pcsv.ConvertOptions(strings_can_be_null=True)
    try:
        table = pcsv.read_csv(path, read_options, parse_options, convert_options)
    except pa.ArrowInvalid as exc:
        raise _csv_error(path, exc, read_options, parse_options, convert_options) from None
    except UnicodeError as exc:
        raise InputError(f"{path}: not valid {encoding} text ({first_line(exc)})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({first_line(exc)})") from None
    if utf8:
        # A header that is not UTF-8 surfaces when its names are decoded, and such a column
        # is read as binary instead of failing: both mean the encoding is wrong.
        try:
            names = table.column_names
        except UnicodeDecodeError:
            raise header_utf8_error(path) from None
        if any("\ufffd" in name for name in names):
            raise header_utf8_error(path)
        for field in table.schema:
            if pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type):
                raise utf8_error(path, field.name)
    return with_times_of_day(table)[0]


def _csv_error(
    path: str, exc: pa.ArrowInvalid, read_options: Any, parse_options: Any, convert_options: Any
) -> InputError:
    message = str(exc)
    if "Empty CSV file" in message:
        return InputError(f"{path}: file is empty (no header line)")
    fields = _FIELD_COUNT.search(message)
    if fields is None:
        return InputError(f"{path}: not a readable CSV file ({first_line(exc)})")
    row = _CSV_ROW.search(message)
    if row is None:
        # Arrow only knows row numbers when it parses on one thread; do that on this error
        # path alone rather than slowing down every read.
        single = pcsv.ReadOptions(
            use_threads=False, encoding=read_options.encoding, block_size=read_options.block_size
        )
        try:
            pcsv.read_csv(path, single, parse_options, convert_options)
        except pa.ArrowInvalid as again:
            row = _CSV_ROW.search(str(again))
    where = f"line {row.group(1)}" if row else "a line"
    return InputError(f"{path}: {where} has {fields.group(2)} fields, expected {fields.group(1)}")


# --- JSON Lines ----------------------------------------------------------------------------


def read_jsonl(path: str, *, encoding: str) -> pa.Table:
    """Read a JSON Lines file: one JSON object per line; blank lines are skipped.

    The text is scanned first (:func:`~driftscope.io._jsonl_scan.check_json_lines`): a line
    that is not an object, or that nests too deep, is refused before Arrow's reader sees it.
    """
    check_encoding(encoding, "read_jsonl")
    utf8 = is_utf8(encoding)
    if utf8:
        check_json_lines(path, _blocks(path))
        source: str | io.BytesIO = path
    else:
        content = _utf8_bytes(path, encoding)
        check_json_lines(path, [content])
        source = io.BytesIO(content)
    try:
        table = pj.read_json(source)
    except pa.ArrowInvalid as exc:
        if "Empty JSON file" in str(exc):
            raise InputError(f"{path}: file is empty") from None
        raise _json_error(path, exc, encoding) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({first_line(exc)})") from None
    if utf8:
        try:
            table.schema.names  # noqa: B018 - decoding the names is the check
        except UnicodeDecodeError:
            raise InputError(f"{path}: a key is not valid utf-8; {_UTF8_HINT}") from None
        # Arrow's JSON reader does not check that strings are valid UTF-8; find out here, so
        # that a wrong encoding fails with its name rather than later in a compute kernel.
        for name, column in zip(table.column_names, table.columns, strict=True):
            try:
                column.validate(full=True)
            except pa.ArrowInvalid:
                raise utf8_error(path, name) from None
    return table


def reads_as_utf8(path: str) -> bool:
    """True when a text file's first :data:`UTF8_CHECK_BYTES` bytes are valid UTF-8 holding
    some non-ASCII text: read with a one-byte encoding (latin-1, cp1252), its accents would
    come out garbled (``é`` as ``Ã©``) and the categories would drift that never changed."""
    try:
        with open_binary(path) as handle:
            head = handle.read(UTF8_CHECK_BYTES)
    except DECOMPRESSION_ERRORS:
        return False
    if head.isascii():
        return False
    try:  # incremental: a multi-byte character cut at the end of the sample is no reason
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _blocks(path: str) -> Iterator[bytes]:
    """The file's bytes (decompressed) in pieces; a truncated or corrupt compressed file
    is an InputError naming it."""
    try:
        with open_binary(path) as handle:
            while block := handle.read(_SCAN_BLOCK):
                yield block
    except DECOMPRESSION_ERRORS as exc:
        raise compression_error(path, exc) from None


def _utf8_bytes(path: str, encoding: str) -> bytes:
    raw = b"".join(_blocks(path))
    try:
        return raw.decode(encoding).encode("utf-8")
    except UnicodeError as exc:
        raise InputError(f"{path}: not valid {encoding} text ({first_line(exc)})") from None


def _json_error(path: str, exc: pa.ArrowInvalid, encoding: str) -> InputError:
    message = str(exc).removeprefix("JSON parse error: ")
    # Arrow counts rows within a block of the file; parse again as one block (error path
    # only) to get a row number that counts from the start of the file.
    content = _utf8_bytes(path, encoding)
    if len(content) < _MAX_BLOCK:
        options = pj.ReadOptions(use_threads=False, block_size=max(len(content), 1))
        try:
            pj.read_json(io.BytesIO(content), read_options=options)
        except pa.ArrowInvalid as again:
            message = str(again).removeprefix("JSON parse error: ")
    row = _JSON_ROW.search(message)
    detail = _JSON_ROW.sub("", message).strip().rstrip(".")
    change = _JSON_TYPE_CHANGE.search(detail)
    if change is not None:
        column = change.group(1).strip("/").replace("/", ".")
        detail = (
            f"column {column!r} changed from {change.group(2)} to {change.group(3)}"
            if column
            else f"found a {change.group(3)} where an object was expected"
        )
    else:
        detail = detail[:1].lower() + detail[1:]
    if row is None:
        return InputError(f"{path}: not valid JSON Lines ({first_line(InputError(detail))})")
    line = _physical_line(content, int(row.group(1)))
    return InputError(f"{path}: line {line}: {first_line(InputError(detail))}")


def _physical_line(content: bytes, record: int) -> int:
    """1-based line number of the 0-based ``record``-th non-blank line."""
    seen = -1
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip():
            seen += 1
            if seen == record:
                return number
    return record + 1
