"""What every command shares: the exit codes, option values parsed one way, one progress bar.

Light on purpose (no numpy, no pyarrow): every start of ``driftscope`` imports it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TextIO

from driftscope.errors import ConfigError, InputError

EXIT_OK = 0
EXIT_CONDITION = 1
"""The command ran and met its condition (``report --fail-on``)."""
EXIT_ERROR = 2
"""Bad usage or unusable input: one line on stderr, no traceback unless ``--debug``."""
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer killed by it


class Command(Protocol):
    """A module of ``driftscope.cli`` that implements one command."""

    NAME: str
    HELP: str
    """One line for ``driftscope --help``."""

    def configure(self, parser: argparse.ArgumentParser) -> None:
        """Give the command's parser its description, examples and options."""

    def run(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        """Carry out the command; return the exit code (errors are raised)."""


def pairs(values: Sequence[str], option: str) -> tuple[str | None, dict[str, str]]:
    """Split ``[VALUE | COLUMN=VALUE ...]`` into a global value and per-column values; a
    second global value or a column given twice is an error, never silently the last one.

    >>> pairs(["ks", "age=psi", "a=b=chi2"], "--method")
    ('ks', {'age': 'psi', 'a=b': 'chi2'})
    """
    globals_, per = multi_pairs(values, option)
    if len(globals_) > 1:
        raise ConfigError(
            f"{option}: give one global value at most; got {globals_[0]!r} and {globals_[1]!r}"
        )
    for column, given in per.items():
        if len(given) > 1:
            raise ConfigError(
                f"{option}: column {column!r} is given twice ({given[0]!r} and {given[1]!r})"
            )
    return (globals_[0] if globals_ else None), {c: v[0] for c, v in per.items()}


def multi_pairs(values: Sequence[str], option: str) -> tuple[list[str], dict[str, list[str]]]:
    """Split ``[VALUE | COLUMN=VALUE ...]`` into the global values and the values of each
    column, in the order given (``--method psi --method ks``).

    >>> multi_pairs(["psi", "ks", "age=psi", "age=ks"], "--method")
    (['psi', 'ks'], {'age': ['psi', 'ks']})
    """
    globals_: list[str] = []
    per: dict[str, list[str]] = {}
    for raw in values:
        if "=" in raw:
            col, _, val = raw.rpartition("=")
            if not col or not val:
                raise ConfigError(f"{option}: expected COLUMN=VALUE; got {raw!r}")
            per.setdefault(col, []).append(val)
        else:
            globals_.append(raw)
    return globals_, per


def to_float(text: str, option: str) -> float:
    """``text`` as a number, or a ConfigError naming the option."""
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{option}: expected a number; got {text!r}") from None


def numbers(entries: Sequence[str], option: str) -> float | dict[str, float] | None:
    """One global VALUE, or COLUMN=VALUE entries, of a repeatable numeric option.

    >>> numbers(["0.1"], "--threshold"), numbers(["age=0.2"], "--threshold")
    (0.1, {'age': 0.2})
    """
    global_value, per_column = pairs(entries, option)
    if per_column:
        if global_value is not None:
            raise ConfigError(f"{option}: use either one global VALUE or COLUMN=VALUE entries")
        return {column: to_float(value, option) for column, value in per_column.items()}
    return None if global_value is None else to_float(global_value, option)


def check_output(path: str, option: str) -> None:
    """Raise InputError unless a file can be written at ``path``, before any data is read.

    The library's check names the path; an empty one has no name, so the option is named.
    """
    from driftscope.io.atomic import check_output_path

    try:
        check_output_path(path)
    except InputError as exc:
        if path:
            raise
        raise InputError(f"{option}: {exc}") from None


def check_not_an_input(path: str, inputs: Sequence[str], option: str) -> None:
    """Raise InputError when the output ``path`` is one of the ``inputs``: a file given, a
    file a glob matches, or a Parquet file inside a folder given (through links too).

    Writing the output would destroy the data (``driftscope profile data.csv -o data.csv``
    replaced the CSV with its profile), so the command refuses before reading anything.
    """
    import glob

    if not path or not os.path.lexists(path):  # a new file overwrites nothing
        return
    output = os.path.realpath(path)
    for given in inputs:
        # glob.glob, not Path.glob: the pattern may be absolute and may contain "**".
        named = glob.glob(given, recursive=True) if glob.has_magic(given) else [given]  # noqa: PTH207
        for candidate in named:
            real = os.path.realpath(candidate)
            # A folder input reads the Parquet files in it (and under it).
            inside = (
                output.lower().endswith((".parquet", ".pq"))
                and os.path.isdir(real)  # noqa: PTH112
                and output.startswith(real.rstrip(os.sep) + os.sep)
            )
            if real == output or inside or _same_file(real, output):
                raise InputError(
                    f"{option}: {path} is also an input ({given}); writing it would destroy "
                    "the data; give another output file"
                )


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name one file (hard links too); False when either is missing."""
    try:
        return Path(a).samefile(b)
    except OSError:
        return False


def add_progress_options(parser: argparse.ArgumentParser, text: str | None = None) -> None:
    """``--progress`` (help ``text``) and ``--no-progress``; ``args.progress`` is None when
    neither is given."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--progress", dest="progress", action="store_true", default=None, help=text)
    group.add_argument("--no-progress", dest="progress", action="store_false")


