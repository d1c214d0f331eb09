"""Issue 11: a ``.dsprof`` whose checksum is right but whose contents no data could have
produced, a header nested thousands deep, and files that are not files (a FIFO,
``/dev/zero``) are refused with one line naming the file and the problem."""

from __future__ import annotations

import dataclasses
import json
import os
import struct
import threading
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.cli import main
from driftscope.errors import InputError, ProfileError
from driftscope.profiling import Profile, profile
from driftscope.profiling.files import read_profile, write_profile
from driftscope.profiling.serialize import decode, encode, merge_payloads

from ._helpers import chunks, profile_rows


def base() -> Profile:
    rng = np.random.default_rng(0)
    return profile({"x": rng.normal(size=200), "city": rng.choice(["a", "b", "c"], 200)})


def with_column(p: Profile, name: str, **change: Any) -> Profile:
    """``p`` with column ``name``'s fields changed, encoded with a correct checksum."""
    return Profile(p.n_rows, {**p.columns, name: dataclasses.replace(p[name], **change)})


IMPOSSIBLE = {
    "more-missing-than-rows": ("x", {"missing": 10_000}, "missing, more than the profile's"),
    "min-above-max": ("x", {"min": 50.0, "max": -50.0}, "minimum 50.0 and maximum -50.0"),
    "nan-mean": ("x", {"mean": float("nan")}, "NaN mean"),
    "mean-outside-range": ("x", {"mean": 1e6}, "outside its range"),
    "nan-min": ("x", {"min": float("nan")}, "minimum nan"),
    "negative-m2": ("x", {"m2": -1.0}, "sum of squares"),
    "count-not-sketch": ("x", {"count": 3}, "quantile sketch"),
    "categorical-missing": ("city", {"missing": 10_000}, "more than the profile's"),
}


@pytest.mark.parametrize("case", list(IMPOSSIBLE), ids=list(IMPOSSIBLE))
def test_impossible_contents_with_a_right_checksum_are_refused(tmp_path, case):
    column, change, needle = IMPOSSIBLE[case]
    path = tmp_path / "bad.dsprof"
    path.write_bytes(encode(with_column(base(), column, **change)))
    with pytest.raises(ProfileError) as info:
        read_profile(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert repr(column) in message
    assert needle in message


def test_negative_counts_are_refused():
    data = bytearray(encode(base()))
    body = memoryview(data)[20:]
    (header,) = struct.unpack_from(">I", body)
    struct.pack_into(">q", body, 4 + header + 8, -5)  # the first numeric column's missing
    data[16:20] = struct.pack(">I", zlib.crc32(body))
    with pytest.raises(ProfileError, match="out of range"):
        decode(bytes(data))


def test_impossible_parts_are_refused_when_merged_too():
    good, bad = encode(base()), encode(with_column(base(), "x", min=9.0, max=-9.0))
    with pytest.raises(ProfileError, match=r"part 1 of the merge"):
        merge_payloads([good, bad])


def deep_header(depth: int) -> bytes:
    data = encode(base())
    body = data[20:]
    (length,) = struct.unpack_from(">I", body)
    header = json.loads(bytes(body[4 : 4 + length]))
    text = json.dumps({**header, "extra": None}).replace(
        '"extra": null', '"extra": ' + "[" * depth + "]" * depth
    )
    new = struct.pack(">I", len(text)) + text.encode() + body[4 + length :]
    return b"DSPROF" + struct.pack(">HQI", 3, len(new), zlib.crc32(new)) + new


@pytest.mark.parametrize("depth", [10, 100_000], ids=["shallow", "100k-deep"])
def test_a_header_nested_deep_is_refused_in_one_line(tmp_path, depth):
    path = tmp_path / "deep.dsprof"
    path.write_bytes(deep_header(depth))
    if depth == 10:  # unknown header keys are ignored
        assert read_profile(path).n_rows == 200
        return
    with pytest.raises(ProfileError) as info:
        read_profile(path)
    assert str(path) in str(info.value)
    assert "recursion" in str(info.value)


@settings(max_examples=40, deadline=None)
@given(parts=st.lists(chunks, min_size=1, max_size=4))
def test_every_profile_of_data_and_its_merges_read_back(parts):
    # The checks refuse no profile that data produced, merged in any grouping.
    profiles = [profile_rows(part) for part in parts]
    merged = Profile.merge_all(profiles)
    for p in [*profiles, merged]:
        assert decode(encode(p)).n_rows == p.n_rows
    assert merge_payloads([encode(p) for p in profiles]).n_rows == merged.n_rows


@settings(max_examples=60, deadline=None)
@given(
    field=st.sampled_from(["count", "missing", "n_inf", "mean", "m2", "min", "max"]),
    value=st.one_of(
        st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=True, allow_infinity=True)
    ),
)
def test_any_change_to_a_numeric_column_is_read_only_when_possible(field, value):
    p = base()
    kind = int if field in ("count", "missing", "n_inf") else float
    if (kind is int) != isinstance(value, int):
        return
    try:
        data = encode(with_column(p, "x", **{field: value}))
    except (OverflowError, ValueError):
        return  # not even writable
    try:
        back = decode(data)["x"]
    except ProfileError as exc:
        message = str(exc)
        assert "\n" not in message
        return
    # What was read is possible: counts add up and the moments describe some data.
    assert back.count + back.missing <= p.n_rows
    assert back.sketch.n == back.count - back.n_inf
    if back.n_finite:
        assert back.min is not None
        assert back.max is not None
        assert back.mean is not None
        assert back.min <= back.max
        assert not np.isnan(back.mean)
        assert back.m2 >= 0


