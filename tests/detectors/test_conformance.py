"""Every registered detector passes the conformance suite (driftscope.testing.detectors)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from driftscope import detectors
from driftscope.detectors import DriftDetector
from driftscope.testing.detectors import DETECTOR_CHECKS


@pytest.mark.parametrize("name", detectors.available())
@pytest.mark.parametrize("check", DETECTOR_CHECKS, ids=lambda c: c.__name__)
def test_every_detector_conforms(name: str, check: Callable[[type[DriftDetector]], None]) -> None:
    check(detectors.get(name))


def test_an_unknown_detector_names_the_known_ones() -> None:
    from driftscope.errors import ConfigError

    with pytest.raises(ConfigError, match=r"unknown detector 'adwn'; available: .*page_hinkley"):
        detectors.get("adwn")


class _Broken(DriftDetector):
    """A detector whose restored state forgets its running sum: the suite must catch it."""

    name = "broken"
    STATE = ("_count",)

    def _reset_state(self) -> None:
        self._count = 0
        self._total = 0.0

    def _step(self, x: float) -> None:
        self._count += 1
        self._total += x
        if self._count > 30 and self._total / self._count > 0.5:
            self._drift = True
            self._reset_state()


def test_the_suite_catches_a_state_that_is_not_saved() -> None:
    from driftscope.testing.detectors import check_restore_equals_continue

    with pytest.raises(AssertionError, match="broken: "):
        check_restore_equals_continue(_Broken)
