"""``driftscope baseline``: infer data-quality constraints from a reference into a YAML file."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from driftscope.cli._common import (
    EXIT_ERROR,
    EXIT_OK,
    add_delimiter_option,
    check_encoding_option,
    check_not_an_input,
    check_output,
)
from driftscope.cli._compare_options import add_model_options, model_keywords
from driftscope.errors import ConfigError

if TYPE_CHECKING:
    from driftscope.quality import Constraints

NAME = "baseline"
HELP = "infer data-quality constraints from REFERENCE into an editable YAML file"

EXAMPLES = f"""\
examples:
  driftscope baseline reference.parquet -o constraints.yaml
  driftscope baseline train.csv -o constraints.yaml --target churned --probability score
  driftscope baseline train.csv -o constraints.yaml --type zip=categorical --type row=ignored

The file lists, per column, its kind and type, whether it must be present, the least share of
values present, a range, the allowed categories, uniqueness; and for the dataset a row count
and the largest share of duplicated rows. Tolerances let fresh data from the reference's own
distribution pass; edit any value by hand.

exit codes: {EXIT_OK} written, {EXIT_ERROR} bad usage or input.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope baseline``: the schema and role options of ``report``."""
    parser.description = (
        "Infer constraints from REFERENCE (per column: presence, type, completeness, range, "
        "allowed categories, uniqueness; rows and duplicate rows) and write them as YAML."
    )
    parser.epilog = EXAMPLES
    parser.add_argument("reference", help="reference data: Parquet/CSV/JSONL file, folder or glob")
    parser.add_argument(
        "-o", "--output", required=True, metavar="YAML", help="the constraints file to write"
    )
    add_model_options(parser)
    parser.add_argument("--encoding", default="utf-8", help="text encoding of CSV/JSONL inputs")
    add_delimiter_option(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Infer the constraints and write them; print a short summary."""
    from driftscope.quality import infer_constraints, save_constraints

    if args.output == "-":
        raise ConfigError("-o/--output: give a file name for the constraints file")
    check_output(args.output, "-o/--output")
    check_not_an_input(args.output, [args.reference], "-o/--output")
    check_encoding_option(args.encoding, "baseline")
    constraints = infer_constraints(
        args.reference, **model_keywords(args), encoding=args.encoding, delimiter=args.delimiter
    )
    path = save_constraints(constraints, args.output)
    if not args.quiet:
        out.write(f"{_summary(constraints)}\nconstraints: {path}\n")
    return EXIT_OK


def _summary(constraints: Constraints) -> str:
    """``12 columns of SOURCE: 47 constraints (range 5, categories 3, ...)``."""
    counts = {
        "present": sum(c.present for c in constraints.columns),
        "type": sum(c.kind is not None for c in constraints.columns),
        "completeness": sum(c.completeness is not None for c in constraints.columns),
        "range": sum(c.range is not None for c in constraints.columns),
        "categories": sum(c.categories is not None for c in constraints.columns),
        "unique": sum(c.unique for c in constraints.columns),
        "varies": sum(c.varies for c in constraints.columns),
    }
    dataset = constraints.dataset
    counts["dataset"] = (dataset.rows is not None) + (dataset.duplicate_rows is not None)
    total = sum(counts.values())
    parts = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
    return (
        f"{len(constraints.columns)} columns of {constraints.source}: {total} constraints ({parts})"
    )
