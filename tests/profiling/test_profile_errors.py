"""Building and merging profiles: what each column gets, and one line for every refusal."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa
import pytest

from driftscope.errors import ConfigError, DriftscopeError, ProfileError, SchemaError
from driftscope.profiling import CategoricalProfile, NumericProfile, Profile, profile


def _message(error: type[DriftscopeError], call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(error) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    message = str(info.value)
    assert "\n" not in message
    return message


def test_arrow_table_and_dict_give_the_same_profile() -> None:
    data = {"x": [1.0, None, 3.0], "city": ["a", "b", None], "flag": [True, None, True]}
    from_dict, from_table = profile(data), profile(pa.table(data))
    for p in (from_dict, from_table):
        x, city, flag = p["x"], p["city"], p["flag"]
        assert isinstance(x, NumericProfile)
        assert isinstance(city, CategoricalProfile)
        assert isinstance(flag, CategoricalProfile)
        assert (x.count, x.missing, x.mean, x.min, x.max) == (2, 1, 2.0, 1.0, 3.0)
        assert (dict(city.counts), city.missing) == ({"a": 1, "b": 1}, 1)
        assert (dict(flag.counts), flag.missing, str(flag.column_type)) == (
            {"True": 2},
            1,
            "boolean",
        )


def test_numpy_nan_and_inf_are_missing_and_infinite() -> None:
    x = profile({"x": np.array([np.nan, np.inf, -np.inf, 2.0])})["x"]
    assert isinstance(x, NumericProfile)
    assert (x.count, x.missing, x.n_inf, x.n_finite, x.mean, x.variance) == (3, 1, 2, 1, 2.0, None)
    assert x.sketch.n == 1


def test_schema_overrides_types_and_leaves_columns_out() -> None:
    schema = {"zip": "categorical", "user_id": "id"}
    p = profile({"zip": [1, 2, 2], "user_id": [7, 8, 9]}, schema=schema)
    assert p.column_names == ("zip",)
    zip_codes = p["zip"]
    assert isinstance(zip_codes, CategoricalProfile)
    assert dict(zip_codes.counts) == {"1": 1, "2": 2}


def test_profile_is_immutable() -> None:
    p = profile({"x": [1.0], "city": ["a"]})
    with pytest.raises(TypeError):
        p.columns["y"] = p["x"]  # type: ignore[index]
    city = p["city"]
    assert isinstance(city, CategoricalProfile)
    with pytest.raises(TypeError):
        city.counts["a"] = 2  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.n_rows = 2  # type: ignore[misc]


def test_merging_different_columns_names_them() -> None:
    a = profile({"x": [1.0], "y": [2.0]})
    b = profile({"x": [1.0], "z": ["a"]})
    assert _message(ProfileError, a.merge, b) == (
        "Profile.merge: the profiles have different columns (only in the left: 'y'; "
        "only in the right: 'z'); profile the same columns on both sides, with the same "
        "schema (a part can infer a column differently: all missing, or looking like an id "
        "there)"
    )


def test_merging_a_column_whose_type_differs_names_it() -> None:
    a = profile({"x": [1.0, 2.0]})
    b = profile({"x": ["a", "b"]})
    assert _message(ProfileError, a.merge, b) == (
        "Profile.merge: column 'x' is numeric in one profile but categorical in another; "
        "profile all of them with the same schema"
    )


def test_merge_with_something_else_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="can only merge a Profile with a Profile; got int"):
        Profile.empty().merge(3)  # type: ignore[arg-type]


def test_text_columns_are_not_profiled_yet() -> None:
    notes = [f"free text number {i} with several words" for i in range(20)]
    assert _message(SchemaError, profile, {"notes": notes}) == (
        "profile: column 'notes' looks like free text, which profiles do not summarise yet; "
        "set its type to 'categorical' or 'ignored' in the schema"
    )


def test_schema_column_not_in_the_data() -> None:
    assert _message(ConfigError, profile, {"x": [1.0]}, schema={"y": "numeric"}) == (
        "schema: column 'y' is not in the data"
    )


def test_schema_with_an_unknown_type() -> None:
    assert _message(ConfigError, profile, {"x": [1.0]}, schema={"x": "nmeric"}).startswith(
        "schema: column 'x' has type 'nmeric'; valid types are numeric, "
    )


@pytest.mark.parametrize("k", [pytest.param(7, id="too_small"), pytest.param(True, id="bool")])
def test_bad_sketch_size(k: object) -> None:
    assert _message(ConfigError, profile, {"x": [1.0]}, k=k) == (
        f"profile: parameter 'k' must be an integer in [8, 65535]; got {k!r}"
    )


def test_identifier_columns_are_left_out_unless_typed() -> None:
    ids = [f"user-{i:06d}" for i in range(5000)]
    data = {"user_id": ids, "x": np.arange(5000.0)}
    assert set(profile(data).columns) == {"x"}
    typed = profile(data, schema={"user_id": "categorical"})
    assert set(typed.columns) == {"user_id", "x"}


def test_huge_values_keep_a_finite_mean_and_say_when_the_variance_overflows() -> None:
    # Past 2**500 the moments are computed on values divided by a power of two (exact), as
    # the raw-data path does: the mean stays finite; m2 past float64's range is inf, with no
    # numpy warning (the suite turns warnings into errors), and the methods that need the
    # variance say so for that column instead of deciding on an inf.
    import driftscope as ds
    from driftscope.stats._scaling import mean_std

    rng = np.random.default_rng(4)
    ref, cur = rng.normal(0, 1, 400) * 2.0**600, rng.normal(0, 1, 400) * 2.0**600
    a = profile({"x": ref}, k=8)
    col = a["x"]
    assert isinstance(col, NumericProfile)
    assert col.mean == pytest.approx(mean_std(np.sort(ref))[0], rel=1e-12)
    assert col.m2 == np.inf
    merged = (a + profile({"x": cur}, k=8))["x"]
    assert isinstance(merged, NumericProfile)
    assert merged.m2 == np.inf
    assert np.isfinite(merged.mean)
    b = profile({"x": cur}, bins=a, k=8)
    for method in ("t_test", "wasserstein"):
        res = ds.compare(a, b, methods=method, calibrate=False).columns[0]
        assert res.error is not None
        assert res.error.startswith(f"column 'x': {method}: the reference")
        assert "variance" in res.error
        assert res.error.endswith("compare raw data, or use ks")
    ks = ds.compare(a, b, methods="ks", calibrate=False).columns[0]
    assert ks.error is None
    assert ks.details["approximate"]


def test_a_constant_column_has_its_value_as_mean_and_no_spread() -> None:
    col = profile({"x": np.full(3, 0.1)})["x"]  # numpy's mean of these is 0.10000000000000002
    assert isinstance(col, NumericProfile)
    assert (col.mean, col.m2) == (0.1, 0.0)
