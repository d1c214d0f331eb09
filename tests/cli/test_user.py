"""``driftscope user``: accounts made with a password from the environment or asked twice
without echo, kept only as an argon2 hash, changed, listed, disabled."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import driftscope.cli.user
from driftscope.auth import login
from driftscope.monitor.store import open_store
from driftscope.monitor.store.base import Store
from tests.cli._helpers import run
from tests.cli.test_token import write_config

GOOD = "correct horse battery staple"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DRIFTSCOPE_PASSWORD", raising=False)
    return write_config(tmp_path)


@pytest.fixture
def store(config: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{config.parent / 'store.db'}")
    yield opened
    opened.close()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _answers(monkeypatch: pytest.MonkeyPatch, *typed: str) -> list[str]:
    """Type ``typed`` at the password prompts; return the prompts shown."""
    prompts: list[str] = []
    answers = iter(typed)

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(driftscope.cli.user, "ask", ask)
    monkeypatch.setattr("sys.stdin", _Terminal())
    return prompts


def test_create_reads_the_password_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    config: Path,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DRIFTSCOPE_PASSWORD", GOOD)
    code, out, err = run(capsys, "user", "create", "--config", str(config), "--name", "ada")
    assert (code, out) == (0, "")
    assert "'ada' created" in err
    assert GOOD not in err
    assert login(store, "ada", GOOD) is not None
    assert GOOD.encode() not in (config.parent / "store.db").read_bytes()


def test_create_asks_twice_without_echo(
    capsys: pytest.CaptureFixture[str],
    config: Path,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prompts = _answers(monkeypatch, GOOD, GOOD)
    code, out, _ = run(capsys, "user", "create", "--config", str(config), "--name", "ada")
    assert (code, out) == (0, "")
    assert len(prompts) == 2
    assert login(store, "ada", GOOD) is not None


def test_two_different_answers_change_nothing(
    capsys: pytest.CaptureFixture[str],
    config: Path,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _answers(monkeypatch, GOOD, GOOD + "!")
    code, _, err = run(capsys, "user", "create", "--config", str(config), "--name", "ada")
    assert code == 2
    assert err == "driftscope: error: user: the two passwords differ; nothing was changed\n"
    assert store.users() == []


def test_without_a_terminal_or_the_variable_it_says_what_to_set(
    capsys: pytest.CaptureFixture[str], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    code, out, err = run(capsys, "user", "create", "--config", str(config), "--name", "ada")
    assert (code, out) == (2, "")
    assert "set DRIFTSCOPE_PASSWORD" in err
    assert len(err.splitlines()) == 1


def test_a_short_password_is_one_line_naming_the_minimum(
    capsys: pytest.CaptureFixture[str],
    config: Path,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DRIFTSCOPE_PASSWORD", "hunter2")
    code, _, err = run(capsys, "user", "create", "--config", str(config), "--name", "ada")
    assert code == 2
    assert err == ("driftscope: error: password: must be at least 12 characters; this one has 7\n")
    assert "hunter2" not in err
    assert store.users() == []


@pytest.mark.parametrize("name", ["<script>", "ada smith", ""], ids=["markup", "space", "empty"])
def test_a_bad_username_is_refused_before_any_prompt(
    capsys: pytest.CaptureFixture[str], config: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    prompts = _answers(monkeypatch)
    code, _, err = run(capsys, "user", "create", "--config", str(config), "--name", name)
    assert code == 2
    assert err.startswith("driftscope: error: username: ")
    assert prompts == []


def test_a_taken_username_is_one_line(
    capsys: pytest.CaptureFixture[str], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRIFTSCOPE_PASSWORD", GOOD)
    run(capsys, "user", "create", "--config", str(config), "--name", "ada")
    code, _, err = run(capsys, "user", "create", "--config", str(config), "--name", "ada")
    assert code == 2
    assert err == "driftscope: error: store: an account named 'ada' exists already\n"


def test_password_changes_it(
    capsys: pytest.CaptureFixture[str],
    config: Path,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DRIFTSCOPE_PASSWORD", GOOD)
    run(capsys, "user", "create", "--config", str(config), "--name", "ada")
    monkeypatch.setenv("DRIFTSCOPE_PASSWORD", "a brand new passphrase")
    code, out, err = run(capsys, "user", "password", "--config", str(config), "--name", "ada")
    assert (code, out) == (0, "")
    assert "changed" in err
    assert login(store, "ada", GOOD) is None
    assert login(store, "ada", "a brand new passphrase") is not None
    code, _, err = run(capsys, "user", "password", "--config", str(config), "--name", "bob")
    assert code == 2
    assert err == "driftscope: error: user: there is no account named 'bob'\n"


def test_list_shows_accounts_without_their_hashes_and_disable_sticks(
    capsys: pytest.CaptureFixture[str],
    config: Path,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DRIFTSCOPE_PASSWORD", GOOD)
    for name in ("bob", "ada"):
        run(capsys, "user", "create", "--config", str(config), "--name", name)
    assert run(capsys, "user", "disable", "--config", str(config), "--name", "bob")[0] == 0
    assert login(store, "bob", GOOD) is None
    code, text, _ = run(capsys, "user", "list", "--config", str(config))
    assert code == 0
    lines = text.splitlines()
    assert [line.split()[0] for line in lines] == ["ada", "bob"]
    assert lines[1].endswith("disabled")
    assert "disabled" not in lines[0]
    code, listed, _ = run(capsys, "user", "list", "--config", str(config), "--json")
    users = json.loads(listed)["users"]
    assert [(u["username"], u["disabled"]) for u in users] == [("ada", False), ("bob", True)]
    assert "$argon2" not in text + listed
    assert run(capsys, "user", "enable", "--config", str(config), "--name", "bob")[0] == 0
    assert login(store, "bob", GOOD) is not None


def test_list_of_a_new_store_says_how_to_make_an_account(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    code, out, _ = run(capsys, "user", "list", "--config", str(config))
    assert code == 0
    assert "driftscope user create --name NAME" in out
