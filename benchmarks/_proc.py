"""Measure a whole child process: wall time and peak resident memory; run driftscope's CLI
as committed at a revision.

Shared by the benchmark scripts. Peak memory comes from the kernel's own accounting of the
child (``os.wait4`` rusage, ``ru_maxrss``), so nothing polls and nothing is missed between
samples; wall time covers interpreter start, imports, reading the data and writing the output.

A revision's code (``RevCode``) is ``src/`` of that commit extracted with ``git archive`` (which
reads the repository and changes nothing) into a temporary folder, put first on ``PYTHONPATH``
(ahead of the editable install's path entry) and run through the console script's entry point,
so that work in progress and a fixed point are timed in the same run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
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


# --- driftscope as committed at a revision ----------------------------------------------------

# What the `driftscope` console script runs (`driftscope.cli:main`); the import works whether
# driftscope.cli is a module or a package.
RUN_CLI = "import sys; from driftscope.cli import main; sys.exit(main())"


def short_rev(rev: str) -> str:
    """The abbreviated hash of ``rev``, or '' when git does not know it."""
    return subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", rev],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def src_changes(rev: str) -> list[str]:
    """Files under src/ that differ from ``rev`` in the working tree (untracked included)."""
    git = ["git", "-C", str(REPO)]
    diff = subprocess.run(
        [*git, "diff", "--name-only", rev, "--", "src"], capture_output=True, text=True, check=False
    )
    new = subprocess.run(
        [*git, "ls-files", "--others", "--exclude-standard", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    )
    return sorted({*diff.stdout.split(), *new.stdout.split()})


def export_rev(rev: str, dest: Path) -> Path | None:
    """src/ of ``rev`` extracted under dest (git archive: reads the repository, changes
    nothing); returns the folder to put on PYTHONPATH, or None when git fails."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "src"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        return None
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest / "src"


@dataclass(frozen=True, slots=True)
class RevCode:
    """driftscope's CLI as committed at ``rev``, to run beside the working tree's."""

    rev: str
    # abbreviated hash; '' when git does not know rev
    short: str
    # files of src/ in the working tree that differ from rev (untracked included)
    changed: tuple[str, ...]
    # the exported src/ (put on PYTHONPATH); None when not exported or git archive failed
    src: Path | None

    @property
    def name(self) -> str:
        """The abbreviated hash, or the revision as given when git does not know it."""
        return self.short or self.rev

    @property
    def unavailable(self) -> str | None:
        """Why it is not run, or None."""
        if not self.changed:
            return f"not run: src/ is as committed at {self.name}"
        return None if self.src else f"git archive {self.rev} failed"

    @property
    def env(self) -> dict[str, str]:
        """Environment of a run: the exported src/ first on the import path."""
        return {"PYTHONPATH": str(self.src)}

    def argv(self, *cli_args: str) -> list[str]:
        """``driftscope CLI_ARGS`` with this revision's code, in this interpreter."""
        return [sys.executable, "-c", RUN_CLI, *cli_args]


def rev_code(rev: str, dest: Path) -> RevCode:
    """``rev``'s code, exported under dest only while src/ differs from it (otherwise the
    working tree runs the same code and ``src`` is None)."""
    changed = tuple(src_changes(rev))
    short = short_rev(rev)
    src = export_rev(rev, dest) if (changed and short) else None
    return RevCode(rev, short, changed, src)


def driftscope_exe() -> str | None:
    """The installed console script, preferring the one beside this interpreter (its own
    bin/ avoids version-manager shims: pyenv's adds ~0.1 s per call)."""
    beside = Path(sys.executable).with_name("driftscope")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("driftscope")


def machine() -> str:
    """Cores, memory and load, for a benchmark's header."""
    import platform
    from pathlib import Path

    mem = ""
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as f:
            info = dict(line.split(":", 1) for line in f)
        total = int(info["MemTotal"].split()[0]) * 1024
        avail = int(info["MemAvailable"].split()[0]) * 1024
        mem = f"{total / 2**30:.1f} GiB RAM ({avail / 2**30:.1f} GiB available)"
    except (OSError, KeyError, ValueError):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{platform.machine()}, {os.cpu_count()} cores, {mem}, load average {load}"


def load_generator(path: Path) -> ModuleType:
    """The shared W1 generator (``make_table``), imported from its file; SystemExit naming
    the path when it cannot be."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("w1_data", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import the W1 generator {path}; pass --generator PATH")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
