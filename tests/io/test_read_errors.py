"""Every way an input can be unusable gives one line naming the file (and column) at fault."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftscope.errors import ConfigError, InputError, SchemaError
from driftscope.io import read_dataset


def _fails(data: object, error: type[Exception] = InputError, **kwargs: str) -> str:
    with pytest.raises(error) as info:
        read_dataset(data, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "ref.parquet"
    assert _fails(path) == f"{path}: file not found"


def test_unknown_extension_is_named(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"PK")
    message = _fails(path)
    assert message.startswith(f"{path}: unknown file type '.xlsx'")
    assert ".parquet" in message


def test_folder_without_parquet_files_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.csv").write_text("a\n1\n")
    (folder / "_hidden.parquet").write_bytes(b"")
    assert _fails(folder) == f"{folder}: folder contains no Parquet files (*.parquet, *.pq)"


def test_glob_without_matches_is_named(tmp_path: Path) -> None:
    pattern = str(tmp_path / "*.parquet")
    assert _fails(pattern) == f"{pattern}: no files match this pattern"


def test_glob_matching_other_files_names_the_file(tmp_path: Path) -> None:
    pq.write_table(pa.table({"a": [1]}), tmp_path / "a.parquet")
    (tmp_path / "b.csv").write_text("a\n1\n")
    message = _fails(str(tmp_path / "*"))
    assert f"matches {tmp_path / 'b.csv'}, which is not a Parquet file" in message


@pytest.mark.parametrize(
    "content",
    [b"not parquet at all", b"PAR1" + b"\x00" * 64],
    ids=["random_bytes", "truncated"],
)
def test_corrupt_parquet_is_named(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.parquet"
    path.write_bytes(content)
    assert _fails(path).startswith(f"{path}: not a readable Parquet file (")


def test_parquet_with_corrupt_data_pages_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"a": np.arange(10_000, dtype=np.float64)}), path)
    raw = bytearray(path.read_bytes())
    raw[100:4000] = b"\xff" * 3900  # inside the data page, the footer stays intact
    path.write_bytes(bytes(raw))
    assert _fails(path).startswith(f"{path}: not a readable Parquet file (")


def test_parquet_files_with_different_types_name_file_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(pa.table({"age": [1, 2]}), folder / "a.parquet")
    pq.write_table(pa.table({"age": [1.5, 2.5]}), folder / "b.parquet")
    message = _fails(folder, SchemaError)
    assert message.startswith(f"{folder / 'b.parquet'}: column 'age' is double here but int64")
    assert str(folder / "a.parquet") in message


def test_parquet_files_with_different_columns_name_file_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(pa.table({"age": [1], "city": ["x"]}), folder / "a.parquet")
    pq.write_table(pa.table({"age": [2]}), folder / "b.parquet")
    message = _fails(folder, SchemaError)
    assert message.startswith(f"{folder / 'b.parquet'}: has no column 'city'")


def test_csv_line_with_too_many_fields_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n" + "1,2,3\n" * 5 + "1,2,3,4\n" + "5,6,7\n")
    assert _fails(path) == f"{path}: line 7 has 4 fields, expected 3"


def test_csv_line_with_too_few_fields_far_into_the_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n" + "1,2,3\n" * 200_000 + "1,2\n")
    assert _fails(path) == f"{path}: line 200002 has 2 fields, expected 3"


def test_csv_not_in_utf8_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("id,city\n1,Zürich\n2,Genève\n".encode("latin-1"))
    assert _fails(path) == (
        f"{path}: column 'city' is not valid utf-8; re-encode the file, or give its encoding "
        "(--encoding latin-1, encoding='latin-1')"
    )


def test_csv_header_not_in_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("id,cité\n1,2\n".encode("latin-1"))
    message = _fails(path)
    assert message.startswith(f"{path}: the header line is not valid utf-8")


def test_text_that_does_not_decode_in_the_given_encoding_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("id,city\n1,Zürich\n".encode())
    assert _fails(path, encoding="ascii").startswith(f"{path}: not valid ascii text (")


def test_unknown_encoding_is_a_config_error(tmp_path: Path) -> None:
    message = _fails(tmp_path / "x.csv", ConfigError, encoding="klingon")
    assert (
        message
        == "read_dataset: parameter 'encoding' must be a text encoding Python knows; got 'klingon'"
    )


def test_empty_csv_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("")
    assert _fails(path) == f"{path}: file is empty (no header line)"


def test_csv_duplicate_header_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,a\n1,2,3\n")
    assert _fails(path, SchemaError) == f"{path}: duplicate column name 'a'"


def test_jsonl_type_change_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    # Past Arrow's first 1 MiB block, so the line number must count from the file's start.
    lines = [json.dumps({"age": i, "pad": "x" * 40}) for i in range(40_000)]
    lines[30_000] = json.dumps({"age": "old", "pad": "x"})
    path.write_text("\n".join(lines) + "\n")
    assert _fails(path) == f"{path}: line 30001: column 'age' changed from number to string"


def test_jsonl_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2,\n{"a": 3}\n')
    message = _fails(path)
    assert message.startswith(f"{path}: line 3: ")


def test_json_array_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[{"a": 1}, {"a": 2}]')
    assert _fails(path) == (
        f"{path}: holds a JSON array; expected JSON Lines (one object per line)"
    )


def test_jsonl_not_in_utf8_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes('{"id": 1, "city": "Zürich"}\n'.encode("latin-1"))
    assert _fails(path).startswith(f"{path}: column 'city' is not valid utf-8; ")


def test_empty_jsonl_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text("")
    assert _fails(path) == f"{path}: file is empty"


def test_pandas_duplicate_columns_are_named() -> None:
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    assert _fails(frame, SchemaError) == "<pandas.DataFrame>: duplicate column name 'a'"


def test_arrow_duplicate_columns_are_named() -> None:
    table = pa.table([pa.array([1]), pa.array([2])], names=["b", "b"])
    assert _fails(table, SchemaError, name="ref") == "ref: duplicate column name 'b'"


def test_dict_keys_that_collide_as_strings_are_named() -> None:
    assert _fails({1: [1], "1": [2]}, SchemaError) == "<dict>: duplicate column name '1'"


@pytest.mark.parametrize(
    "data",
    [pd.DataFrame(), pa.table({}), {}],
    ids=["pandas", "arrow", "dict"],
)
def test_zero_columns_are_refused(data: object) -> None:
    assert _fails(data).endswith(": no columns")


def test_dict_columns_of_different_lengths_are_named() -> None:
    message = _fails({"a": [1, 2, 3], "b": [1, 2]})
    assert message == "<dict>: column 'b' has 2 values but column 'a' has 3"


def test_dict_two_dimensional_array_is_named() -> None:
    message = _fails({"emb": np.zeros((4, 3))})
    assert message == "<dict>: column 'emb' must be 1-D; got shape (4, 3)"


def test_dict_scalar_value_is_named() -> None:
    assert _fails({"a": 5}) == "<dict>: column 'a' must be a 1-D array or list; got int"


def test_dict_mixed_values_name_the_column() -> None:
    message = _fails({"ok": [1, 2], "mixed": [1, "x"]})
    assert message.startswith("<dict>: column 'mixed' cannot be converted to Arrow (")


def test_pandas_mixed_object_column_is_named() -> None:
    frame = pd.DataFrame({"ok": [1.0, 2.0], "mixed": pd.Series([1, "x"], dtype=object)})
    message = _fails(frame)
    assert message.startswith("<pandas.DataFrame>: column 'mixed' cannot be converted to Arrow (")


def test_unsupported_object_is_refused() -> None:
    assert _fails(42).startswith("<int>: cannot read a int; pass a pandas or polars DataFrame")
