"""Every supported input kind reads into the same values."""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope._types import ColumnType
from driftscope.io import Dataset, infer_type, read_dataset

BASE: dict[str, list[Any]] = {
    "x": [1.5, None, -2.0, 4.25, 0.0, 3.0],
    "n": [1, 2, None, 4, 5, 6],
    "city": ["Oslo", None, "Rome", "Oslo", "Lima", "Rome"],
    "flag": [True, False, None, True, True, False],
}
EXPECTED_TYPES = {
    "x": ColumnType.NUMERIC,
    "n": ColumnType.NUMERIC,
    "city": ColumnType.CATEGORICAL,
    "flag": ColumnType.BOOLEAN,
}


def _plain(column: pa.ChunkedArray) -> list[Any]:
    """Python values with dictionaries decoded and NaN shown as None."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return [None if isinstance(v, float) and math.isnan(v) else v for v in column.to_pylist()]


def _csv_text(sep: str = ",") -> str:
    def cell(v: Any) -> str:
        if v is None:
            return ""
        return str(v).lower() if isinstance(v, bool) else str(v)

    rows = [sep.join(BASE)]
    rows += [sep.join(cell(BASE[c][i]) for c in BASE) for i in range(6)]
    return "\n".join(rows) + "\n"


def _jsonl_text() -> str:
    return "".join(json.dumps({c: BASE[c][i] for c in BASE}) + "\n" for i in range(6))


def _pandas_nullable(tmp: Path) -> object:
    return pd.DataFrame(
        {
            "x": pd.Series(BASE["x"], dtype="float64"),  # None becomes NaN
            "n": pd.array(BASE["n"], dtype="Int64"),
            "city": pd.Categorical(BASE["city"]),
            "flag": pd.array(BASE["flag"], dtype="boolean"),
        }
    )


def _pandas_object(tmp: Path) -> object:
    city = [np.nan if v is None else v for v in BASE["city"]]
    return pd.DataFrame(
        {
            "x": np.array([np.nan if v is None else v for v in BASE["x"]]),
            "n": pd.array(BASE["n"], dtype="Int64"),
            "city": pd.Series(city, dtype=object),
            "flag": pd.Series([pd.NA if v is None else v for v in BASE["flag"]], dtype=object),
        }
    )


def _numpy_dict(tmp: Path) -> object:
    return {
        "x": np.array([np.nan if v is None else v for v in BASE["x"]]),
        "n": np.array(BASE["n"], dtype=object),
        "city": np.array(BASE["city"], dtype=object),
        "flag": np.array(BASE["flag"], dtype=object),
    }


def _parquet(tmp: Path) -> object:
    path = tmp / "data.parquet"
    pq.write_table(pa.table(BASE), path)
    return str(path)


def _folder(tmp: Path) -> object:
    folder = tmp / "parts"
    folder.mkdir()
    table = pa.table(BASE)
    pq.write_table(table.slice(0, 2), folder / "part-0.parquet")
    pq.write_table(table.slice(2), folder / "part-1.pq")
    (folder / "_SUCCESS").write_text("")
    return folder


def _glob(tmp: Path) -> object:
    _folder(tmp)
    return str(tmp / "parts" / "*.p*q*")


def _csv(tmp: Path) -> object:
    path = tmp / "data.csv"
    path.write_text(_csv_text())
    return path


def _csv_gz(tmp: Path) -> object:
    path = tmp / "data.csv.gz"
    path.write_bytes(gzip.compress(_csv_text().encode()))
    return path


def _tsv(tmp: Path) -> object:
    path = tmp / "data.tsv"
    path.write_text(_csv_text("\t"))
    return path


def _jsonl(tmp: Path) -> object:
    path = tmp / "data.jsonl"
    path.write_text(_jsonl_text())
    return path


def _ndjson_gz(tmp: Path) -> object:
    path = tmp / "data.ndjson.gz"
    path.write_bytes(gzip.compress(_jsonl_text().encode()))
    return path


class _ArrowStream:
    """A third-party object that speaks the Arrow PyCapsule stream protocol."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self._table.__arrow_c_stream__(requested_schema)


INPUTS: dict[str, tuple[Callable[[Path], object], str | None]] = {
    "pandas_nullable_dtypes": (_pandas_nullable, "<pandas.DataFrame>"),
    "pandas_nan_and_object": (_pandas_object, "<pandas.DataFrame>"),
    "polars": (lambda tmp: pl.DataFrame(BASE), "<polars.DataFrame>"),
    "polars_lazy": (lambda tmp: pl.DataFrame(BASE).lazy(), "<polars.LazyFrame>"),
    "arrow_table": (lambda tmp: pa.table(BASE), "<pyarrow.Table>"),
    "arrow_record_batch": (lambda tmp: pa.RecordBatch.from_pydict(BASE), "<pyarrow.RecordBatch>"),
    "arrow_stream_object": (lambda tmp: _ArrowStream(pa.table(BASE)), None),
    "dict_of_lists": (lambda tmp: dict(BASE), "<dict>"),
    "dict_of_numpy": (_numpy_dict, "<dict>"),
    "parquet_file": (_parquet, None),
    "parquet_folder": (_folder, None),
    "parquet_glob": (_glob, None),
    "csv": (_csv, None),
    "csv_gz": (_csv_gz, None),
    "tsv": (_tsv, None),
    "jsonl": (_jsonl, None),
    "ndjson_gz": (_ndjson_gz, None),
}


