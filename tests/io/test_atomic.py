"""Output files: written whole or not at all, and a bad output path is a one-line error."""

from __future__ import annotations

import pytest

from driftscope.errors import InputError
from driftscope.io.atomic import write_bytes_atomic, write_text_atomic


def test_writes_the_file_whole(tmp_path):
    target = write_text_atomic(tmp_path / "r.json", "{}")
    assert target.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left


def test_a_folder_as_output_is_a_one_line_error(tmp_path):
    with pytest.raises(InputError, match="is a folder; give a file name") as info:
        write_bytes_atomic(tmp_path, b"x")
    assert str(tmp_path) in str(info.value)


def test_a_missing_folder_is_an_error_not_created(tmp_path):
    target = tmp_path / "typo" / "r.html"
    with pytest.raises(InputError, match=r"the folder .*typo does not exist; create it first"):
        write_text_atomic(target, "x")
    assert not (tmp_path / "typo").exists()


def test_folders_are_made_only_when_asked(tmp_path):
    target = write_text_atomic(tmp_path / "a" / "b.json", "1", make_folders=True)
    assert target.read_text() == "1"


def test_a_file_standing_where_the_folder_should_be(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(InputError, match="is not a folder"):
        write_text_atomic(tmp_path / "f" / "r.html", "x")


@pytest.mark.parametrize("path", ["", "."], ids=["empty", "dot"])
def test_empty_and_current_folder_are_errors(path):
    with pytest.raises(InputError, match=r"output path is empty|is a folder"):
        write_text_atomic(path, "x")


def test_a_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")

    class Boom(str):
        def encode(self, *args, **kwargs):  # type: ignore[override]
            raise RuntimeError("crash mid-write")

    with pytest.raises(RuntimeError):
        write_text_atomic(target, Boom("new"))
    assert target.read_text() == "old"