# --- files that are not files -------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.dsprof"
    os.mkfifo(path)
    return path


def assert_no_block(call: Any, *args: Any) -> BaseException:
    """Run ``call`` in a thread; it must end within 10 s with an exception, which is returned."""
    caught: list[BaseException] = []

    def target() -> None:
        try:
            call(*args)
        except BaseException as exc:  # returned to the test
            caught.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "blocked"
    assert caught
    return caught[0]


@pytest.mark.parametrize("which", ["fifo", "dev-zero", "folder"])
def test_a_profile_that_is_not_a_regular_file_is_refused_without_reading(tmp_path, fifo, which):
    path = {"fifo": fifo, "dev-zero": Path("/dev/zero"), "folder": tmp_path}[which]
    exc = assert_no_block(read_profile, path)
    assert isinstance(exc, InputError)
    assert str(path) in str(exc)
    assert "not a file" in str(exc)


def test_a_profile_over_the_cap_is_refused(tmp_path, monkeypatch):
    import driftscope.profiling.files

    path = write_profile(base(), tmp_path / "p.dsprof")
    monkeypatch.setattr(driftscope.profiling.files, "MAX_PROFILE_BYTES", 100)
    with pytest.raises(InputError, match="larger than 100 bytes"):
        read_profile(path)


@pytest.mark.parametrize("role", ["bins", "input", "report"])
def test_the_cli_refuses_a_fifo_profile_in_one_line(capsys, tmp_path, fifo, role):
    data = tmp_path / "d.csv"
    data.write_text("x\n" + "".join(f"{i}\n" for i in range(30)))
    out = str(tmp_path / "o.dsprof")
    argv = {
        "bins": ["profile", str(data), "--bins", str(fifo), "-o", out],
        "input": ["profile", str(data), str(fifo), "-o", out],
        "report": ["report", str(fifo), str(data)],
    }[role]
    exc = assert_no_block(lambda: (_ for _ in ()).throw(SystemExit(main(argv))))
    assert isinstance(exc, SystemExit)
    assert exc.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert str(fifo) in err
    assert "named pipe" in err
