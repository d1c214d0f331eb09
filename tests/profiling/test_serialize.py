"""to_bytes / from_bytes: exact round trips, payloads of every earlier format version that must
stay readable, and one line naming the problem for every kind of bad payload."""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from driftscope import __version__
from driftscope.errors import ProfileError
from driftscope.profiling import (
    FORMAT_VERSION,
    CategoricalProfile,
    NumericProfile,
    Profile,
    profile,
)

from ._helpers import Row, chunks, exact, moments, profile_rows

# Written by the first release of format version 1, from
# profile({"x": [1.5, None, inf, -2.0], "city": ["Oslo", None, "Rome", "Oslo"]}).
# Every later driftscope must read it to the same values: do not regenerate it.
VERSION_1_PAYLOAD = bytes.fromhex(
    "445350524f4600010000000000000115b503bfb6000000d57b226e5f726f7773223a342c22636f6c756d6e"
    "73223a5b7b226e616d65223a2278222c2274797065223a226e756d65726963222c22636f756e74223a332c"
    "226d697373696e67223a312c226e5f696e66223a312c226d65616e223a2d302e32352c226d32223a362e31"
    "32352c226d696e223a2d322e302c226d6178223a312e357d2c7b226e616d65223a2263697479222c227479"
    "7065223a2263617465676f726963616c222c226d697373696e67223a312c22636f756e7473223a5b5b224f"
    "736c6f222c325d2c5b22526f6d65222c315d5d7d5d7d0000003805010f00c80008000200000000000000c8"
    "000100c600000000000000000000c0000000000000f83f00000000000000c0000000000000f83f"
)

# Written by the first release of format version 2 (histograms, distinct sketches), from
# profile({"x": [1.5, None, inf, -2.0], "n": [3, 1, None, 3],
#          "city": ["Oslo", None, "Rome", "Oslo"]}, k=200). Do not regenerate it either.
VERSION_2_PAYLOAD = bytes.fromhex(
    "445350524f460002000000000000034f57e6c49f000002a37b226e5f726f7773223a342c22636f6c756d6e73"
    "223a5b7b226e616d65223a2278222c2274797065223a226e756d65726963222c22636f756e74223a332c226d"
    "697373696e67223a312c226e5f696e66223a312c226d65616e223a2d302e32352c226d32223a362e3132352c"
    "226d696e223a2d322e302c226d6178223a312e352c22686973746f6772616d223a7b226e5f62696e73223a31"
    "302c226564676573223a5b2d312e36352c2d312e323939393939393939393939393939382c2d302e39352c2d"
    "302e353939393939393939393939393939392c2d302e32352c302e3039393939393939393939393939393837"
    "2c302e34343939393939393939393939393937332c302e383030303030303030303030303030322c312e3135"
    "30303030303030303030303030315d2c22636f756e7473223a5b312c302c302c302c302c302c302c302c302c"
    "315d7d7d2c7b226e616d65223a226e222c2274797065223a226e756d65726963222c22636f756e74223a332c"
    "226d697373696e67223a312c226e5f696e66223a302c226d65616e223a322e33333333333333333333333333"
    "3333352c226d32223a322e363636363636363636363636363636352c226d696e223a312e302c226d6178223a"
    "332e302c22686973746f6772616d223a7b226e5f62696e73223a31302c226564676573223a5b312e342c312e"
    "382c322e322c322e362c332e305d2c22636f756e7473223a5b312c302c302c302c302c325d7d2c22736b6574"
    "63686573223a5b2264697374696e6374225d7d2c7b226e616d65223a2263697479222c2274797065223a2263"
    "617465676f726963616c222c226d697373696e67223a312c22636f756e7473223a5b5b224f736c6f222c325d"
    "2c5b22526f6d65222c315d5d2c22736b657463686573223a5b2264697374696e6374225d7d5d7d0000003805"
    "010f00c80008000200000000000000c8000100c600000000000000000000c0000000000000f83f0000000000"
    "00f83f00000000000000c00000004005010f00c80008000300000000000000c8000100c50000000000000000"
    "00f03f000000000000084000000000000008400000000000000840000000000000f03f000000100201070c03"
    "0802000ba59d0f8e44950a000000100201070c0308020034c14309b050320d"
)

