"""The semantic part of a text column's row (``method_params={"text": {"embeddings": True}}``,
the ``[text]`` extra): the row's text test gains the embedding test on the texts' sentence
embeddings, the JSON column's ``text`` object gains ``semantic`` (shaped as an embedding
column's ``embedding`` object), and a wrong text parameter is a one-line ConfigError."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow as pa
import pytest

import driftscope
from driftscope._types import ColumnType, Role
from driftscope.engine.plan import ColumnPlan
from driftscope.engine.text import text_params, text_row
from driftscope.errors import ConfigError
from driftscope.report.json_format import column_to_dict, embedding_to_dict
from tests._fortunes import fortunes, needs_fortunes

pytest.importorskip("wordllama", reason="the [text] extra (wordllama) is not installed")

PLAN = ColumnPlan("quote", ColumnType.TEXT, Role.FEATURE, "text", None)


def _sides(reference: str, current: str, n: int = 400) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    ref, cur = fortunes(reference)[:n], fortunes(current)[:n]
    ref[3] = None  # type: ignore[call-overload]  # a missing text on each side
    cur[7] = None  # type: ignore[call-overload]
    return pa.chunked_array([ref]), pa.chunked_array([cur])


@needs_fortunes
def test_with_embeddings_the_row_tests_meaning_and_the_json_says_so() -> None:
    ref, cur = _sides("computers", "love")
    row = text_row(PLAN, ref, cur, {"embeddings": True})
    assert row.text is not None
    semantic = row.text.semantic
    assert semantic is not None
    assert semantic.drifted
    assert (semantic.n_reference, semantic.n_current) == (399, 150 - 1)
    assert row.test is not None
    assert row.test.details["semantic_p_value"] == semantic.p_value
    entry = json.loads(json.dumps(column_to_dict(row), allow_nan=False))
    found = entry["text"]["semantic"]
    assert found == json.loads(json.dumps(embedding_to_dict(semantic), allow_nan=False))
    assert set(found) >= {"decided_by", "p_value", "drifted", "components", "mmd"}
    assert found["decided_by"] == "mmd"
    assert found["drifted"] is True
    assert found["components"] == 256
    assert entry["reference_missing_share"] == pytest.approx(1 / 400)


@needs_fortunes
def test_without_embeddings_semantic_is_null() -> None:
    ref, cur = _sides("computers", "computers", 200)
    for params in (None, {}, {"embeddings": False}):
        row = text_row(PLAN, ref, cur, params)
        assert row.text is not None
        assert row.text.semantic is None
        assert row.test is not None
        assert "semantic_p_value" not in row.test.details
        assert column_to_dict(row)["text"]["semantic"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param(
            {"embedding": True},
            "text: unknown parameter 'embedding'; accepted parameters: embeddings",
            id="unknown",
        ),
        pytest.param(
            {"embeddings": "yes"},
            "text: parameter 'embeddings' must be True or False; got 'yes'",
            id="not-a-flag",
        ),
        pytest.param(
            {"embeddings": 1},
            "text: parameter 'embeddings' must be True or False; got 1",
            id="a-number",
        ),
    ],
)
def test_a_wrong_text_parameter_is_a_one_line_config_error(
    params: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        text_params(params)
    assert str(caught.value) == message
    ref = pa.chunked_array([[f"text {i}" for i in range(20)]])
    with pytest.raises(ConfigError):
        text_row(PLAN, ref, ref, params)


@needs_fortunes
def test_compare_turns_the_semantic_part_on_by_method_params() -> None:
    quotes = fortunes("computers")[:300], fortunes("love")[:150]
    report = driftscope.compare(
        {"quote": quotes[0]},
        {"quote": quotes[1]},
        method_params={"text": {"embeddings": True}},
    )
    column = report.column("quote")
    assert column.text is not None
    assert column.text.semantic is not None
    assert column.text.semantic.drifted
    meaning = math.sqrt(max(column.text.semantic.mmd.statistic, 0.0)) / math.sqrt(2.0)
    assert column.effect is not None
    assert column.effect.measure == "text_separation"
    assert column.effect.size >= meaning > 0.05  # the meaning's part of the separation
    entry = json.loads(report.to_json())["columns"][0]
    assert entry["text"]["semantic"]["decided_by"] == "mmd"
    with pytest.raises(ConfigError, match="text: unknown parameter 'embedding'"):
        driftscope.compare(
            {"quote": quotes[0]}, {"quote": quotes[1]}, method_params={"text": {"embedding": 1}}
        )


@needs_fortunes
def test_the_command_line_turns_the_semantic_part_on(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from driftscope.cli import main

    for name, category, count in (("a", "computers", 300), ("b", "love", 150)):
        table = pa.table({"quote": fortunes(category)[:count]})
        pq.write_table(table, tmp_path / f"{name}.parquet")
    out = tmp_path / "out.json"
    args = [str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet"), "--json", str(out)]
    main(["report", *args, "--text-embeddings"])
    assert json.loads(out.read_text())["columns"][0]["text"]["semantic"]["drifted"] is True
    main(["report", *args])
    assert json.loads(out.read_text())["columns"][0]["text"]["semantic"] is None
