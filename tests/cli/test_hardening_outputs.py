"""Issue 11, outputs: devices, pipes and symbolic links are written through, never replaced;
an output never overwrites an input; ``-o -`` is handled on purpose."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftscope.io.atomic import write_bytes_atomic
from tests.cli._helpers import run


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("driftscope: error: "), err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.fixture
def data_csv(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("x,y\n" + "".join(f"{i},{i % 3}\n" for i in range(50)))
    return path


def kind(path: Path) -> str:
    if path.is_symlink():
        return "link"
    mode = path.stat().st_mode
    return "fifo" if stat.S_ISFIFO(mode) else "char" if stat.S_ISCHR(mode) else "file"


def read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with path.open("rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


def test_dev_null_stays_a_device():
    write_bytes_atomic("/dev/null", b"anything")
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_a_named_pipe_is_written_through(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = read_fifo(fifo, got)
    write_bytes_atomic(fifo, b"report")
    thread.join(timeout=10)
    assert got == [b"report"]
    assert kind(fifo) == "fifo"


def test_a_symbolic_link_keeps_its_link_and_its_target_is_replaced(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert write_bytes_atomic(link, b"new") == link
    assert link.is_symlink()
    assert target.read_bytes() == b"new"


def test_a_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    write_bytes_atomic(link, b"new")
    assert link.is_symlink()
    assert (tmp_path / "later.json").read_bytes() == b"new"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kinds=st.lists(st.sampled_from(["new", "file", "link", "link-to-link", "fifo"]), min_size=1),
    data=st.binary(max_size=2_000),
)
def test_every_kind_of_target_keeps_its_kind_and_holds_the_data(tmp_path_factory, kinds, data):
    folder = tmp_path_factory.mktemp("out")
    for i, what in enumerate(kinds):
        path = folder / f"out{i}"
        real = folder / f"real{i}"
        if what == "file":
            path.write_bytes(b"old")
        elif what == "link":
            real.write_bytes(b"old")
            path.symlink_to(real)
        elif what == "link-to-link":
            real.write_bytes(b"old")
            (folder / f"mid{i}").symlink_to(real)
            path.symlink_to(folder / f"mid{i}")
        elif what == "fifo":
            os.mkfifo(path)
        before = kind(path) if what != "new" else "file"
        got: list[bytes] = []
        thread = read_fifo(path, got) if what == "fifo" else None
        write_bytes_atomic(path, data)
        if thread is not None:
            thread.join(timeout=10)
            assert got == [data]
        else:
            assert path.read_bytes() == data
        assert kind(path) == before


def test_profile_refuses_to_overwrite_its_input(capsys, data_csv):
    before = data_csv.read_bytes()
    code, _, err = run(capsys, "profile", str(data_csv), "-o", str(data_csv))
    assert_one_line_error(code, err, "-o/--output", str(data_csv), "input")
    assert data_csv.read_bytes() == before


def test_profile_refuses_to_overwrite_its_bins_or_a_profile_it_merges(capsys, data_csv, tmp_path):
    ref = tmp_path / "ref.dsprof"
    assert run(capsys, "profile", str(data_csv), "-o", str(ref))[0] == 0
    before = ref.read_bytes()
    for argv in (
        ["profile", str(data_csv), "--bins", str(ref), "-o", str(ref)],
        ["profile", str(data_csv), str(ref), "-o", str(ref)],
    ):
        code, _, err = run(capsys, *argv)
        assert_one_line_error(code, err, "input")
    assert ref.read_bytes() == before


@pytest.mark.parametrize("option", ["--json", "-o"], ids=["json", "html"])
def test_report_refuses_to_overwrite_an_input_through_a_link_or_a_glob(
    capsys, data_csv, tmp_path, option
):
    link = tmp_path / "link.csv"
    link.symlink_to(data_csv)
    hard = tmp_path / "hard.csv"
    os.link(data_csv, hard)
    before = data_csv.read_bytes()
    for output, current in ((link, data_csv), (hard, data_csv), (data_csv, tmp_path / "d*.csv")):
        code, _, err = run(capsys, "report", str(data_csv), str(current), option, str(output))
        assert_one_line_error(code, err, "input")
    assert data_csv.read_bytes() == before


def test_report_may_write_beside_its_inputs(capsys, data_csv, tmp_path):
    code, _, err = run(
        capsys, "report", str(data_csv), str(data_csv), "--json", str(tmp_path / "r.json"), "-q"
    )
    assert code == 0, err
    assert (tmp_path / "r.json").is_file()


def test_profile_dash_output_is_a_clear_error(capsys, data_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "profile", str(data_csv), "-o", "-")
    assert_one_line_error(code, err, "-o/--output", "/dev/stdout")
    assert not (tmp_path / "-").exists()


def test_report_dash_html_output_is_a_clear_error(capsys, data_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "report", str(data_csv), str(data_csv), "-o", "-")
    assert_one_line_error(code, err, "-o/--output")
    assert not (tmp_path / "-").exists()


LONG = "x" * 300  # a path component over the 255 bytes file systems allow


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["profile", "{data}", "-o", "{tmp}/" + LONG + ".dsprof"], "File name too long"),
        (["report", "{data}", "{data}", "--json", "{tmp}/" + LONG + ".json"], "too long"),
        (["report", "{data}", "{data}", "-o", "{tmp}/" + LONG + ".html"], "too long"),
        (["report", "{data}", "{data}", "--calibration-cache", "{tmp}/" + LONG], "too long"),
        (["demo", "--output-dir", "{tmp}/" + LONG, "--rows", "100"], "too long"),
    ],
    ids=["profile-output", "json", "html", "calibration-cache", "demo-folder"],
)
def test_an_output_name_over_255_characters_is_one_line(capsys, data_csv, tmp_path, argv, needle):
    words = [w.format(data=data_csv, tmp=tmp_path) for w in argv]
    code, _, err = run(capsys, *words)
    assert_one_line_error(code, err, needle)
