"""What importing driftscope costs, and what a missing extra says."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_importing_driftscope_and_its_integrations_imports_neither_dask_nor_pyspark() -> None:
    done = run(
        """
        import sys
        import driftscope, driftscope.profiling
        import driftscope.integrations.dask, driftscope.integrations.spark
        heavy = ("dask", "distributed", "pyspark", "py4j")
        print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("integration", "package", "extra"),
    [
        pytest.param("dask", "dask", "dask", id="dask"),
        pytest.param("spark", "pyspark", "spark", id="spark"),
    ],
)
def test_profiling_without_the_extra_says_which_extra_to_install(
    integration: str, package: str, extra: str
) -> None:
    # None in sys.modules makes Python's import fail as if the package were not installed.
    done = run(
        f"""
        import sys
        sys.modules[{package!r}] = None
        from driftscope.errors import DriftscopeError
        from driftscope.integrations.{integration} import profile
        try:
            profile(object())
        except DriftscopeError as exc:
            assert isinstance(exc, ImportError)
            print(exc)
        """
    )
    assert done.returncode == 0, done.stderr
    expected = (
        f"driftscope.integrations.{integration} needs the {extra} extra: "
        f"pip install 'driftscope[{extra}]'"
    )
    assert done.stdout.strip() == expected
