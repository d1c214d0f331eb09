"""What the command-line tests share: running ``driftscope`` in process."""

from __future__ import annotations

import pytest

from driftscope.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``driftscope ARGV...``; return the exit code, stdout and stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own errors exit
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
