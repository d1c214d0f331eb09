"""Conformance checks every online drift detector must pass, built-in or custom.

Each check takes a detector class (a :class:`~driftscope.detectors.DriftDetector` subclass)
and raises AssertionError naming the detector when it breaks the contract;
:func:`check_detector` runs them all::

    from driftscope.testing.detectors import DETECTOR_CHECKS
    @pytest.mark.parametrize("check", DETECTOR_CHECKS, ids=lambda c: c.__name__)
    def test_my_detector(check):
        check(MyDetector)

The streams are seeded, so a failure reproduces. A detector of error streams
(``binary = True``) gets 0/1 streams; the others get real values.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from driftscope.detectors.base import DriftDetector
from driftscope.errors import ConfigError, InputError

LENGTH = 4_000
"""Values per stream: long enough for every built-in detector to fire on the shifted one."""
Detector = type[DriftDetector]


def _expect(condition: bool, cls: Detector, message: str) -> None:
    # Explicit raise rather than `assert`, so the checks still check under python -O.
    if not condition:
        raise AssertionError(f"{cls.name}: {message}")


def stream(cls: Detector, *, shift: bool, seed: int = 0) -> NDArray[np.float64]:
    """A seeded stream for ``cls``: its second half changed when ``shift`` (an error rate from
    0.1 to 0.5 for error-stream detectors, a mean from 0 to 2 standard deviations otherwise)."""
    rng = np.random.default_rng(seed)
    half = LENGTH // 2
    after = np.full(LENGTH - half, 0.0)
    if cls.binary:
        rates = np.concatenate([np.full(half, 0.1), after + (0.5 if shift else 0.1)])
        values: NDArray[np.float64] = (rng.random(LENGTH) < rates).astype(np.float64)
        return values
    steps = np.concatenate([np.zeros(half), after + (2.0 if shift else 0.0)])
    noise: NDArray[np.float64] = rng.normal(0.0, 1.0, LENGTH) + steps
    return noise


def check_defaults_construct(cls: Detector) -> None:
    """The detector builds without arguments, starts with nothing seen and no drift, and
    lists every parameter with its default."""
    detector = cls()
    _expect(not detector.drift_detected, cls, "a new detector signals drift")
    _expect(not detector.warning_detected, cls, "a new detector signals a warning")
    _expect(detector.n_seen == 0, cls, "a new detector has seen values")
    _expect(set(detector.params) == {*cls.PARAMS, "on_invalid"}, cls, "params lacks a parameter")
    _expect(isinstance(cls.name, str) and cls.name.islower(), cls, "name is not a lower-case name")


def check_finds_a_shift(cls: Detector) -> None:
    """With its defaults, the detector signals drift after the stream changes, and the first
    signal after the change comes within the stream."""
    found = cls().update_many(stream(cls, shift=True))
    _expect(any(i >= LENGTH // 2 for i in found), cls, f"no drift after the change: {found}")


def check_constant_stream_never_fires(cls: Detector) -> None:
    """A constant stream (all 0 for an error stream: no errors; else all 1.0) never signals."""
    value = 0.0 if cls.binary else 1.0
    found = cls().update_many([value] * LENGTH)
    _expect(found == [], cls, f"a constant stream fired at {found[:5]}")


def check_update_many_equals_updates(cls: Detector) -> None:
    """``update_many`` gives the positions ``update`` one at a time gives, and leaves the same
    state (a faster kernel must not change the answer)."""
    values = stream(cls, shift=True, seed=1)
    one, many = cls(), cls()
    singles = [i for i, x in enumerate(values) if one.update(float(x)).drift_detected]
    _expect(many.update_many(values) == singles, cls, "update_many and update disagree")
    _expect(one.state() == many.state(), cls, "update_many leaves another state than update")


def check_update_many_in_pieces(cls: Detector) -> None:
    """``update_many`` over a stream in pieces (empty ones, single values, long runs) gives
    the positions and the state of one call over the whole (a kernel carries its state from
    call to call)."""
    values = stream(cls, shift=True, seed=6)
    whole = cls()
    expected = whole.update_many(values)
    cuts = [0, 0, 1, 2, 3, 100, 101, LENGTH // 2, LENGTH // 2 + 1, LENGTH - 1, LENGTH]
    pieces, found = cls(), []
    for start, end in itertools.pairwise(cuts):
        found += [start + i for i in pieces.update_many(values[start:end])]
    _expect(found == expected, cls, "update_many in pieces and at once disagree")
    _expect(pieces.state() == whole.state(), cls, "update_many in pieces leaves another state")


def check_restore_equals_continue(cls: Detector) -> None:
    """A state saved mid-stream, sent through strict JSON (no NaN or Infinity tokens) and
    restored, continues exactly as the detector it was saved from."""
    fresh = cls().state()  # before any value: running extremes may still be infinite
    again = type(cls()).from_state(json.loads(json.dumps(fresh, allow_nan=False))).state()
    _expect(again == fresh, cls, "a new detector's state does not survive JSON")
    values = stream(cls, shift=True, seed=2)
    cut = LENGTH // 2 + 7
    first = cls()
    first.update_many(values[:cut])
    saved = json.loads(json.dumps(first.state(), allow_nan=False))  # strict JSON
    second = type(first).from_state(saved)
    _expect(second.state() == first.state(), cls, "the restored state differs from the saved")
    rest = values[cut:]
    _expect(
        first.update_many(rest) == second.update_many(rest),
        cls,
        "a restored detector continues differently",
    )
    _expect(first.state() == second.state(), cls, "states part after restoring")


def check_foreign_state_is_refused(cls: Detector) -> None:
    """A state saved by another detector, or of another format version, is a ConfigError."""
    saved = cls().state()
    for bad in ({**saved, "detector": "another"}, {**saved, "version": -1}, {"detector": cls.name}):
        try:
            cls.from_state(bad)
        except ConfigError:
            continue
        raise AssertionError(f"{cls.name}: from_state accepted {sorted(bad)}")


def check_inputs_not_mutated(cls: Detector) -> None:
    """``update_many`` leaves its input as it was (arrays and lists)."""
    values = stream(cls, shift=True, seed=3)
    kept = values.copy()
    cls().update_many(values)
    listed = values.tolist()
    before = copy.copy(listed)
    cls().update_many(listed)
    _expect(np.array_equal(values, kept) and listed == before, cls, "update_many changed its input")


def check_deterministic(cls: Detector) -> None:
    """Two detectors with the same parameters on the same stream signal at the same places."""
    values = stream(cls, shift=True, seed=4)
    _expect(cls().update_many(values) == cls().update_many(values), cls, "runs differ")


def check_reset_starts_afresh(cls: Detector) -> None:
    """After ``reset`` the detector behaves as a new one."""
    values = stream(cls, shift=True, seed=5)
    used = cls()
    used.update_many(values)
    used.reset()
    _expect(used.state() == cls().state(), cls, "reset leaves state behind")


def check_bad_values_name_the_index(cls: Detector) -> None:
    """NaN, inf, None and text are an InputError naming the detector and the stream index (a
    value outside {0, 1} too, for an error stream); with ``on_invalid='skip'`` they are skipped
    and not counted."""
    good = 0.0
    bad_values: list[object] = [math.nan, math.inf, None, "1.5"]
    if cls.binary:
        bad_values.append(0.5)
    for bad in bad_values:
        detector = cls()
        detector.update(good)
        try:
            detector.update(bad)
        except InputError as exc:
            text = str(exc)
            _expect(cls.name in text and "index 1" in text, cls, f"unclear error: {text}")
        else:
            raise AssertionError(f"{cls.name}: accepted {bad!r}")
        skipping = cls(on_invalid="skip")
        skipping.update(good).update(bad)
        _expect(skipping.n_seen == 1, cls, f"on_invalid='skip' counted {bad!r}")


def check_bad_parameters_are_one_line_errors(cls: Detector) -> None:
    """An unknown parameter and a wrong value are ConfigErrors in the one format."""
    try:
        cls(no_such_parameter=1)
    except ConfigError as exc:
        _expect(f"{cls.name}: unknown parameter" in str(exc), cls, f"unclear error: {exc}")
    else:
        raise AssertionError(f"{cls.name}: accepted an unknown parameter")
    for name in cls.PARAMS:
        try:
            cls(**{name: "not a value"})
        except ConfigError as exc:
            _expect(f"{cls.name}: parameter {name!r} must be" in str(exc), cls, str(exc))
        else:
            raise AssertionError(f"{cls.name}: parameter {name!r} accepted a string")


DETECTOR_CHECKS: tuple[Callable[[Detector], None], ...] = (
    check_defaults_construct,
    check_finds_a_shift,
    check_constant_stream_never_fires,
    check_update_many_equals_updates,
    check_update_many_in_pieces,
    check_restore_equals_continue,
    check_foreign_state_is_refused,
    check_inputs_not_mutated,
    check_deterministic,
    check_reset_starts_afresh,
    check_bad_values_name_the_index,
    check_bad_parameters_are_one_line_errors,
)
"""Every conformance check, in the order :func:`check_detector` runs them."""


def check_detector(cls: Detector) -> None:
    """Run every check in :data:`DETECTOR_CHECKS` on ``cls``."""
    for check in DETECTOR_CHECKS:
        check(cls)