class ProgressBar:
    """A progress bar redrawn in place on one line of ``stream``; a newline ends it at the total.

    Without a ``unit`` it counts items and shows the current one's name (the columns of
    ``driftscope report``); with one it counts that unit with thousands separators and shows
    the stage (the rows of ``driftscope profile``), or the count alone when the total is not
    known.

    >>> import io
    >>> stream = io.StringIO()
    >>> rows = ProgressBar(stream, unit="rows")
    >>> rows(1_500, 6_000, "profiling")
    >>> rows(6_000, 6_000, "profiling")
    >>> rows(700, None, "binning")
    >>> for line in stream.getvalue().split("\\r")[1:]:
    ...     print(repr(line))
    '[######------------------] 1,500/6,000 rows (profiling)'
    '[########################] 6,000/6,000 rows (profiling)\\n'
    '700 rows (binning)'
    >>> stream = io.StringIO()
    >>> ProgressBar(stream)(1, 3, "age")
    >>> stream.getvalue().rstrip() + "|"
    '\\r[########----------------] 1/3 age|'
    """

    WIDTH = 24
    NAME_WIDTH = 40

    def __init__(self, stream: TextIO, *, unit: str | None = None) -> None:
        self.stream = stream
        self.unit = unit

    def __call__(self, done: int, total: int | None, label: str) -> None:
        count = self._count(done)
        if total:
            filled = self.WIDTH * min(done, total) // total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            count = f"[{bar}] {count}/{self._count(total)}"
        if self.unit:
            line = f"{count} {self.unit} ({label})"
        else:
            line = f"{count} {label[: self.NAME_WIDTH]:<{self.NAME_WIDTH}}"
        end = "\n" if total and done >= total else ""
        self.stream.write(f"\r{line}{end}")
        self.stream.flush()

    def _count(self, n: int) -> str:
        return f"{n:,}" if self.unit else str(n)


def add_delimiter_option(parser: argparse.ArgumentParser) -> None:
    """``--delimiter``, the field separator of CSV inputs (every command that reads data)."""
    parser.add_argument(
        "--delimiter",
        metavar="CHAR",
        help=(
            "field separator of CSV inputs (default: tab for .tsv, else detected among "
            "comma, semicolon, tab and pipe from the first lines; comma when unsure)"
        ),
    )


def check_encoding_option(name: str, command: str) -> None:
    """A ConfigError naming --encoding for a name that is not a text encoding, before any
    file is opened."""
    from driftscope.io._text import check_encoding

    try:
        check_encoding(name, command)
    except ConfigError:
        raise ConfigError(
            f"--encoding: expected a text encoding Python knows; got {name!r}"
        ) from None