# Written by the first release of format version 3 (binary numbers, type counts), from the same
# profile as VERSION_2_PAYLOAD. Do not regenerate it either.
VERSION_3_PAYLOAD = bytes.fromhex(
    "445350524f46000300000000000003a6c901da6c0000018a7b226e5f726f7773223a342c22636f6c756d6e73"
    "223a5b7b226e616d65223a2278222c2274797065223a226e756d65726963222c22686973746f6772616d223a"
    "5b31302c395d2c22626c6f636b73223a7b227175616e74696c6573223a35362c2264697374696e6374223a31"
    "367d2c22747970655f636f756e7473223a7b22666c6f6174223a337d7d2c7b226e616d65223a226e222c2274"
    "797065223a226e756d65726963222c22686973746f6772616d223a5b31302c355d2c22626c6f636b73223a7b"
    "227175616e74696c6573223a36342c2264697374696e6374223a31367d2c22747970655f636f756e7473223a"
    "7b22696e7465676572223a337d7d2c7b226e616d65223a2263697479222c2274797065223a2263617465676f"
    "726963616c222c226d697373696e67223a312c226c6162656c73223a5b224f736c6f222c22526f6d65225d2c"
    "22626c6f636b73223a7b22636f756e7473223a31362c2264697374696e6374223a31367d2c22747970655f63"
    "6f756e7473223a7b22737472696e67223a337d7d5d7d00000000000000030000000000000001000000000000"
    "0001000000000000000300000000000000010000000000000000bfd00000000000004018800000000000c000"
    "0000000000003ff80000000000004002aaaaaaaaaaab40055555555555553ff0000000000000400800000000"
    "0000bffa666666666666bff4ccccccccccccbfee666666666666bfe3333333333332bfd00000000000003fb9"
    "9999999999903fdcccccccccccc83fe999999999999b3ff26666666666673ff66666666666663ffccccccccc"
    "cccd400199999999999a4004cccccccccccd4008000000000000000000000000000100000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000010000000000000001000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000205010f00c80008000200000000000000c8000100c600"
    "000000000000000000c0000000000000f83f000000000000f83f00000000000000c00201070c030802008c90"
    "4a0422822a1405010f00c80008000300000000000000c8000100c5000000000000000000f03f000000000000"
    "084000000000000008400000000000000840000000000000f03f0201070c030802000ba59d0f8e44950a0000"
    "00000000000200000000000000010201070c0308020034c14309b050320d"
)

PREFIX = struct.Struct(">6sHQI")


def _sample(k: int = 1000) -> Profile:
    return profile(
        {"x": [1.5, None, float("inf"), -2.0], "city": ["Oslo", None, "Rome", "Oslo"]}, k=k
    )


def _fails(data: bytes) -> str:
    with pytest.raises(ProfileError) as info:
        Profile.from_bytes(data)
    message = str(info.value)
    assert "\n" not in message
    return message


def _with_body(body: bytes, version: int = FORMAT_VERSION) -> bytes:
    """A payload around ``body`` with a valid length and checksum."""
    return PREFIX.pack(b"DSPROF", version, len(body), zlib.crc32(body)) + body


def _split(payload: bytes) -> tuple[dict[str, Any], bytes]:
    """The JSON header and the rest of a payload's body."""
    body = payload[PREFIX.size :]
    (n,) = struct.unpack_from(">I", body)
    return json.loads(body[4 : 4 + n]), body[4 + n :]


def _join(header: dict[str, Any], rest: bytes, version: int = 1) -> bytes:
    text = json.dumps(header).encode()
    return _with_body(struct.pack(">I", len(text)) + text + rest, version)


@settings(max_examples=60, deadline=None)
@given(chunks)
def test_round_trip_keeps_every_field_and_sketch(rows: list[Row]) -> None:
    p = profile_rows(rows)
    back = Profile.from_bytes(p.to_bytes())
    assert exact(back) == exact(p)
    assert moments(back) == moments(p)
    for name in p:
        col, col_back = p[name], back[name]
        if isinstance(col, NumericProfile):
            assert isinstance(col_back, NumericProfile)
            assert col_back.sketch.to_bytes() == col.sketch.to_bytes()
            assert col_back.histogram == col.histogram
        assert col_back.type_counts == col.type_counts
        distinct, distinct_back = col.distinct, col_back.distinct
        assert (distinct is None) == (distinct_back is None)
        if distinct is not None and distinct_back is not None:
            # Not the bytes: a sketch in hash-set mode may list its hashes in another order.
            assert distinct_back.estimate == distinct.estimate
            assert distinct_back.bounds() == distinct.bounds()


