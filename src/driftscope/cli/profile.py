"""``driftscope profile``: summarise datasets (and merge profiles) into one ``.dsprof`` file."""

from __future__ import annotations

import argparse
import itertools
import os
from collections.abc import Sequence
from typing import TextIO

from driftscope.cli._common import (
    EXIT_OK,
    ProgressBar,
    add_delimiter_option,
    add_progress_options,
    check_encoding_option,
    check_not_an_input,
    check_output,
    pairs,
)
from driftscope.errors import ConfigError, InputError, ProfileError, SchemaError

NAME = "profile"
HELP = "summarise datasets into one mergeable profile (.dsprof)"

EXAMPLES = """\
examples:
  driftscope profile reference.parquet -o reference.dsprof
  driftscope profile today.parquet --bins reference.dsprof -o today.dsprof
  driftscope profile 'logs/2026-11-*.parquet' -o month.dsprof
  driftscope report reference.dsprof current.parquet --json drift.json

Inputs are read in chunks (Parquet row groups, CSV blocks), so memory stays bounded.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope profile``, with the library's defaults and ranges."""
    from driftscope._types import ColumnType, Role
    from driftscope.profiling._sketch import DEFAULT_K, MAX_K, MIN_K
    from driftscope.profiling.build import MAX_N_BINS
    from driftscope.profiling.parquet import PARALLEL_MAX_WORKERS, PARALLEL_MIN_ROWS
    from driftscope.stats._binning import N_BINS

    parser.description = (
        "Profile the data inputs as one dataset (and merge in any .dsprof given) into one "
        "profile: per column counts, moments, min/max, a quantile sketch and a histogram on "
        "the reference's bins, or category counts."
    )
    parser.epilog = EXAMPLES
    parser.add_argument(
        "data", nargs="+", help="Parquet/CSV/JSONL files, folders or globs, or .dsprof profiles"
    )
    parser.add_argument("-o", "--output", required=True, help="the .dsprof file to write")
    parser.add_argument(
        "--type",
        action="append",
        default=[],
        metavar="COLUMN=TYPE",
        help=f"override a column's type ({', '.join(ColumnType)}), "
        f"or leave it out with '{Role.IGNORED}'",
    )
    parser.add_argument(
        "--bins",
        metavar="REFERENCE.dsprof",
        help="count numeric columns on this reference profile's bins (for current data)",
    )
    parser.add_argument(
        "--n-bins",
        type=int,
        default=N_BINS,
        help=f"quantile bins of a reference, 2-{MAX_N_BINS} (default {N_BINS})",
    )
    parser.add_argument(
        "--k",
        type=int,
        default=DEFAULT_K,
        help=f"quantile sketch accuracy, {MIN_K}-{MAX_K} (default {DEFAULT_K})",
    )
    parser.add_argument("--encoding", default="utf-8", help="text encoding of CSV inputs")
    add_delimiter_option(parser)
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes for Parquet row groups (default: CPUs, at most "
        f"{PARALLEL_MAX_WORKERS}, from {PARALLEL_MIN_ROWS / 1e6:g}M rows)",
    )
    add_progress_options(parser, "show a progress bar by rows (default: when stderr is a terminal)")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Profile the data inputs as one dataset, merge in the profiles given, write the result."""
    from driftscope.profiling import Profile
    from driftscope.profiling.files import is_profile_path, read_profile, write_profile
    from driftscope.profiling.stream import profile_files

    if args.output == "-":
        raise ConfigError(
            "-o/--output: a profile is binary; give a file name (or /dev/stdout to pipe it)"
        )
    check_output(args.output, "-o/--output")
    check_not_an_input(
        args.output, [*args.data, *([args.bins] if args.bins else [])], "-o/--output"
    )
    check_encoding_option(args.encoding, "profile")
    _check_n_bins(args.n_bins)
    _, types = pairs(args.type, "--type")
    bins = read_profile(args.bins) if args.bins else None
    merged = Profile.empty()
    raw = [source for source in args.data if not is_profile_path(source)]
    if raw:
        show = err.isatty() if args.progress is None else args.progress
        try:
            # Every raw input is one dataset, streamed in chunks: their histograms share edges.
            merged = profile_files(
                raw,
                schema=types or None,
                k=args.k,
                n_bins=args.n_bins,
                bins=bins,
                encoding=args.encoding,
                delimiter=args.delimiter,
                progress=ProgressBar(err, unit="rows") if show else None,
                n_jobs="auto" if args.jobs is None else args.jobs,
            )
        except (InputError, ProfileError, SchemaError) as exc:
            if _names_a_path(str(exc), raw):
                raise
            raise type(exc)(f"{_label(raw)}: {exc}") from exc
        if merged.n_rows == 0 and not any(is_profile_path(s) for s in args.data):
            # A profile of no rows has no columns either (no type can be told from no
            # values): writing one would only fail later, as a reference with no rows.
            raise InputError(f"{_label(raw)}: no rows to profile (only a header line, or empty)")
    stored = (read_profile(source) for source in args.data if is_profile_path(source))
    merged = Profile.merge_all(itertools.chain([merged], stored))  # one file at a time
    path = write_profile(merged, args.output)
    # Written into a device or a pipe (/dev/stdout), the profile may be on stdout: say what
    # was done on stderr instead, so as not to mix text into its bytes.
    said = out if path.is_file() else err
    said.write(
        f"profiled {merged.n_rows:,} rows, {len(merged)} columns from {len(args.data)} "
        f"input(s): {path} ({path.stat().st_size:,} bytes)\n"
    )
    unbinned = merged.without_histograms()
    if unbinned:
        shown = ", ".join(repr(name) for name in unbinned[:5])
        more = f" and {len(unbinned) - 5} more" if len(unbinned) > 5 else ""
        err.write(
            f"driftscope: note: the inputs counted {shown}{more} on different bins, so the "
            "profile keeps no histogram for them; psi and the other binned methods will count "
            "them from the quantile sketch, within its error. For exact counts, profile every "
            "part with --bins REFERENCE.dsprof\n"
        )
    return EXIT_OK


def _check_n_bins(n_bins: int) -> None:
    """A ConfigError naming --n-bins for a count outside [2, MAX_N_BINS], before any work."""
    from driftscope.profiling.build import MAX_N_BINS

    if not 2 <= n_bins <= MAX_N_BINS:
        raise ConfigError(f"--n-bins: expected an integer from 2 to {MAX_N_BINS}; got {n_bins}")


def _names_a_path(message: str, inputs: Sequence[str]) -> bool:
    """Whether an error message starts by naming an input, or a file or folder in one.

    Errors about a column of the data as a whole (a binary column, too many categories) do
    not say which input it is in; the caller names the inputs as given.
    """
    head = message.partition(": ")[0]
    # os.path.exists, not Path.exists: the head may be no path at all, even too long for one.
    return head in inputs or os.path.exists(head)  # noqa: PTH110


def _label(inputs: Sequence[str]) -> str:
    """The inputs as given, the first three of them when there are more."""
    more = f" and {len(inputs) - 3} more" if len(inputs) > 3 else ""
    return ", ".join(inputs[:3]) + more
