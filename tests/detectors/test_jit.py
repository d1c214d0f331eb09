"""The detectors' kernels compiled (numba) and as Python: the same answers either way, numba
kept off the import path, and no failure where numba cannot write its cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from driftscope import detectors
from driftscope.detectors import DriftDetector, _jit
from driftscope.testing.detectors import (
    check_restore_equals_continue,
    check_update_many_equals_updates,
    check_update_many_in_pieces,
)

SRC = Path(detectors.__file__).resolve().parents[2]
RIVERS = {
    "adwin": "ADWIN",
    "ddm": "binary.DDM",
    "eddm": "binary.EDDM",
    "fhddm": "binary.FHDDM",
    "hddm_a": "binary.HDDMA",
    "hddm_w": "binary.HDDMW",
    "page_hinkley": "PageHinkley",
}
"""The detectors with a kernel, by River's names (KSWIN has none: numpy and scipy per test)."""
FLIPPED = frozenset(("fhddm",))
"""The detectors whose River peer reads 1 as a right prediction (see FHDDM's module)."""


@pytest.fixture(params=["compiled", "python"])
def jit(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Each test twice: kernels compiled where numba is installed, and kept in Python."""
    if request.param == "python":
        monkeypatch.setattr(_jit, "ENABLED", False)
    elif not _jit.enabled():
        pytest.skip("kernels run as Python here (numba missing, or DRIFTSCOPE_NO_JIT set)")
    return request.param == "compiled"


def _w3_like(binary: bool) -> np.ndarray:
    """20,000 values of N(0, 1), the mean up by 1 at 10,000 (as 0/1 errors: above 1.2816)."""
    values = np.random.default_rng(3).normal(0.0, 1.0, 20_000)
    values[10_000:] += 1.0
    return (values > 1.2816).astype(np.float64) if binary else values


@pytest.mark.parametrize("name", detectors.available())
@pytest.mark.parametrize(
    "check",
    [check_update_many_equals_updates, check_restore_equals_continue],
    ids=lambda c: c.__name__,
)
def test_the_conformance_checks_hold_both_ways(
    jit: bool, name: str, check: Callable[[type[DriftDetector]], None]
) -> None:
    check(detectors.get(name))


@pytest.mark.parametrize("name", RIVERS)
def test_the_positions_are_rivers_both_ways(jit: bool, name: str) -> None:
    drift = pytest.importorskip("river.drift")
    river: object = drift
    for part in RIVERS[name].split("."):
        river = getattr(river, part)
    ours = detectors.get(name)
    values = _w3_like(ours.binary)
    theirs = river()  # type: ignore[operator]
    expected = []
    theirs_values = 1.0 - values if name in FLIPPED else values
    for i, x in enumerate(theirs_values.tolist()):
        theirs.update(x)
        if theirs.drift_detected:
            expected.append(i)
    one = ours()
    singles = [i for i, x in enumerate(values.tolist()) if one.update(x).drift_detected]
    many = ours()
    assert many.update_many(values) == singles
    assert many.state() == one.state()
    if name != "page_hinkley":  # River's falling sum starts at -1 (see its module)
        assert singles == expected
        assert expected


@pytest.mark.parametrize(("name", "limit"), [("eddm", "EXACT"), ("hddm_a", "EXACT_N")])
def test_a_kernel_hands_over_to_update_where_its_integers_would_lose_exactness(
    monkeypatch: pytest.MonkeyPatch, name: str, limit: str
) -> None:
    """Beyond 2**53 the counts' quotients would differ from Python's in the last bit: there
    the kernel stops and update() takes the rest (here the limit is lowered, as Python)."""
    import importlib

    monkeypatch.setattr(_jit, "ENABLED", False)
    monkeypatch.setattr(importlib.import_module(f"driftscope.detectors.{name}"), limit, 1_500)
    check_update_many_equals_updates(detectors.get(name))
    check_update_many_in_pieces(detectors.get(name))


def _run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_detectors_does_not_import_numba() -> None:
    code = "import sys, driftscope, driftscope.detectors; print('numba' in sys.modules)"
    assert _run(code, {}) == "False"


def test_the_environment_variable_keeps_the_kernels_in_python() -> None:
    code = (
        "import sys; from driftscope.detectors import DDM, _jit; "
        "print(DDM().update_many([0, 1] * 50), _jit.enabled(), 'numba' in sys.modules)"
    )
    assert _run(code, {"DRIFTSCOPE_NO_JIT": "1"}) == "[] False False"


def test_without_numba_the_kernels_run_as_python() -> None:
    code = (
        "import sys; sys.modules['numba'] = None; import numpy as np; "
        "from driftscope.detectors import ADWIN, _jit; "
        "v = np.r_[np.zeros(2000), np.ones(2000)]; "
        "print(ADWIN().update_many(v), _jit.enabled())"
    )
    expected = detectors.ADWIN().update_many(np.r_[np.zeros(2000), np.ones(2000)])
    assert _run(code, {"DRIFTSCOPE_NO_JIT": ""}) == f"{expected} False"


def test_a_package_folder_numba_cannot_write_to_is_no_error(tmp_path: Path) -> None:
    """No writable cache folder anywhere (the package's __pycache__ is a file, numba's user
    cache lies under a file): the kernels compile in memory and give the same answer."""
    pytest.importorskip("numba")
    copy = tmp_path / "site" / "driftscope"
    shutil.copytree(SRC / "driftscope", copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "detectors" / "__pycache__").write_text("not a folder")
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    values = _w3_like(binary=True)
    code = (
        "import numpy as np; from driftscope.detectors import EDDM, _jit, eddm; "
        "v = np.random.default_rng(3).normal(0.0, 1.0, 20_000); v[10_000:] += 1.0; "
        "print(EDDM().update_many((v > 1.2816).astype(float)), _jit.enabled(), "
        "type(eddm._run._compiled._cache).__name__)"
    )
    env = {
        "PYTHONPATH": str(copy.parent),
        "NUMBA_CACHE_DIR": "",
        "XDG_CACHE_HOME": str(blocked / "cache"),
        "HOME": str(blocked / "home"),
        "DRIFTSCOPE_NO_JIT": "",
    }
    assert _run(code, env) == f"{detectors.EDDM().update_many(values)} True NullCache"
    assert not (copy / "detectors" / "__pycache__").is_dir()