def test_empty_profile_round_trips() -> None:
    assert Profile.from_bytes(Profile.empty().to_bytes()).is_empty


def test_version_1_payload_stays_readable() -> None:
    assert FORMAT_VERSION == 3  # a reader keeps reading every earlier version
    p = Profile.from_bytes(VERSION_1_PAYLOAD)
    x, city = p["x"], p["city"]
    assert isinstance(x, NumericProfile)
    assert (p.n_rows, x.count, x.missing, x.n_inf) == (4, 3, 1, 1)
    assert (x.mean, x.m2, x.min, x.max) == (-0.25, 6.125, -2.0, 1.5)
    assert x.sketch.n == 2
    assert x.sketch.quantiles([0.0, 1.0]) == [-2.0, 1.5]
    assert isinstance(city, CategoricalProfile)
    assert dict(city.counts) == {"Oslo": 2, "Rome": 1}
    assert city.missing == 1
    assert x.type_counts is None  # not recorded before version 3


def test_wrong_magic_is_not_a_profile() -> None:
    assert _fails(b"PAR1" + bytes(30)) == (
        "Profile.from_bytes: not a driftscope profile (it does not start with b'DSPROF')"
    )


@pytest.mark.parametrize(
    ("cut", "expected"),
    [
        pytest.param(0, "0 of 8 bytes", id="empty"),
        pytest.param(3, "3 of 8 bytes", id="inside_magic"),
        pytest.param(12, "12 of 20 bytes", id="inside_prefix"),
        pytest.param(100, "100 of 297 bytes", id="inside_body"),
        pytest.param(296, "296 of 297 bytes", id="last_byte"),
    ],
)
def test_truncated_payload_says_how_much_is_missing(cut: int, expected: str) -> None:
    assert _fails(VERSION_1_PAYLOAD[:cut]) == (
        f"Profile.from_bytes: the profile is truncated ({expected})"
    )


def test_future_version_asks_for_a_newer_driftscope() -> None:
    # Only the magic and version are read: a newer layout may differ in everything after them.
    payload = b"DSPROF" + struct.pack(">H", FORMAT_VERSION + 1) + b"anything"
    assert _fails(payload) == (
        f"Profile.from_bytes: the profile is in format version {FORMAT_VERSION + 1}, but "
        f"driftscope {__version__} reads versions up to {FORMAT_VERSION}; "
        "upgrade driftscope to read it"
    )


def test_version_zero_is_corrupted() -> None:
    payload = bytearray(VERSION_1_PAYLOAD)
    payload[6:8] = b"\x00\x00"
    assert _fails(bytes(payload)) == (
        "Profile.from_bytes: the profile is corrupted (format version 0 does not exist)"
    )


def test_flipped_byte_fails_the_checksum() -> None:
    payload = bytearray(VERSION_1_PAYLOAD)
    payload[60] ^= 0x01
    assert _fails(bytes(payload)) == (
        "Profile.from_bytes: the profile is corrupted (checksum mismatch)"
    )


def test_trailing_bytes_are_corruption() -> None:
    assert _fails(VERSION_1_PAYLOAD + b"\x00\x00") == (
        "Profile.from_bytes: the profile is corrupted (2 unexpected bytes after the profile)"
    )


def test_unreadable_sketch_names_its_column() -> None:
    header, _ = _split(VERSION_1_PAYLOAD)
    garbage = bytes(range(40))
    message = _fails(_join(header, struct.pack(">I", len(garbage)) + garbage))
    assert message.startswith(
        "Profile.from_bytes: the profile is corrupted (the sketch of column 'x' is unreadable: "
    )


def test_missing_sketch_block_is_corruption() -> None:
    header, _ = _split(VERSION_1_PAYLOAD)
    assert _fails(_join(header, b"")) == (
        "Profile.from_bytes: the profile is corrupted "
        "(malformed contents: a block length runs past the end)"
    )


