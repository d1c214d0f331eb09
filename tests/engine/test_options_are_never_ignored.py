"""An option the user gave is used, or the report says why not: never dropped without a word."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import driftscope
from driftscope.errors import ConfigError
from driftscope.result import ColumnResult
from driftscope.stats import available

N = 400


def _columns(seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    days = np.datetime64("2026-01-01") + rng.integers(0, 365, N).astype("timedelta64[D]")
    return {
        "num": rng.normal(0, 1, N),
        "cat": rng.choice(["a", "b", "c", "d"], N),
        "pair": rng.choice(["yes", "no"], N),
        "day": days,
        "iso": np.datetime_as_string(days),
        "small": rng.poisson(1.0, N),
    }


def test_a_two_category_method_named_for_a_four_category_column_is_its_error():
    col = driftscope.compare(_columns(0), _columns(1), methods={"cat": "fisher_exact"}).column(
        "cat"
    )
    assert not col.tested
    assert "'fisher_exact'" in col.error
    assert "'cat'" in col.error
    assert "holds 4" in col.error


def test_a_two_category_method_for_every_column_says_where_it_fell_back():
    report = driftscope.compare(_columns(0), _columns(1), methods="fisher_exact")
    cat, pair = report.column("cat"), report.column("pair")
    assert cat.method == "chi2"
    assert "fisher_exact tests two categories" in cat.details["method_fallback"]
    assert pair.method == "fisher_exact"
    assert "method_fallback" not in pair.details


def test_a_method_named_for_a_datetime_column_tests_it():
    report = driftscope.compare(_columns(0), _columns(1), methods={"day": "ks"})
    day = report.column("day")
    assert (str(day.role), day.method, day.error) == ("feature", "ks", None)
    assert day.p_value is not None


def test_a_method_named_for_a_column_the_schema_ignores_is_a_config_error():
    with pytest.raises(ConfigError, match=r"'day'.*\['ks'\].*ignored"):
        driftscope.compare(
            _columns(0), _columns(1), methods={"day": "ks"}, schema={"day": "ignored"}
        )


def test_boolean_set_on_a_continuous_column_is_its_error_not_700_categories():
    col = driftscope.compare(_columns(0), _columns(1), schema={"num": "boolean"}).column("num")
    assert not col.tested
    assert "set to boolean" in col.error
    assert f"holds {2 * N} distinct values" in col.error


def test_datetime_set_on_numbers_is_checked_against_the_values():
    report = driftscope.compare(
        _columns(0), _columns(1), schema={"num": "datetime", "iso": "datetime"}
    )
    assert "set to datetime" in report.column("num").error
    assert "numeric" in report.column("num").error
    assert report.column("iso").error is None  # ISO-8601 text is dates


def _compare(column: str, **options: Any) -> tuple[ColumnResult | None, Exception | None]:
    try:
        report = driftscope.compare(_columns(0), _columns(10), columns=[column], **options)
    except driftscope.DriftscopeError as exc:
        return None, exc
    return report.column(column), None


_KINDS = ("num", "cat", "pair", "day", "small")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    column=st.sampled_from(_KINDS),
    method=st.sampled_from(sorted(available())),
)
def test_a_method_named_for_a_column_decides_it_or_says_why_not(column, method):
    col, refused = _compare(column, methods={column: method})
    if refused is not None:
        assert isinstance(refused, ConfigError)
        assert repr(column) in str(refused)
        assert repr(method) in str(refused)
        return
    assert col is not None
    if col.error is None:
        assert col.method == method
    else:
        assert method in col.error or col.method == method


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    column=st.sampled_from(_KINDS),
    given_type=st.sampled_from(["numeric", "categorical", "boolean", "datetime"]),
    seed=st.integers(0, 3),
)
def test_a_type_the_schema_gives_fits_the_values_or_is_the_columns_error(column, given_type, seed):
    col, refused = _compare(column, schema={column: given_type})
    if refused is not None:  # e.g. text read as numbers: a one-line error naming the column
        assert column in str(refused)
        return
    assert col is not None
    assert str(col.type) == given_type
    if given_type == "boolean" and col.error is None:
        assert col.details["n_categories"] <= 2
    if given_type == "datetime" and column in ("num", "cat", "pair", "small"):
        assert col.error is not None
