"""``driftscope demo``: scenarios with drift planted in them, built from seeded random
choices (no network, no data files), compared and reported on.

- :mod:`~driftscope.demo.credit` (the default): a credit-scoring model's applications, whose
  production period drifts in its inputs, its output and, in one region, its errors; then 60
  days of its traffic monitored day by day.
- :mod:`~driftscope.demo.sentiment`: a sentiment model's product reviews, whose production
  texts change vocabulary and style.

The credit scenario's names are kept here, where ``driftscope.demo`` always had them.

>>> SCENARIOS
('credit', 'sentiment')
"""

from driftscope.demo.credit import (
    DEFAULT_OUTPUT_DIR,
    DEFAULT_ROWS,
    DEFAULT_SEED,
    LABELLED_SHARE,
    MIN_ROWS,
    credit_scenario,
    run_demo,
)

SCENARIOS = ("credit", "sentiment")
"""The demo's scenarios (``driftscope demo --scenario``); the first is the default."""

__all__ = [
    "DEFAULT_OUTPUT_DIR",
    "DEFAULT_ROWS",
    "DEFAULT_SEED",
    "LABELLED_SHARE",
    "MIN_ROWS",
    "SCENARIOS",
    "credit_scenario",
    "run_demo",
]
