"""Inputs that used to crash or give a silently wrong answer: each gives the right one now."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import driftscope
from driftscope import ConfigError, InputError


def _cities(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return rng.choice(["Zürich", "Genève", "Köln", "Bern"], n).tolist()


def _write_csv(path, cities: list[str], encoding: str) -> None:
    rows = "".join(f"{i},{city}\n" for i, city in enumerate(cities))
    path.write_bytes(("n,city\n" + rows).encode(encoding))


def test_a_pandas_series_is_a_one_line_error():
    with pytest.raises(InputError, match=r"^<pandas.Series>: a pandas Series is one column"):
        driftscope.compare(pd.Series([1.0, 2.0]), {"x": [1.0, 2.0]})


def test_each_side_has_its_own_encoding(tmp_path):
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    _write_csv(ref, _cities(2000, 1), "utf-8")
    _write_csv(cur, _cities(2000, 2), "latin-1")
    right = driftscope.compare(str(ref), str(cur), encoding={"current": "latin-1"})
    assert not right.column("city").drifted
    assert right.column("city").current_stats["categories"] == 4
    assert not [q for q in right.quality if q.check == "encoding_mismatch"]


def test_a_utf8_file_read_as_latin1_is_reported_not_silently_garbled(tmp_path):
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    _write_csv(ref, _cities(2000, 1), "utf-8")
    _write_csv(cur, _cities(2000, 2), "latin-1")
    wrong = driftscope.compare(str(ref), str(cur), encoding="latin-1")
    [finding] = [q for q in wrong.quality if q.check == "encoding_mismatch"]
    assert finding.severity == "warning"
    assert str(ref) in finding.message
    assert "valid UTF-8" in finding.message
    assert wrong.fails("quality")


def test_unknown_and_non_text_encodings_are_config_errors(tmp_path):
    path = tmp_path / "a.csv"
    _write_csv(path, _cities(10, 1), "utf-8")
    for name in ("rot13", "base64", "no-such-codec"):
        with pytest.raises(ConfigError, match="a text encoding Python knows"):
            driftscope.compare(str(path), str(path), encoding=name)
    with pytest.raises(ConfigError, match="encoding"):
        driftscope.compare(str(path), str(path), encoding={"curent": "latin-1"})


def test_a_semicolon_separated_file_reads_with_its_delimiter(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("price;city\n1,5;Bern\n2,5;Köln\n" * 50)
    report = driftscope.compare(str(path), str(path), delimiter=";")
    assert [c.name for c in report.columns] == ["price", "city"]
    with pytest.raises(ConfigError, match="delimiter"):
        driftscope.compare(str(path), str(path), delimiter=";;")


def test_probability_columns_are_model_outputs_with_their_class():
    rng = np.random.default_rng(0)
    n = 3000

    def side(shift: float) -> dict:
        return {"x": rng.normal(0, 1, n), "p_cat": rng.beta(2 + shift, 5, n), "y": rng.random(n)}

    report = driftscope.compare(side(0), side(3), probability={"cat": "p_cat"})
    col = report.column("p_cat")
    assert str(col.role) == "prediction"
    assert col.drifted
    assert report.options["probability"] == {"cat": "p_cat"}
    assert report.to_dict()["options"]["probability"] == {"cat": "p_cat"}
    assert report.drifted_model_columns == ["p_cat"]
    with pytest.raises(ConfigError, match="given for two classes"):
        driftscope.compare(side(0), side(0), probability={"a": "p_cat", "b": "p_cat"})


def test_a_target_missing_from_current_is_noted():
    rng = np.random.default_rng(1)
    ref = {"x": rng.normal(0, 1, 500), "y": rng.integers(0, 3, 500)}
    cur = {"x": rng.normal(0, 1, 500)}
    report = driftscope.compare(ref, cur, target="y")
    [note] = [q for q in report.quality if q.check == "target_missing"]
    assert note.severity == "info"
    assert "label shift is not tested" in note.message
    assert not report.fails("quality")


def test_a_zero_one_integer_column_is_tested_as_a_flag():
    rng = np.random.default_rng(2)
    ref = {"churned": rng.integers(0, 2, 4000), "visits": rng.poisson(3, 4000)}
    cur = {"churned": (rng.random(4000) < 0.6).astype(np.int64), "visits": rng.poisson(3, 4000)}
    report = driftscope.compare(ref, cur)
    flag = report.column("churned")
    assert (str(flag.type), flag.method) == ("boolean", "z_proportion")
    assert report.column("visits").method == "ks"
    # a count that is 0/1 on one side only stays numeric, tested on its three values' counts
    mixed = driftscope.compare(ref, {**cur, "churned": rng.integers(0, 3, 4000)})
    assert str(mixed.column("churned").type) == "numeric"
    assert mixed.column("churned").method == "chi2"


def test_a_year_column_that_moved_past_the_reference_gets_a_hint():
    rng = np.random.default_rng(3)
    ref = pa.table({"year": rng.integers(2019, 2022, 3000), "x": rng.normal(0, 1, 3000)})
    cur = pa.table({"year": np.full(3000, 2024), "x": rng.normal(0, 1, 3000)})
    report = driftscope.compare(ref, cur)
    [hint] = [q for q in report.quality if q.check == "disjoint_values"]
    assert hint.column == "year"
    assert "--type year=timestamp" in hint.message
    assert "2019 to 2021" in hint.message
    # a continuous shift within overlapping ranges gets no such hint
    assert not [q for q in report.quality if q.column == "x" and q.check == "disjoint_values"]
