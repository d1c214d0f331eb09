"""``driftscope demo``: a credit-scoring model's reference period against a drifted production
period, built from seeded random numbers so it needs no network and no data files.

What changes in production (and what the report should find):
- ``annual_income`` rises about 12% (inflation, a new customer segment);
- ``credit_utilization`` climbs (household budgets tighten);
- ``application_channel`` moves to mobile after an app launch;
- ``employment_years`` goes missing for 18% of applications (a form field became optional);
- ``loan_purpose`` gets a new category, ``bnpl_refinance``;
- ``loan_amount`` arrives in cents from the ``broker`` channel (a partner's feed changed
  units): a drift local to one channel;
- ``credit_score`` is logged as 0 for 2% of applications (the bureau timed out): a broken
  data contract (scores lie in 300-850);
- in the ``coast`` region defaults run well above what the model says (a local shock the
  model has not seen): the model's errors concentrate there;
- ``default_probability``, the model's output, follows the inputs.
Every other column is drawn from the same distribution in both periods.

Outcomes (``defaulted``) come late: the production file holds none, and ``labels.csv`` holds
those of its earliest :data:`LABELLED_SHARE` of applications, joined on ``applicant_id``. The
report measures the model's performance on both periods (production on the labelled rows),
estimates it without labels (CBPE), checks whether the relation between the inputs and the
outcome changed (it did, in one region), holds production against the constraints inferred
from the reference (``constraints.yaml``) and searches for the segments where drift and
errors concentrate. ``suite.yaml`` gates the same checks for CI (``driftscope check``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

import numpy as np
import pyarrow as pa

REGIONS = ("north", "south", "east", "west", "central", "coast", "mountain", "islands")
PURPOSES = ("debt_consolidation", "credit_card", "home_improvement", "car", "medical", "other")
CHANNELS = ("branch", "web", "mobile", "broker")

DEFAULT_ROWS = 20_000
"""Applications per period: enough for every planted change to show, quick to build."""
LABELLED_SHARE = 0.6
"""The share of production applications whose outcome is known when the demo runs."""
DEFAULT_SEED = 7
"""The random seed of the demo's data: the same seed, the same data and report."""
MIN_ROWS = 100
"""Fewer applications per period than this are refused: too few to show the planted changes."""
SCORE_TIMEOUTS = 0.02
"""The share of production applications whose credit score is logged as 0."""
COAST_SHOCK = 1.4
"""The rise of the default log-odds in the coast region in production (about 3x the odds)."""
DEFAULT_OUTPUT_DIR = "driftscope-demo"
"""Where ``driftscope demo`` writes its data and reports, relative to the working folder."""
SUITE = """\
# The demo's CI gate: driftscope check --suite suite.yaml reference.parquet current.parquet
options:
  target: defaulted
  probability: default_probability
  labels: labels.csv
  id_column: applicant_id
tests:
  - drift: {fail_on: major}
  - quality: {constraints: constraints.yaml}
  - performance: {metric: roc_auc, min: 0.70}
  - performance: {metric: roc_auc, max_drop: 0.03}
  - segments: {kind: error, max: 0}
"""
"""The suite ``driftscope demo`` writes beside its data (see ``docs/ci.md``)."""


def _period(n: int, rng: np.random.Generator, *, production: bool, start: str) -> pa.Table:
    age = np.clip(rng.normal(42, 12, n), 18, 85).round().astype(np.int64)
    income = rng.lognormal(np.log(52_000) + (0.12 if production else 0.0), 0.45, n).round(-2)
    employment = np.clip(rng.gamma(2.0, 3.5, n), 0, 45).round(1)
    emp_missing = rng.random(n) < (0.18 if production else 0.01)
    credit_score = np.clip(rng.normal(680, 60, n), 300, 850).round().astype(np.int64)
    dti = rng.beta(2.2, 6.0, n).round(3)
    utilization = rng.beta(2.6 if production else 2.0, 4.0, n).round(3)
    open_accounts = rng.poisson(6.0, n).astype(np.int64)
    delinquencies = rng.poisson(0.3, n).astype(np.int64)
    loan_amount = rng.lognormal(np.log(14_000), 0.6, n).round(-1)
    term = rng.choice(np.array([36, 60], dtype=np.int64), n, p=[0.62, 0.38])
    home = rng.choice(["rent", "own", "mortgage"], n, p=[0.41, 0.17, 0.42])
    if production:
        purpose_p = [0.36, 0.22, 0.12, 0.10, 0.05, 0.07, 0.08]
        purpose = rng.choice([*PURPOSES, "bnpl_refinance"], n, p=purpose_p)
        channel = rng.choice(CHANNELS, n, p=[0.15, 0.30, 0.45, 0.10])
    else:
        purpose = rng.choice(PURPOSES, n, p=[0.38, 0.24, 0.13, 0.11, 0.06, 0.08])
        channel = rng.choice(CHANNELS, n, p=[0.25, 0.40, 0.20, 0.15])
    region = rng.choice(REGIONS, n, p=[0.16, 0.15, 0.14, 0.13, 0.12, 0.12, 0.10, 0.08])
    cosigner = rng.random(n) < 0.09
    logit = (
        -2.2
        - 0.012 * (credit_score - 680)
        + 2.8 * (dti - 0.27)
        + 2.2 * (utilization - 0.33)
        - 0.35 * np.log(income / 52_000)
        + 0.45 * delinquencies
        - 0.4 * cosigner
    )
    probability = 1.0 / (1.0 + np.exp(-logit))
    truth = probability
    if production:
        loan_amount = np.where(channel == "broker", loan_amount * 100, loan_amount)
        shock = COAST_SHOCK * (region == "coast")  # the model does not know
        truth = 1.0 / (1.0 + np.exp(-(logit + shock)))
        # the bureau timed out and the pipeline logged 0 (the model had scored the real one)
        credit_score = np.where(rng.random(n) < SCORE_TIMEOUTS, 0, credit_score)
    defaulted = rng.random(n) < truth
    day0 = np.datetime64(start, "s")
    dates = day0 + rng.integers(0, 90 * 86_400, n).astype("timedelta64[s]")
    first_id = 800_000 if production else 100_000
    ids = [f"A{first_id + i:07d}" for i in range(n)]
    return pa.table(
        {
            "applicant_id": ids,
            "application_date": pa.array(np.sort(dates)),
            "age": age,
            "annual_income": income,
            "employment_years": pa.array(employment, mask=emp_missing),
            "credit_score": credit_score,
            "debt_to_income": dti,
            "credit_utilization": utilization,
            "num_open_accounts": open_accounts,
            "num_delinquencies": delinquencies,
            "loan_amount": loan_amount,
            "loan_term_months": term,
            "home_ownership": home.tolist(),
            "loan_purpose": purpose.tolist(),
            "application_channel": channel.tolist(),
            "region": region.tolist(),
            "has_cosigner": cosigner,
            "default_probability": probability.round(4),
            "defaulted": defaulted,
        }
    )


