"""Severity tiers: ``none``, ``warning`` or ``major``, per column and for the dataset.

A column's tier comes from its effect size (see :mod:`driftscope.decision.effect_size`):

* tests (ks, chi2, ...): ``none`` unless the adjusted p-value is significant; then ``warning``
  from the minimum effect (the column drifts) and ``major`` from a larger effect: KS distance
  0.1 (a normal mean shift of about a quarter of a standard deviation), Cramér's V 0.08 (a
  category's share doubling from 10% to 20% in a two-category column gives V = 0.12), text
  separation 0.2 (one text in five told apart: on Debian's fortunes, 20% of the texts with a
  new phrase give 0.18 to 0.27, another category of quotes 0.58 to 0.9, while 5% with the
  phrase give 0.02 to 0.12 at 600 texts a side), MMD distance 0.15 (a mean shift of about
  0.3 standard deviations in every component of Gaussian vectors);
* distances: PSI follows industry practice, ``warning`` from 0.1 and ``major`` from 0.25
  (its drift threshold, 0.2, lies in between); any other distance warns from its drift
  threshold t and is major from 2.5 t, the same ratio.

The dataset is ``major`` when a feature is major or the dataset verdict is drift, ``warning``
when a feature warns, else ``none``. Users override a column's two limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from driftscope.errors import ConfigError

Severity = Literal["none", "warning", "major"]
SEVERITIES: tuple[Severity, ...] = ("none", "warning", "major")

MAJOR_EFFECT = {
    "ks_distance": 0.1,
    "cramers_v": 0.08,
    "text_separation": 0.2,
    "mmd_distance": 0.15,
}
"""Where a significant test's effect becomes major."""
PSI_TIERS = (0.1, 0.25)
DISTANCE_MAJOR_RATIO = 2.5  # = 0.25 / 0.1, PSI's ratio, for the other distances


@dataclass(frozen=True, slots=True)
class Tiers:
    """The effect sizes at which a column becomes ``warning`` and ``major``."""

    warning: float
    major: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.warning <= self.major:
            raise ConfigError(
                f"Tiers: need 0 <= warning <= major; got warning={self.warning}, major={self.major}"
            )

    def of(self, effect: float) -> Severity:
        """The tier an effect size falls in.

        >>> Tiers(0.1, 0.25).of(0.05), Tiers(0.1, 0.25).of(0.1), Tiers(0.1, 0.25).of(0.3)
        ('none', 'warning', 'major')
        """
        if effect >= self.major:
            return "major"
        if effect >= self.warning:
            return "warning"
        return "none"


def default_tiers(measure: str, *, is_test: bool, threshold: float) -> Tiers:
    """Default limits for an effect ``measure``; ``threshold`` is the test's minimum effect
    or the distance's drift threshold.

    >>> default_tiers("ks_distance", is_test=True, threshold=0.03)
    Tiers(warning=0.03, major=0.1)
    >>> default_tiers("text_separation", is_test=True, threshold=0.03)
    Tiers(warning=0.03, major=0.2)
    >>> default_tiers("psi", is_test=False, threshold=0.2)
    Tiers(warning=0.1, major=0.25)
    >>> default_tiers("wasserstein", is_test=False, threshold=0.1)
    Tiers(warning=0.1, major=0.25)
    """
    if is_test:
        return Tiers(threshold, max(threshold, MAJOR_EFFECT.get(measure, threshold)))
    if measure == "psi":
        return Tiers(*PSI_TIERS)
    return Tiers(threshold, DISTANCE_MAJOR_RATIO * threshold)


def worst(severities: list[Severity]) -> Severity:
    """The highest of some tiers (``none`` for none).

    >>> worst(["warning", "none"]), worst([])
    ('warning', 'none')
    """
    return max(severities, key=SEVERITIES.index, default="none")
