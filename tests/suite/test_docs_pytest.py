"""The pytest pattern of docs/ci.md runs as written: one pytest test per suite entry."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "ci.md"


def _snippet() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    (gate,) = [b for b in blocks if "test_model_gate.py" in b]
    return gate


@pytest.mark.slow
def test_the_documented_pytest_gate_reports_each_suite_test(tmp_path):
    rng = np.random.default_rng(0)
    for name, shift in (("reference", 0.0), ("current", 30.0)):
        pq.write_table(
            pa.table(
                {"amount": rng.normal(100 + shift, 15, 1_000), "k": rng.integers(0, 3, 1_000)}
            ),
            tmp_path / f"{name}.parquet",
        )
    (tmp_path / "suite.yaml").write_text(
        "tests:\n  - drift: {columns: [amount]}\n  - drift: {columns: [k]}\n"
    )
    (tmp_path / "test_model_gate.py").write_text(_snippet())
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_model_gate.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 1 passed" in done.stdout
    assert "test_gate[drift: amount fails on drift]" in done.stdout
