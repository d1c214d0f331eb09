"""Measure a whole child process: wall time and peak resident memory.

Shared by the benchmark scripts. Peak memory comes from the kernel's own accounting of the
child (``os.wait4`` rusage, ``ru_maxrss``), so nothing polls and nothing is missed between
samples; wall time covers interpreter start, imports, reading the data and writing the output.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Linux reports ru_maxrss in KiB, macOS in bytes.
_MAXRSS_UNIT = 1 if sys.platform == "darwin" else 1024


@dataclass(frozen=True, slots=True)
class Run:
    """One finished child process."""

    seconds: float
    # user + system CPU time of the child: less sensitive than wall time to other load.
    cpu_seconds: float
    peak_bytes: int
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """True when the process exited 0 within its time limit."""
        return self.returncode == 0 and not self.timed_out

    def error_line(self) -> str:
        """A one-line reason for a failed run, taken from the end of its stderr."""
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s"
        lines = [ln.strip() for ln in self.stderr.splitlines() if ln.strip()]
        last = lines[-1] if lines else "(no message on stderr)"
        return f"exit {self.returncode}: {last[:160]}"


@dataclass(slots=True)
class Series:
    """The runs of one contender at one size."""

    runs: list[Run] = field(default_factory=list)

    @property
    def failed(self) -> Run | None:
        """The first failed run, if any."""
        return next((r for r in self.runs if not r.ok), None)

    @property
    def ok_runs(self) -> list[Run]:
        """The runs that succeeded."""
        return [r for r in self.runs if r.ok]

    def median_seconds(self) -> float | None:
        """Median wall time of the successful runs."""
        ok = self.ok_runs
        return statistics.median(r.seconds for r in ok) if ok else None

    def median_cpu_seconds(self) -> float | None:
        """Median CPU time (user + system) of the successful runs."""
        ok = self.ok_runs
        return statistics.median(r.cpu_seconds for r in ok) if ok else None

    def max_peak_bytes(self) -> int | None:
        """Largest peak RSS over the successful runs."""
        ok = self.ok_runs
        return max(r.peak_bytes for r in ok) if ok else None


def run_process(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    timeout: float = 1800.0,
) -> Run:
    """Run ``argv`` to completion and measure it.

    Args:
        argv: the command; argv[0] must be an executable path.
        env: extra environment variables on top of this process's environment.
        cwd: working directory of the child.
        timeout: seconds after which the child is killed and the run marked timed out.

    Returns:
        The measured run, with the child's stdout and stderr as text.
    """
    child_env = dict(os.environ)
    if env:
        child_env.update(env)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, env=child_env, cwd=cwd)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            # wait4 rather than Popen.wait: it hands back the child's own resource usage.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_bytes=int(usage.ru_maxrss) * _MAXRSS_UNIT,
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            timed_out=killed.is_set(),
        )