def test_malformed_header_is_corruption() -> None:
    header, rest = _split(VERSION_1_PAYLOAD)
    header["n_rows"] = -4
    assert _fails(_join(header, rest)) == (
        "Profile.from_bytes: the profile is corrupted "
        "(malformed contents: expected a count; got -4)"
    )


def test_unknown_header_keys_are_ignored() -> None:
    # Additive fields do not need a new format version (see serialize's docstring).
    header, rest = _split(VERSION_1_PAYLOAD)
    header["written_by"] = "a later driftscope"
    assert exact(Profile.from_bytes(_join(header, rest)), kinds=False) == exact(
        _sample(), kinds=False
    )


def _sample_v2() -> Profile:
    """The profile VERSION_2_PAYLOAD and VERSION_3_PAYLOAD hold."""
    return profile(
        {
            "x": [1.5, None, float("inf"), -2.0],
            "n": [3, 1, None, 3],
            "city": ["Oslo", None, "Rome", "Oslo"],
        },
        k=200,
    )


def test_sample_still_encodes_to_the_version_3_payload() -> None:
    # Not a law, a tripwire: if this changes, the format changed and FORMAT_VERSION (or the
    # compatibility note in serialize.py) must say so.
    assert _sample_v2().to_bytes() == VERSION_3_PAYLOAD


@pytest.mark.parametrize("payload", [VERSION_2_PAYLOAD, VERSION_3_PAYLOAD], ids=["v2", "v3"])
def test_version_2_and_3_payloads_stay_readable(payload: bytes) -> None:
    p = Profile.from_bytes(payload)
    x, n, city = p["x"], p["n"], p["city"]
    assert isinstance(x, NumericProfile)
    assert isinstance(n, NumericProfile)
    assert isinstance(city, CategoricalProfile)
    assert exact(p, kinds=False) == exact(_sample_v2(), kinds=False)
    assert (x.mean, x.m2, n.mean, n.m2) == (-0.25, 6.125, 7 / 3, 8 / 3)
    assert x.histogram == _sample_v2()["x"].histogram  # type: ignore[union-attr]
    assert x.sketch.to_bytes() == _sample_v2()["x"].sketch.to_bytes()  # type: ignore[union-attr]
    assert n.distinct is not None
    assert n.distinct.estimate == 2
    assert city.distinct is not None
    assert city.distinct.estimate == city.n_distinct == 2


def test_float_distinct_sketches_are_read_from_version_3_only() -> None:
    # Version 2 kept none for float columns; version 3 keeps one while they have few values.
    assert Profile.from_bytes(VERSION_2_PAYLOAD)["x"].distinct is None
    x = Profile.from_bytes(VERSION_3_PAYLOAD)["x"]
    assert x.distinct is not None
    assert x.distinct.estimate == 2


def test_type_counts_are_read_from_version_3_only() -> None:
    v2, v3 = Profile.from_bytes(VERSION_2_PAYLOAD), Profile.from_bytes(VERSION_3_PAYLOAD)
    assert [v2[name].type_counts for name in v2] == [None, None, None]
    assert [dict(v3[name].type_counts or {}) for name in v3] == [
        {"float": 3},
        {"integer": 3},
        {"string": 3},
    ]


def test_payload_without_histograms_reads_with_none() -> None:
    x = Profile.from_bytes(VERSION_1_PAYLOAD)["x"]
    assert isinstance(x, NumericProfile)
    assert x.histogram is None


def test_histogram_round_trips_exactly() -> None:
    x = Profile.from_bytes(_sample().to_bytes())["x"]
    assert isinstance(x, NumericProfile)
    assert x.histogram == _sample()["x"].histogram  # type: ignore[union-attr]
    assert x.histogram is not None
    # The deciles of the finite values [1.5, -2.0], one value on each side of the middle.
    assert x.histogram.edges == tuple(np.quantile([-2.0, 1.5], np.arange(1, 10) / 10))
    assert x.histogram.counts == (1, 0, 0, 0, 0, 0, 0, 0, 0, 1)


