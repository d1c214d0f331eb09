"""``driftscope init``: the commented file it writes loads, and it never overwrites by accident."""

from __future__ import annotations

import subprocess
import sys

import pytest

from driftscope.cli import main
from driftscope.monitor import LogChannel, load_config


def test_the_written_file_loads_with_no_environment_variables(tmp_path, capsys):
    assert main(["init", str(tmp_path)]) == 0
    path = tmp_path / "driftscope.yaml"
    assert capsys.readouterr().out == f"{path}\n"
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reference.parquet").touch()
    config = load_config(path, env={})
    assert config.project == tmp_path.name  # pytest names it with [a-z0-9_] only
    assert config.reference == tmp_path / "data" / "reference.parquet"
    assert config.logs.path == str(tmp_path / "logs")
    assert config.columns.timestamp == "timestamp"
    assert config.store == f"sqlite:///{tmp_path}/driftscope.db"
    assert config.checks.fail_on == "major"
    assert config.alerts.channels == {
        "alert-log": LogChannel(type="log", path=tmp_path / "alerts.jsonl")
    }
    assert [rule.channels for rule in config.alerts.rules] == [("alert-log",)]


def test_every_key_is_explained_in_a_comment(tmp_path):
    main(["init", str(tmp_path)])
    text = (tmp_path / "driftscope.yaml").read_text()
    for key in ("project", "reference", "logs", "columns", "window", "store", "checks"):
        line = text.index(f"\n{key}:")
        assert text[:line].rstrip().rsplit("\n", 1)[-1].startswith("#"), key
    for key in ("id", "target", "prediction", "probability", "features", "kpis", "sql"):
        assert f"# {key}: " in text, key
    for kind in ("slack", "pagerduty", "webhook", "email", "log"):
        assert f"{kind} {{" in text or f"type: {kind}" in text, kind


def test_reference_and_logs_are_recorded_relative_to_the_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "train.csv").touch()
    assert main(["init", "project", "--reference", "shared/train.csv", "--logs", "in/*.csv"]) == 0
    config = load_config(tmp_path / "project" / "driftscope.yaml", env={})
    assert config.reference == tmp_path / "shared" / "train.csv"
    assert config.logs.path == str(tmp_path / "in" / "*.csv")
    assert config.project == "project"
    assert capsys.readouterr().out == "project/driftscope.yaml\n"


def test_an_existing_file_is_kept_unless_forced(tmp_path, capsys):
    path = tmp_path / "driftscope.yaml"
    path.write_text("mine\n")
    assert main(["init", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"driftscope: error: {path} exists; use --force to replace it\n"
    )
    assert path.read_text() == "mine\n"
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert path.read_text().startswith("# driftscope monitoring project")


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("Fraud Model", "fraud-model"),
        ("credit_v2", "credit_v2"),
        ("___", "___"),
        ("ÉÉ", "my-model"),
    ],
    ids=["spaces_and_capitals", "underscore_kept", "underscores_only", "nothing_left"],
)
def test_the_project_name_comes_from_the_folder(tmp_path, folder, expected):
    from driftscope.cli.init import project_name

    assert project_name(tmp_path / folder) == expected


def test_init_runs_as_a_real_command(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "driftscope", "init", str(tmp_path / "new")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'new' / 'driftscope.yaml'}\n"
    again = subprocess.run(
        [sys.executable, "-m", "driftscope", "init", str(tmp_path / "new")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1
    assert "exists; use --force" in again.stderr
