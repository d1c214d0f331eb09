"""Output paths are checked before any data is read: a bad one is one line naming it, exit 2,
and nothing is read or written."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from driftscope.cli import main


@pytest.fixture
def no_reading(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every function that would read the data records its call and fails."""
    import driftscope.engine.compare
    import driftscope.profiling.files
    import driftscope.profiling.stream

    calls: list[str] = []
    for module, name in [
        (driftscope.engine.compare, "compare"),
        (driftscope.profiling.stream, "profile_files"),
        (driftscope.profiling.files, "read_profile"),
    ]:

        @functools.wraps(getattr(module, name))  # keeps the signature, which the help reads
        def read(*_args: object, _name: str = name, **_kwargs: object) -> None:
            calls.append(_name)
            raise AssertionError(f"{_name} was called")

        monkeypatch.setattr(module, name, read)
    return calls


BAD_PATHS = [
    pytest.param("folder", "folder: is a folder", id="a-folder"),
    pytest.param(".", ".: is a folder", id="dot"),
    pytest.param("", "the output path is empty", id="empty"),
    pytest.param(
        "missing/out.x", "missing/out.x: the folder missing does not exist", id="missing-folder"
    ),
]


def files_in(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def assert_refused(code: int, err: str, message: str, option: str | None = None) -> None:
    assert code == 2
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("driftscope: error: "), err
    assert message in err
    if option is not None:  # an empty path has no name: the option is named instead
        assert f"error: {option}: the output path is empty" in err


@pytest.mark.parametrize(("path", "message"), BAD_PATHS)
@pytest.mark.parametrize("option", ["-o", "--json"])
def test_report_refuses_a_bad_output_path_first(
    capsys, monkeypatch, tmp_path, parquet_pair, no_reading, option, path, message
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    before = files_in(tmp_path)
    code = main(["report", *map(str, parquet_pair), option, path])
    named = ("-o/--output" if option == "-o" else "--json") if not path else None
    assert_refused(code, capsys.readouterr().err, message, named)
    assert no_reading == []
    assert files_in(tmp_path) == before


def test_report_checks_the_json_path_even_when_the_html_one_is_good(
    capsys, tmp_path, parquet_pair, no_reading
):
    argv = ["report", *map(str, parquet_pair), "-o", str(tmp_path / "r.html")]
    code = main([*argv, "--json", str(tmp_path / "nowhere" / "r.json")])
    assert_refused(code, capsys.readouterr().err, str(tmp_path / "nowhere" / "r.json"))
    assert no_reading == []
    assert not (tmp_path / "r.html").exists()


def test_report_json_to_stdout_is_not_a_path(capsys, parquet_pair):
    code = main(["report", *map(str, parquet_pair), "--json", "-"])
    assert code == 0, capsys.readouterr().err
    assert not Path("-").exists()


@pytest.mark.parametrize(("path", "message"), BAD_PATHS)
def test_profile_refuses_a_bad_output_path_first(
    capsys, monkeypatch, tmp_path, parquet_pair, no_reading, path, message
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    bins = tmp_path / "ref.dsprof"
    bins.write_bytes(b"DSPROF")  # never read
    before = files_in(tmp_path)
    code = main(["profile", str(parquet_pair[0]), "--bins", str(bins), "-o", path])
    assert_refused(code, capsys.readouterr().err, message, None if path else "-o/--output")
    assert no_reading == []
    assert files_in(tmp_path) == before