@pytest.mark.parametrize("kind", list(INPUTS))
def test_every_input_kind_reads_the_same_values(kind: str, tmp_path: Path) -> None:
    make, source = INPUTS[kind]
    data = make(tmp_path)
    dataset = read_dataset(data)
    assert dataset.column_names == tuple(BASE)
    assert dataset.n_rows == 6
    for name, expected in BASE.items():
        assert _plain(dataset.table.column(name)) == expected, name
        assert infer_type(name, dataset.table.column(name)) == EXPECTED_TYPES[name], name
    if source is None and isinstance(data, str | Path):
        source = str(data)
    if source is not None:
        assert dataset.source == source


def test_parquet_strings_are_read_as_dictionaries(tmp_path: Path) -> None:
    dataset = read_dataset(_parquet(tmp_path))
    assert pa.types.is_dictionary(dataset.table.column("city").type)
    assert pa.types.is_float64(dataset.table.column("x").type)


def test_name_replaces_the_source_label(tmp_path: Path) -> None:
    assert read_dataset(pa.table(BASE), name="reference").source == "reference"
    assert read_dataset(_parquet(tmp_path), name="ref").source == "ref"


def test_a_dataset_passes_through_and_can_be_renamed() -> None:
    dataset = read_dataset(pa.table(BASE))
    assert read_dataset(dataset) is dataset
    renamed = read_dataset(dataset, name="current")
    assert renamed.source == "current"
    assert renamed.table is dataset.table


def test_csv_in_another_encoding_is_transcoded(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,city\n1,Zürich\n2,Genève\n".encode("latin-1"))
    dataset = read_dataset(path, encoding="latin-1")
    assert dataset.table.column("city").to_pylist() == ["Zürich", "Genève"]


def test_jsonl_in_another_encoding_is_transcoded(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"city": "Zürich"}\n{"city": "Genève"}\n'.encode("latin-1"))
    dataset = read_dataset(path, encoding="latin-1")
    assert dataset.table.column("city").to_pylist() == ["Zürich", "Genève"]


def test_csv_quoted_values_may_span_lines(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text('id,note\n1,"two\nlines"\n2,plain\n')
    assert read_dataset(path).table.column("note").to_pylist() == ["two\nlines", "plain"]


def test_zero_rows_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"x": pa.array([], pa.float64())}), path)
    assert read_dataset(path).n_rows == 0
    header_only = tmp_path / "header.csv"
    header_only.write_text("a,b\n")
    assert read_dataset(header_only).column_names == ("a", "b")


def test_pandas_index_is_not_a_column(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=pd.Index([10, 20, 30], name="key"))
    assert read_dataset(frame).column_names == ("x",)
    path = tmp_path / "indexed.parquet"
    frame.to_parquet(path)
    assert read_dataset(path).column_names == ("x",)


def test_folder_files_with_an_all_null_column_still_combine(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(pa.table({"a": pa.array([None, None]), "b": [1, 2]}), folder / "0.parquet")
    pq.write_table(pa.table({"a": ["x", "y"], "b": [3, 4]}), folder / "1.parquet")
    table = read_dataset(folder).table
    assert _plain(table.column("a")) == [None, None, "x", "y"]
    assert table.column("b").to_pylist() == [1, 2, 3, 4]


def test_folder_files_with_columns_in_another_order_combine(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(pa.table({"a": [1.0], "b": ["x"]}), folder / "0.parquet")
    pq.write_table(pa.table({"b": ["y"], "a": [2.0]}), folder / "1.parquet")
    table = read_dataset(folder).table
    assert table.column_names == ["a", "b"]
    assert table.column("a").to_pylist() == [1.0, 2.0]


def test_polars_categorical_and_string_view_columns_are_usable() -> None:
    frame = pl.DataFrame(
        {"c": pl.Series(["p", "q", "p"], dtype=pl.Categorical), "s": ["a", None, "b"]}
    )
    table = read_dataset(frame).table
    assert _plain(table.column("c")) == ["p", "q", "p"]
    assert not pa.types.is_string_view(table.column("s").type)


def test_arrow_string_view_columns_are_cast_to_large_strings() -> None:
    table = pa.table({"s": pa.array(["a", "b"], pa.string_view())})
    assert read_dataset(table).table.column("s").type == pa.large_string()


def test_dataset_is_frozen() -> None:
    dataset = read_dataset(pa.table(BASE))
    assert isinstance(dataset, Dataset)
    with pytest.raises(AttributeError):
        dataset.source = "other"  # type: ignore[misc]
