"""People's accounts: made with a checked name and password, logged in to in the same time
whether or not they exist, upgraded to today's hash on login, disabled for good measure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher

from driftscope.auth import change_password, check_username, create_user, login
from driftscope.auth import users as users_module
from driftscope.errors import InputError
from driftscope.monitor.store.memory import MemoryStore

GOOD = "correct horse battery staple"


def test_an_account_logs_in_with_its_password_only() -> None:
    store = MemoryStore()
    made = create_user(store, "ada@example.com", GOOD)
    assert made.password_hash.startswith("$argon2id$")
    assert login(store, "ada@example.com", GOOD) == made
    assert login(store, "ada@example.com", GOOD.upper()) is None
    assert login(store, "nobody", GOOD) is None


def test_a_missing_account_costs_one_verification_too(monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore()
    create_user(store, "ada", GOOD)
    calls: list[str] = []
    real = users_module.verify_password

    def counted(stored: str, password: str) -> bool:
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(users_module, "verify_password", counted)
    login(store, "ada", "wrong password!!")
    login(store, "nobody", "wrong password!!")
    assert len(calls) == 2
    assert all(stored.startswith("$argon2id$") for stored in calls)


def test_a_disabled_account_cannot_log_in_even_with_its_password() -> None:
    store = MemoryStore()
    create_user(store, "ada", GOOD)
    store.set_user_disabled("ada", True)
    assert login(store, "ada", GOOD) is None
    store.set_user_disabled("ada", False)
    assert login(store, "ada", GOOD) is not None


def test_an_old_hash_is_replaced_on_a_successful_login_only() -> None:
    store = MemoryStore()
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(GOOD)
    store.add_user("ada", weak, datetime(2026, 3, 1, tzinfo=UTC))
    assert login(store, "ada", "wrong password!!") is None
    kept = store.user("ada")
    assert kept is not None
    assert kept.password_hash == weak
    assert login(store, "ada", GOOD) is not None
    upgraded = store.user("ada")
    assert upgraded is not None
    assert upgraded.password_hash != weak
    assert PasswordHasher().verify(upgraded.password_hash, GOOD)


def test_a_new_password_replaces_the_old_one() -> None:
    store = MemoryStore()
    create_user(store, "ada", GOOD)
    change_password(store, "ada", "another long password")
    assert login(store, "ada", GOOD) is None
    assert login(store, "ada", "another long password") is not None
    with pytest.raises(InputError, match="no account named 'bob'"):
        change_password(store, "bob", "another long password")
    with pytest.raises(InputError, match="at least 12"):
        change_password(store, "ada", "short")


@pytest.mark.parametrize(
    "name",
    ["", " ada", "ada smith", "<img src=x onerror=alert(1)>", "-ada", "a" * 201, "ada\x00"],
    ids=["empty", "leading-space", "space", "markup", "leading-dash", "too-long", "nul"],
)
def test_a_username_that_is_not_plain_is_refused(name: str) -> None:
    with pytest.raises(InputError, match=r"^username: "):
        check_username(name)
    store = MemoryStore()
    with pytest.raises(InputError):
        create_user(store, name, GOOD)
    assert store.users() == []


def test_a_taken_username_is_refused() -> None:
    store = MemoryStore()
    create_user(store, "ada", GOOD)
    with pytest.raises(InputError, match="'ada' exists already"):
        create_user(store, "ada", GOOD)
