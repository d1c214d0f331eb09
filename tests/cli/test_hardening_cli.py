"""Issue 11, the command line's own mistakes: every usage error is one line, bounds are
declared constants, and demo's arguments are checked before any work."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftscope.profiling.build import MAX_N_BINS
from tests.cli._helpers import run

# Options whose value argparse converts (type=int/float): a bad value was a 17-line usage block.
TYPED = [
    ("report", "--share-threshold"),
    ("report", "--false-alarm-rate"),
    ("profile", "--n-bins"),
    ("profile", "--k"),
    ("profile", "--jobs"),
    ("demo", "--rows"),
    ("demo", "--seed"),
]


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("driftscope: error: "), err
    for needle in needles:
        assert needle in err, (needle, err)


def positional(command: str, tmp_path: Path) -> list[str]:
    data = str(tmp_path / "a.csv")
    return {"report": [data, data], "profile": [data, "-o", str(tmp_path / "p.dsprof")]}.get(
        command, []
    )


@pytest.mark.parametrize(("command", "option"), TYPED, ids=[f"{c}{o}" for c, o in TYPED])
def test_a_value_that_is_not_a_number_is_one_line_naming_the_option(
    capsys, tmp_path, command, option
):
    code, _, err = run(capsys, command, *positional(command, tmp_path), option, "abc")
    assert_one_line_error(code, err, option, "'abc'")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    case=st.sampled_from(TYPED),
    text=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1).filter(
        lambda t: not t.startswith("-")
    ),
)
def test_any_text_for_a_typed_option_is_a_result_or_one_line(capsys, tmp_path_factory, case, text):
    command, option = case
    try:
        float(text)
        return  # a number: parsed, then checked by the command (other tests)
    except ValueError:
        pass
    tmp_path = tmp_path_factory.mktemp("typed")
    code, _, err = run(capsys, command, *positional(command, tmp_path), option, text)
    assert_one_line_error(code, err, option)


def test_a_missing_argument_is_one_line(capsys):
    code, _, err = run(capsys, "report", "only-one.csv")
    assert_one_line_error(code, err, "current")


def test_an_unknown_command_is_one_line(capsys):
    code, _, err = run(capsys, "bogus")
    assert_one_line_error(code, err, "bogus")


@pytest.mark.parametrize("n_bins", [1, MAX_N_BINS + 1, 10**8], ids=["one", "above-max", "1e8"])
def test_n_bins_outside_its_declared_range_is_refused_before_reading(capsys, tmp_path, n_bins):
    # The input does not exist: the bound is checked first, so no file is read.
    code, _, err = run(
        capsys, "profile", "missing.csv", "-o", str(tmp_path / "p.dsprof"), "--n-bins", str(n_bins)
    )
    assert_one_line_error(code, err, "--n-bins", str(MAX_N_BINS))


def test_the_library_bounds_n_bins_with_the_same_constant():
    import numpy as np

    from driftscope.errors import ConfigError
    from driftscope.profiling import profile

    with pytest.raises(ConfigError, match=str(MAX_N_BINS)):
        profile({"x": np.arange(10.0)}, n_bins=MAX_N_BINS + 1)
    assert profile({"x": np.arange(10.0)}, n_bins=MAX_N_BINS)["x"].count == 10


def test_demo_output_dir_that_is_a_file_is_one_line(capsys, tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    code, _, err = run(capsys, "demo", "--output-dir", str(a_file), "--rows", "100")
    assert_one_line_error(code, err, str(a_file), "not a folder")
    assert a_file.read_text() == "x"


@pytest.mark.parametrize(
    ("option", "value"), [("--seed", "-1"), ("--rows", "5")], ids=["negative-seed", "too-few-rows"]
)
def test_demo_arguments_out_of_range_are_one_line(capsys, tmp_path, option, value):
    code, _, err = run(capsys, "demo", "--output-dir", str(tmp_path / "d"), option, value)
    assert_one_line_error(code, err, option, value)
    assert not (tmp_path / "d").exists()


def test_the_demo_library_refuses_a_negative_seed():
    from driftscope.demo import credit_scenario
    from driftscope.errors import ConfigError

    with pytest.raises(ConfigError, match="'seed'"):
        credit_scenario(rows=100, seed=-1)


IMPORTANCE_FILES = {
    "400-digit-integer": ('{"x": 1' + "0" * 400 + "}", "beyond any float"),
    "5000-digit-integer": ('{"x": 1' + "0" * 5000 + "}", "not valid JSON"),
    "nested-100k": ("[" * 100_000 + "]" * 100_000, "nested too deep"),
    "nan": ('{"x": NaN}', "not valid JSON"),
    "negative": ('{"x": -1}', "finite number >= 0"),
    "not-utf8": (b'{"x": 1, "\xff": 2}', "not valid JSON"),
}


@pytest.fixture
def two_columns(tmp_path: Path) -> Path:
    path = tmp_path / "d.csv"
    path.write_text("x,y\n" + "".join(f"{i},{i % 7}\n" for i in range(60)))
    return path


@pytest.mark.parametrize("case", list(IMPORTANCE_FILES), ids=list(IMPORTANCE_FILES))
def test_an_unusable_importance_file_is_one_line_naming_it(capsys, tmp_path, two_columns, case):
    text, needle = IMPORTANCE_FILES[case]
    path = tmp_path / "imp.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    code, _, err = run(
        capsys, "report", str(two_columns), str(two_columns), "--importance", str(path), "-q"
    )
    assert_one_line_error(code, err, str(path), needle)


@pytest.mark.parametrize("which", ["fifo", "dev-zero"])
def test_an_importance_file_that_is_not_a_file_does_not_block(capsys, tmp_path, two_columns, which):
    import os

    path = tmp_path / "imp.json"
    if which == "fifo":
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    code, _, err = run(
        capsys, "report", str(two_columns), str(two_columns), "--importance", str(path), "-q"
    )
    assert_one_line_error(code, err, str(path), "not a file")


@pytest.mark.parametrize(
    ("header", "name"),
    [("a,a,b", "'a'"), ("x,y,x,y", "'x'")],
    ids=["first-twice", "two-pairs"],
)
def test_profile_refuses_a_csv_with_a_column_name_twice(capsys, tmp_path, header, name):
    path = tmp_path / "dup.csv"
    path.write_text(header + "\n" + ",".join("1" * len(header.split(","))) + "\n")
    code, _, err = run(capsys, "profile", str(path), "-o", str(tmp_path / "p.dsprof"))
    assert_one_line_error(code, err, str(path), "duplicate column name", name)


def test_profile_refuses_a_later_input_with_a_column_name_twice(capsys, tmp_path):
    good, bad = tmp_path / "a.csv", tmp_path / "b.csv"
    good.write_text("a,b\n1,2\n")
    bad.write_text("a,b,a\n1,2,3\n")
    code, _, err = run(capsys, "profile", str(good), str(bad), "-o", str(tmp_path / "p.dsprof"))
    assert_one_line_error(code, err, str(bad), "duplicate column name 'a'")


def test_profile_refuses_parquet_with_a_column_name_twice(capsys, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dup.parquet"
    pq.write_table(pa.table([pa.array([1.0, 2.0]), pa.array([3.0, 4.0])], names=["a", "a"]), path)
    code, _, err = run(capsys, "profile", str(path), "-o", str(tmp_path / "p.dsprof"))
    assert_one_line_error(code, err, str(path), "duplicate column name 'a'")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=6))
def test_any_header_profiles_or_names_the_repeated_column(capsys, tmp_path_factory, names):
    folder = tmp_path_factory.mktemp("header")
    path = folder / "h.csv"
    path.write_text(",".join(names) + "\n" + ",".join(str(i) for i in range(len(names))) + "\n")
    code, out, err = run(capsys, "profile", str(path), "-o", str(folder / "p.dsprof"))
    if len(set(names)) == len(names):
        assert code == 0, err
        assert f"{len(names)} columns" in out
    else:
        assert_one_line_error(code, err, "duplicate column name")


@pytest.mark.parametrize("text", ["a,b\n", ""], ids=["header-only", "empty"])
def test_profile_of_no_rows_is_one_line_instead_of_an_empty_profile(capsys, tmp_path, text):
    path = tmp_path / "h.csv"
    path.write_text(text)
    out = tmp_path / "p.dsprof"
    code, _, err = run(capsys, "profile", str(path), "-o", str(out))
    assert_one_line_error(code, err, str(path))
    assert not out.exists()


@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib", "no-such-codec"])
def test_profile_refuses_an_encoding_that_is_not_text_naming_the_option(
    capsys, tmp_path, two_columns, encoding
):
    code, _, err = run(
        capsys,
        "profile",
        str(two_columns),
        "-o",
        str(tmp_path / "p.dsprof"),
        "--encoding",
        encoding,
    )
    assert_one_line_error(code, err, "--encoding", repr(encoding))


def test_an_unusable_calibration_cache_is_an_error_up_front(capsys, tmp_path, two_columns):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for folder in (a_file, a_file / "sub", ""):
        code, _, err = run(
            capsys,
            "report",
            str(two_columns),
            str(two_columns),
            "--calibration-cache",
            str(folder),
            "-q",
        )
        assert_one_line_error(code, err, "--calibration-cache")


def test_an_unwritable_calibration_cache_is_an_error_up_front(
    capsys, tmp_path, two_columns, monkeypatch
):
    import os

    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)  # as a non-root user
    code, _, err = run(
        capsys,
        "report",
        str(two_columns),
        str(two_columns),
        "--calibration-cache",
        str(tmp_path),
        "-q",
    )
    assert_one_line_error(code, err, "--calibration-cache", "not writable")


def test_a_calibration_cache_folder_still_to_make_is_accepted(capsys, tmp_path, two_columns):
    code, _, err = run(
        capsys,
        "report",
        str(two_columns),
        str(two_columns),
        "--calibration-cache",
        str(tmp_path / "new" / "cache"),
        "-q",
    )
    assert code == 0, err


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**400), 10**400)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=json_values | st.dictionaries(st.sampled_from(["x", "y", "z"]), json_values, max_size=3)
)
def test_any_json_as_importances_is_a_report_or_one_line(capsys, tmp_path_factory, value):
    import json

    folder = tmp_path_factory.mktemp("imp")
    data = folder / "d.csv"
    data.write_text("x,y\n" + "".join(f"{i},{i % 7}\n" for i in range(60)))
    path = folder / "imp.json"
    path.write_text(json.dumps(value))
    code, _, err = run(capsys, "report", str(data), str(data), "--importance", str(path), "-q")
    if code != 0:
        assert_one_line_error(code, err)


@given(n_bins=st.integers(-(10**12), 10**12))
def test_n_bins_is_accepted_exactly_within_its_declared_range(n_bins):
    from driftscope.errors import ConfigError
    from driftscope.profiling.build import check_n_bins

    if 2 <= n_bins <= MAX_N_BINS:
        check_n_bins(n_bins)
    else:
        with pytest.raises(ConfigError, match="n_bins"):
            check_n_bins(n_bins)
