"""`driftscope`: every command's help, the library's defaults in it, the one error handler."""

from __future__ import annotations

import subprocess
import sys

import pytest

import driftscope.cli.report
from driftscope.cli import COMMANDS, main

NAMES = [command.NAME for command in COMMANDS]


def help_of(capsys: pytest.CaptureFixture[str], name: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines anywhere


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_every_command_has_help_with_an_example(capsys, name):
    text = help_of(capsys, name)
    assert f"driftscope {name}" in text
    assert "example" in text
    assert "--debug" in text


def test_the_top_level_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command.NAME in out
        assert command.HELP in " ".join(out.split())


# Each constant is set to a value nobody would type, so a default retyped in the CLI shows.
def test_report_help_shows_the_librarys_choices_and_defaults(capsys, monkeypatch):
    import driftscope._types
    import driftscope.decision
    import driftscope.decision.calibration
    import driftscope.engine.options
    import driftscope.result
    from driftscope._types import ColumnType
    from driftscope.decision import CRAMERS_V, KS_DISTANCE, EffectMeasure

    monkeypatch.setattr(driftscope.decision, "CORRECTIONS", ("holm", "bh", "sidak"))
    monkeypatch.setattr(driftscope.decision, "DEFAULT_CORRECTION", "holm")
    monkeypatch.setattr(driftscope.decision, "KS_DISTANCE", EffectMeasure(KS_DISTANCE.name, 0.041))
    monkeypatch.setattr(driftscope.decision, "CRAMERS_V", EffectMeasure(CRAMERS_V.name, 0.042))
    monkeypatch.setattr(driftscope.engine.options, "DEFAULT_SHARE_THRESHOLD", 0.37)
    monkeypatch.setattr(driftscope.decision.calibration, "DEFAULT_FALSE_ALARM_RATE", 0.013)
    monkeypatch.setattr(driftscope.result, "FAIL_ON", ("drift", "sometimes"))
    monkeypatch.setattr(driftscope._types, "ROLE_OVERRIDES", {"skipme": None})

    text = help_of(capsys, "report")
    assert "--correction {holm,bh,sidak}" in text
    assert "(default holm: Holm)" in text
    assert "KS distance (numeric, default 0.041)" in text
    assert "Cramér's V (categorical, default 0.042)" in text
    assert "share of tested features drifts (default 0.37)" in text
    assert "thresholds (default 0.013)" in text
    assert "--fail-on {drift,sometimes}" in text
    assert f"type ({', '.join(ColumnType)}) or role (skipme)" in text


def test_report_uses_the_defaults_it_shows(monkeypatch):
    import driftscope.engine.options
    from driftscope.cli import _build_parser
    from driftscope.decision import DEFAULT_CORRECTION
    from driftscope.decision.calibration import DEFAULT_FALSE_ALARM_RATE

    monkeypatch.setattr(driftscope.engine.options, "DEFAULT_SHARE_THRESHOLD", 0.37)
    args = _build_parser(["report"]).parse_args(["report", "a.parquet", "b.parquet"])
    assert args.share_threshold == 0.37
    assert args.correction == DEFAULT_CORRECTION
    assert args.false_alarm_rate == DEFAULT_FALSE_ALARM_RATE


def test_profile_help_shows_the_librarys_defaults(capsys, monkeypatch):
    import driftscope.profiling._sketch
    import driftscope.profiling.build
    import driftscope.profiling.parquet
    import driftscope.stats._binning

    monkeypatch.setattr(driftscope.stats._binning, "N_BINS", 17)
    monkeypatch.setattr(driftscope.profiling.build, "MAX_N_BINS", 5555)
    monkeypatch.setattr(driftscope.profiling._sketch, "DEFAULT_K", 333)
    monkeypatch.setattr(driftscope.profiling._sketch, "MIN_K", 9)
    monkeypatch.setattr(driftscope.profiling._sketch, "MAX_K", 4444)
    monkeypatch.setattr(driftscope.profiling.parquet, "PARALLEL_MAX_WORKERS", 6)
    monkeypatch.setattr(driftscope.profiling.parquet, "PARALLEL_MIN_ROWS", 3_500_000)

    text = help_of(capsys, "profile")
    assert "quantile bins of a reference, 2-5555 (default 17)" in text
    assert "accuracy, 9-4444 (default 333)" in text
    assert "(default: CPUs, at most 6, from 3.5M rows)" in text


def test_profile_and_demo_help_show_the_real_defaults(capsys):
    from driftscope.demo import DEFAULT_OUTPUT_DIR, DEFAULT_ROWS, DEFAULT_SEED
    from driftscope.profiling import DEFAULT_K
    from driftscope.stats._binning import N_BINS

    text = help_of(capsys, "profile")
    assert f"(default {N_BINS})" in text
    assert f"(default {DEFAULT_K})" in text
    text = help_of(capsys, "demo")
    assert f"(default {DEFAULT_ROWS})" in text
    assert f"(default {DEFAULT_SEED})" in text
    assert f"./{DEFAULT_OUTPUT_DIR}/report.html" in text


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        pytest.param(["--version"], ["numpy", "pyarrow"], id="version"),
        pytest.param(["--help"], ["numpy", "pyarrow"], id="help"),
        pytest.param(["demo", "--help"], ["driftscope.engine.compare"], id="demo-help"),
    ],
)
def test_starting_the_cli_imports_only_what_the_named_command_needs(argv, absent):
    script = (
        "import sys\n"
        "from driftscope.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {absent!r} if m in sys.modules], file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert proc.stderr.strip().splitlines()[-1] == "[]", proc.stderr


def boom(exc: BaseException):
    def run(*_args: object) -> int:
        raise exc

    return run


def test_a_bug_is_one_line_and_the_traceback_is_on_request(capsys, monkeypatch, parquet_pair):
    monkeypatch.setattr(driftscope.cli.report, "run", boom(ZeroDivisionError("oops")))
    argv = ["report", *map(str, parquet_pair)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == (
        "driftscope: internal error: ZeroDivisionError: oops "
        "(please report it; --debug shows the traceback)\n"
    )
    assert main([*argv, "--debug"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback")
    assert err.endswith("(please report it; --debug shows the traceback)\n")


def test_ctrl_c_ends_with_130(capsys, monkeypatch, parquet_pair):
    monkeypatch.setattr(driftscope.cli.report, "run", boom(KeyboardInterrupt()))
    assert main(["report", *map(str, parquet_pair)]) == 130
    assert capsys.readouterr().err == "driftscope: interrupted\n"


def test_python_dash_m_runs_the_command():
    proc = subprocess.run(
        [sys.executable, "-m", "driftscope.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("driftscope ")