def test_malformed_version_2_histogram_is_corruption() -> None:
    header, rest = _split(VERSION_2_PAYLOAD)
    header["columns"][0]["histogram"]["counts"] = [1, 2]
    assert _fails(_join(header, rest, version=2)) == (
        "Profile.from_bytes: the profile is corrupted (malformed contents: a histogram needs "
        "one count more than its edges; got 2 counts for 9 edges)"
    )


# Where the numeric arrays of VERSION_3_PAYLOAD start in the rest after its header: counts
# (2 columns x 3 uint64), moments (2 x 4 float64), then the edges (9 + 5 float64).
_EDGES_AT = 2 * 3 * 8 + 2 * 4 * 8


def test_version_3_edges_out_of_order_are_corruption() -> None:
    header, rest = _split(VERSION_3_PAYLOAD)
    swapped = rest[_EDGES_AT + 8 : _EDGES_AT + 16] + rest[_EDGES_AT : _EDGES_AT + 8]
    damaged = rest[:_EDGES_AT] + swapped + rest[_EDGES_AT + 16 :]
    assert _fails(_join(header, damaged, version=3)) == (
        "Profile.from_bytes: the profile is corrupted (malformed contents: histogram edges "
        "must be strictly increasing)"
    )


def test_version_3_count_out_of_range_is_corruption() -> None:
    header, rest = _split(VERSION_3_PAYLOAD)
    damaged = b"\xff" * 8 + rest[8:]  # column x's count: 2**64 - 1
    assert _fails(_join(header, damaged, version=3)) == (
        "Profile.from_bytes: the profile is corrupted (malformed contents: a count is out of range)"
    )


def test_version_3_unknown_block_is_corruption() -> None:
    header, rest = _split(VERSION_3_PAYLOAD)
    header["columns"][2]["blocks"]["extra"] = 0
    assert _fails(_join(header, rest, version=3)) == (
        "Profile.from_bytes: the profile is corrupted (malformed contents: categorical column "
        "'city' has blocks ['counts', 'distinct', 'extra'])"
    )


def test_version_3_block_past_the_end_is_corruption() -> None:
    header, rest = _split(VERSION_3_PAYLOAD)
    header["columns"][2]["blocks"]["distinct"] = 17
    assert _fails(_join(header, rest, version=3)) == (
        "Profile.from_bytes: the profile is corrupted (malformed contents: the blocks of column "
        "'city' run past the end)"
    )


def test_version_3_repeated_label_is_corruption() -> None:
    header, rest = _split(VERSION_3_PAYLOAD)
    header["columns"][2]["labels"] = ["Oslo", "Oslo"]
    assert _fails(_join(header, rest, version=3)) == (
        "Profile.from_bytes: the profile is corrupted (malformed contents: a category of "
        "column 'city' appears twice)"
    )


def test_columns_round_trip_in_any_order_of_kinds() -> None:
    # Categorical columns before, between and after numeric ones, each read back as itself.
    p = profile(
        {
            "city": ["Oslo", "Rome", None, "Oslo"],
            "x": [1.0, 2.0, 3.0, None],
            "flag": [True, False, True, True],
            "n": [3, 1, 4, 1],
            "plan": ["a", "b", "b", "b"],
        },
        schema={"n": "numeric"},
    )
    back = Profile.from_bytes(p.to_bytes())
    assert list(back) == list(p)
    assert exact(back) == exact(p)
    assert moments(back) == moments(p)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda h: h["columns"][0].update(blocks=["quantiles"]), id="blocks_list"),
        pytest.param(lambda h: h["columns"].__setitem__(0, "x"), id="column_not_object"),
        pytest.param(lambda h: h["columns"][1].update(histogram=[10]), id="short_histogram"),
        pytest.param(lambda h: h["columns"][2].update(type_counts={"string": -1}), id="kinds"),
        pytest.param(lambda h: h["columns"][2].update(labels="Oslo"), id="labels_string"),
        pytest.param(lambda h: h.update(columns=None), id="no_columns"),
    ],
)
def test_any_malformed_version_3_header_is_one_line(damage: Any) -> None:
    header, rest = _split(VERSION_3_PAYLOAD)
    damage(header)
    assert _fails(_join(header, rest, version=3)).startswith(
        "Profile.from_bytes: the profile is corrupted (malformed contents: "
    )