def credit_scenario(
    rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED
) -> tuple[pa.Table, pa.Table]:
    """The demo's reference (Q1) and production (Q3) periods, ``rows`` applications each.

    >>> ref, cur = credit_scenario(rows=500, seed=1)
    >>> ref.num_rows, cur.num_rows, ref.column_names == cur.column_names
    (500, 500, True)
    """
    _check_arguments(rows, seed)
    ref_seed, cur_seed = np.random.SeedSequence(seed).spawn(2)
    reference = _period(rows, np.random.default_rng(ref_seed), production=False, start="2026-01-01")
    current = _period(rows, np.random.default_rng(cur_seed), production=True, start="2026-07-01")
    return reference, current


def _check_arguments(rows: object, seed: object) -> None:
    """ConfigError unless ``rows`` is an integer >= MIN_ROWS and ``seed`` one >= 0 (numpy's
    seeds are non-negative)."""
    from driftscope.errors import param_error

    if isinstance(rows, bool) or not isinstance(rows, int) or rows < MIN_ROWS:
        raise param_error("demo", "rows", f"an integer >= {MIN_ROWS}", rows)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise param_error("demo", "seed", "an integer >= 0", seed)


def _prepare_folder(output_dir: Path) -> None:
    """Create ``output_dir``, or an InputError naming it when it is a file or cannot be made."""
    from driftscope.errors import InputError

    try:
        if output_dir.exists() and not output_dir.is_dir():
            raise InputError(f"{output_dir}: is not a folder; give a folder for the demo's files")
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"{output_dir}: cannot create the folder ({exc.strerror or exc})"
        ) from None
    if not os.access(output_dir, os.W_OK | os.X_OK):
        raise InputError(f"{output_dir}: the folder is not writable")


def run_demo(
    output_dir: Path,
    *,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    out: TextIO,
    monitoring: bool = True,
) -> None:
    """Build the scenario, compare the periods, write the data and both reports, say what
    was found; then (``monitoring``) monitor 60 days of its traffic into
    ``output_dir/monitoring`` (see :mod:`driftscope.monitor.demo`)."""
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    from driftscope.engine.compare import compare
    from driftscope.io.atomic import write_text_atomic
    from driftscope.quality import infer_constraints, save_constraints
    from driftscope.report.terminal import format_table

    _check_arguments(rows, seed)
    _prepare_folder(output_dir)  # before building the data: a bad folder fails fast
    reference, current = credit_scenario(rows, seed)
    ref_path = output_dir / "reference.parquet"
    cur_path = output_dir / "current.parquet"
    labels_path = output_dir / "labels.csv"
    pq.write_table(reference, ref_path)
    pq.write_table(current.drop_columns(["defaulted"]), cur_path)
    known = current.select(["applicant_id", "defaulted"]).slice(0, int(rows * LABELLED_SHARE))
    pa_csv.write_csv(known, labels_path)
    constraints = save_constraints(
        infer_constraints(str(ref_path), target="defaulted", probability="default_probability"),
        output_dir / "constraints.yaml",
    )
    suite = write_text_atomic(output_dir / "suite.yaml", SUITE)
    report = compare(
        str(ref_path),
        str(cur_path),
        target="defaulted",
        probability="default_probability",
        labels=str(labels_path),
        id_column="applicant_id",
        constraints=str(constraints),
        segments=True,
    )
    html = report.save_html(output_dir / "report.html")
    js = report.save_json(output_dir / "report.json")

    out.write(
        f"driftscope demo: credit scoring, {rows:,} applications in the reference period "
        f"(Q1) and {rows:,} in production (Q3)\n\n"
    )
    out.write(format_table(report) + "\n\n")
    changed = report.drifted_columns + [
        f"{report.column(name).role} {name}" for name in report.drifted_model_columns
    ]
    out.write("What changed: " + (", ".join(changed) if changed else "no column drifted") + "\n")
    out.write(f"HTML report: {html.resolve()}\nJSON report: {js.resolve()}\n")
    out.write(
        f"Try it on the data yourself: driftscope report {ref_path} {cur_path} "
        f"--target defaulted --probability default_probability --labels {labels_path} "
        f"--id applicant_id --constraints {constraints} --segments --fail-on drift\n"
        f"Gate it in CI: driftscope check --suite {suite} {ref_path} {cur_path} "
        "--junit driftscope.xml\n"
    )
    if monitoring:
        from driftscope.monitor.demo import run_monitoring_demo

        run_monitoring_demo(output_dir / "monitoring", seed, out)
