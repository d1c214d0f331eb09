"""Database values to Arrow without pandas: one type per column, text for mixed kinds."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid
from decimal import Decimal

import pyarrow as pa
import pytest

from driftscope.monitor.sources._python import arrow_column

UTC = dt.UTC
PARIS = dt.timezone(dt.timedelta(hours=1))


@pytest.mark.parametrize(
    ("values", "arrow_type", "expected"),
    [
        pytest.param([True, None, False], pa.bool_(), [True, None, False], id="bool"),
        pytest.param([1, None, -(2**63)], pa.int64(), [1, None, -(2**63)], id="int"),
        pytest.param([2**64, 1], pa.float64(), [float(2**64), 1.0], id="int-beyond-int64"),
        pytest.param([1, 2.5, Decimal("0.1")], pa.float64(), [1.0, 2.5, 0.1], id="numbers"),
        pytest.param(["é", None, ""], pa.string(), ["é", None, ""], id="str"),
        pytest.param([b"\x00\x01", None], pa.binary(), [b"\x00\x01", None], id="bytes"),
        pytest.param(
            [dt.date(1969, 12, 31), None], pa.date32(), [dt.date(1969, 12, 31), None], id="date"
        ),
        pytest.param(
            [dt.datetime(2026, 3, 1, 1, tzinfo=PARIS), dt.datetime(2026, 3, 1)],
            pa.timestamp("us", "UTC"),
            [dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 3, 1, tzinfo=UTC)],
            id="zoned-datetime",
        ),
        pytest.param(
            [dt.datetime(2026, 3, 1, 0, 0, 0, 5), None],
            pa.timestamp("us"),
            [dt.datetime(2026, 3, 1, 0, 0, 0, 5), None],
            id="naive-datetime",
        ),
        pytest.param([{"a": [1]}, None], pa.string(), ['{"a": [1]}', None], id="json"),
        pytest.param([uuid.UUID(int=1)], pa.string(), [str(uuid.UUID(int=1))], id="uuid"),
        pytest.param([None, None], pa.null(), [None, None], id="all-null"),
        pytest.param([], pa.null(), [], id="empty"),
    ],
)
def test_each_kind_of_value_has_its_type(
    values: list[object], arrow_type: pa.DataType, expected: list[object]
) -> None:
    array, note = arrow_column(values, "c", "sql")
    assert note is None
    assert array.type == arrow_type
    array.validate(full=True)
    assert array.to_pylist() == expected


def test_mixed_kinds_become_text_with_a_note() -> None:
    array, note = arrow_column([1, "a", None, 2.5], "c", "table 'logs'")
    assert array.to_pylist() == ["1", "a", None, "2.5"]
    assert note == "table 'logs': column 'c' mixes float and int and str values; read as text"


def test_no_pandas_is_imported() -> None:
    code = (
        "import sys, datetime\n"
        "from driftscope.monitor.sources._python import arrow_column\n"
        "arrow_column([1, None], 'a', 'x'); arrow_column(['a'], 'b', 'x')\n"
        "arrow_column([datetime.datetime(2026, 1, 1)], 'c', 'x')\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
