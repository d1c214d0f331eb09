"""``driftscope token``: a token printed once and alone, kept only as a hash, that
authenticates until revoked; a listing that never shows a token or its hash."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from driftscope.auth import Unauthorized, authenticate, token_hash
from driftscope.monitor.store import open_store
from tests.cli._helpers import run


def write_config(folder: Path) -> Path:
    """A minimal monitoring project whose store is a SQLite file in ``folder``."""
    (folder / "reference.parquet").touch()
    config = folder / "driftscope.yaml"
    config.write_text(
        "project: fraud\n"
        "reference: reference.parquet\n"
        "columns: {timestamp: ts}\n"
        f"store: sqlite:///{folder / 'store.db'}\n"
    )
    return config


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path)


def test_create_prints_the_token_alone_and_it_authenticates(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    code, out, err = run(capsys, "token", "create", "--config", str(config), "--name", "ci")
    assert code == 0
    assert re.fullmatch(r"ds_[A-Za-z0-9_-]{43}\n", out)
    assert "keep it: it is shown once" in err
    assert out.strip() not in err
    token = out.strip()
    store = open_store(f"sqlite:///{config.parent / 'store.db'}")
    try:
        record = authenticate(store, f"Bearer {token}", "ingest")
        assert (record.name, record.scope) == ("ci", "ingest")  # ingest by default
        with pytest.raises(Exception, match="this needs 'read'"):
            authenticate(store, f"Bearer {token}", "read")
    finally:
        store.close()
    raw = (config.parent / "store.db").read_bytes()
    assert token.encode() not in raw  # only the hash is kept
    assert token_hash(token).encode() in raw


def test_the_scope_is_chosen_and_an_unknown_one_is_one_line(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    code, out, _ = run(
        capsys, "token", "create", "--config", str(config), "--name", "d", "--scope", "read"
    )
    assert code == 0
    assert out.startswith("ds_")
    code, out2, err = run(
        capsys, "token", "create", "--config", str(config), "--name", "e", "--scope", "write"
    )
    assert code == 2
    assert out2 == ""
    assert len(err.strip().splitlines()) == 1
    assert "invalid choice: 'write'" in err


def test_a_second_live_token_of_a_name_is_refused(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    assert run(capsys, "token", "create", "--config", str(config), "--name", "ci")[0] == 0
    code, out, err = run(capsys, "token", "create", "--config", str(config), "--name", "ci")
    assert (code, out) == (2, "")
    assert err == (
        "driftscope: error: store: a live token is named 'ci' already; "
        "revoke it first or choose another name\n"
    )


def test_a_revoked_token_no_longer_authenticates_and_its_name_is_free(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    _, out, _ = run(capsys, "token", "create", "--config", str(config), "--name", "ci")
    token = out.strip()
    code, out, err = run(capsys, "token", "revoke", "--config", str(config), "--name", "ci")
    assert (code, out) == (0, "")
    assert "revoked" in err
    store = open_store(f"sqlite:///{config.parent / 'store.db'}")
    try:
        with pytest.raises(Unauthorized):
            authenticate(store, f"Bearer {token}", "ingest")
    finally:
        store.close()
    code, _, err = run(capsys, "token", "revoke", "--config", str(config), "--name", "ci")
    assert code == 2
    assert err == "driftscope: error: token: there is no live token named 'ci'\n"
    assert run(capsys, "token", "create", "--config", str(config), "--name", "ci")[0] == 0


def test_list_shows_names_scopes_and_states_but_no_token_nor_hash(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    made = {}
    for name, scope in (("ci", "ingest"), ("dash", "read"), ("ops", "admin")):
        _, out, _ = run(
            capsys, "token", "create", "--config", str(config), "--name", name, "--scope", scope
        )
        made[name] = out.strip()
    run(capsys, "token", "revoke", "--config", str(config), "--name", "ops")
    code, text, _ = run(capsys, "token", "list", "--config", str(config))
    assert code == 0
    lines = text.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ci", "ingest"],
        ["dash", "read"],
        ["ops", "admin"],
    ]
    assert "last used never" in lines[0]
    assert "revoked 20" in lines[2]
    code, listed, _ = run(capsys, "token", "list", "--config", str(config), "--json")
    assert code == 0
    tokens = json.loads(listed)["tokens"]
    assert [(t["name"], t["scope"], t["state"]) for t in tokens] == [
        ("ci", "ingest", "live"),
        ("dash", "read", "live"),
        ("ops", "admin", "revoked"),
    ]
    assert set(tokens[0]) == {"name", "scope", "state", "created_at", "last_used_at", "revoked_at"}
    for token in made.values():
        for shown in (text, listed):
            assert token not in shown
            assert token_hash(token) not in shown
            assert token_hash(token)[:16] not in shown


def test_list_of_a_new_store_says_how_to_make_a_token(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    code, out, _ = run(capsys, "token", "list", "--config", str(config))
    assert code == 0
    assert "driftscope token create --name NAME" in out


def test_a_missing_config_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = run(capsys, "token", "create", "--config", str(missing), "--name", "ci")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("driftscope: error: ")


def test_name_is_required(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    code, out, err = run(capsys, "token", "create", "--config", str(config))
    assert (code, out) == (2, "")
    assert "--name" in err
    assert len(err.splitlines()) == 1
