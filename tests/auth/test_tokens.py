"""API tokens: their form, their hash, and every way a request's header can fail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from driftscope.auth import (
    TOUCH_EVERY,
    Forbidden,
    Unauthorized,
    allows,
    authenticate,
    new_token,
    token_hash,
)
from driftscope.errors import DriftscopeError
from driftscope.monitor.store.base import SCOPES, Scope, TokenRecord
from driftscope.monitor.store.memory import MemoryStore

T0 = datetime(2026, 3, 1, tzinfo=UTC)


class _CountingStore(MemoryStore):
    """Counts the writes authentication makes."""

    def __init__(self) -> None:
        super().__init__()
        self.touches = 0

    def touch_token(self, token_id: int, at: datetime) -> None:
        self.touches += 1
        super().touch_token(token_id, at)


def _with_token(scope: Scope = "ingest", name: str = "ci") -> tuple[_CountingStore, str]:
    store = _CountingStore()
    token = new_token()
    store.add_token(name, scope, token_hash(token), T0)
    return store, token


def test_a_token_is_ds_and_43_url_safe_characters_and_never_repeats() -> None:
    made = {new_token() for _ in range(1_000)}
    assert len(made) == 1_000
    assert all(re.fullmatch(r"ds_[A-Za-z0-9_-]{43}", token) for token in made)


def test_the_hash_is_the_sha256_hex_of_the_token() -> None:
    # Independent oracle: `printf %s ds_example | sha256sum`.
    assert token_hash("ds_example") == (
        "b4ffea536f08afeef20c076374f622aa5b368f833c97632326cd875652f25bdf"
    )


def test_a_live_token_authenticates_and_returns_its_record() -> None:
    store, token = _with_token("read")
    record = authenticate(store, f"Bearer {token}", "read", now=T0)
    assert isinstance(record, TokenRecord)
    assert (record.name, record.scope) == ("ci", "read")


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_scheme_is_case_insensitive(scheme: str) -> None:
    store, token = _with_token()
    assert authenticate(store, f"{scheme} {token}", "ingest", now=T0).name == "ci"


@pytest.mark.parametrize(
    ("token_scope", "needed", "allowed"),
    [
        ("admin", "admin", True),
        ("admin", "read", True),
        ("admin", "ingest", True),
        ("read", "read", True),
        ("read", "ingest", False),
        ("read", "admin", False),
        ("ingest", "ingest", True),
        ("ingest", "read", False),
        ("ingest", "admin", False),
    ],
    ids=str,
)
def test_admin_may_do_everything_and_the_others_only_what_they_name(
    token_scope: Scope, needed: Scope, allowed: bool
) -> None:
    assert allows(token_scope, needed) is allowed
    store, token = _with_token(token_scope)
    if allowed:
        assert authenticate(store, f"Bearer {token}", needed, now=T0).scope == token_scope
    else:
        with pytest.raises(Forbidden, match=f"has scope '{token_scope}'; this needs '{needed}'"):
            authenticate(store, f"Bearer {token}", needed, now=T0)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "   ",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token {token}",
        "{token}",
        "Bearer {token}x",
        "Bearer {short}",
        "Bearer {token} {token}",
        "Bearer ds_" + "é" * 43,
        "Bearer {other}",
    ],
    ids=[
        "missing",
        "empty",
        "blank",
        "bearer-alone",
        "bearer-space",
        "basic",
        "other-scheme",
        "no-scheme",
        "one-char-too-many",
        "truncated",
        "twice",
        "non-ascii",
        "unknown",
    ],
)
def test_a_missing_malformed_or_unknown_token_is_401_without_repeating_it(
    header: str | None,
) -> None:
    store, token = _with_token("admin")
    given = (
        None if header is None else header.format(token=token, short=token[:-1], other=new_token())
    )
    with pytest.raises(Unauthorized) as caught:
        authenticate(store, given, "read", now=T0)
    message = str(caught.value)
    assert "\n" not in message
    assert token[3:13] not in message
    secret = "" if given is None else given.split(" ")[-1]
    if len(secret) > 13:  # what was sent as the token, whatever it was
        assert secret[3:13] not in message
    assert caught.value.status == 401
    assert store.touches == 0


def test_a_revoked_token_is_401() -> None:
    store, token = _with_token()
    authenticate(store, f"Bearer {token}", "ingest", now=T0)
    store.revoke_token("ci", T0 + timedelta(hours=1))
    with pytest.raises(Unauthorized, match="unknown or revoked token"):
        authenticate(store, f"Bearer {token}", "ingest", now=T0)


def test_a_forbidden_message_names_the_token_not_its_text() -> None:
    store, token = _with_token("ingest", name="fraud-prod")
    with pytest.raises(Forbidden) as caught:
        authenticate(store, f"Bearer {token}", "admin", now=T0)
    assert caught.value.status == 403
    assert "fraud-prod" in str(caught.value)
    assert token[3:] not in str(caught.value)


def test_both_errors_are_driftscope_errors_with_their_http_status() -> None:
    assert issubclass(Unauthorized, DriftscopeError)
    assert issubclass(Forbidden, DriftscopeError)
    assert (Unauthorized.status, Forbidden.status) == (401, 403)


def test_last_use_is_written_at_most_once_per_interval() -> None:
    store, token = _with_token()
    for second in range(0, 150, 5):  # 30 requests over two and a half minutes
        authenticate(store, f"Bearer {token}", "ingest", now=T0 + timedelta(seconds=second))
    assert store.touches == 3  # at 0 s, 60 s and 120 s
    assert timedelta(minutes=1) == TOUCH_EVERY
    (record,) = store.tokens()
    assert record.last_used_at == T0 + timedelta(seconds=120)


def test_an_unknown_needed_scope_is_a_bug_of_the_caller() -> None:
    store, token = _with_token()
    with pytest.raises(ValueError, match="needed_scope"):
        authenticate(store, f"Bearer {token}", "write", now=T0)


def test_every_scope_is_known_to_the_hierarchy() -> None:
    assert set(SCOPES) == {"ingest", "read", "admin"}
    assert all(allows("admin", s) for s in SCOPES)
