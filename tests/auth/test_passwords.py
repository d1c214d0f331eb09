"""Passwords: argon2id hashes that verify, refuse, upgrade, and a clear minimum length."""

from __future__ import annotations

import sys

import pytest
from argon2 import PasswordHasher

from driftscope.auth import passwords
from driftscope.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    check_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from driftscope.errors import ConfigError, InputError

GOOD = "correct horse battery staple"


def test_a_hash_is_argon2id_salted_and_verifies_only_its_password() -> None:
    first, second = hash_password(GOOD), hash_password(GOOD)
    assert first.startswith("$argon2id$")
    assert first != second  # a salt of its own
    assert GOOD not in first
    assert verify_password(first, GOOD)
    assert verify_password(second, GOOD)
    assert not verify_password(first, GOOD + " ")
    assert not verify_password(first, "")


def test_argon2_itself_verifies_our_hash() -> None:
    # argon2-cffi's own verifier as the oracle: the hash is a standard PHC string.
    assert PasswordHasher().verify(hash_password(GOOD), GOOD)


@pytest.mark.parametrize(
    "stored", ["", "not a hash", "$argon2id$v=19$m=1,t=1,p=1$garbage"], ids=str
)
def test_an_unreadable_hash_verifies_nothing_and_needs_rehashing(stored: str) -> None:
    assert verify_password(stored, GOOD) is False
    assert needs_rehash(stored) is True


def test_a_hash_made_with_weaker_settings_needs_rehashing() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(GOOD)
    assert verify_password(weak, GOOD)
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password(GOOD))


@pytest.mark.parametrize("length", [0, 1, MIN_PASSWORD_LENGTH - 1], ids=str)
def test_a_short_password_is_refused_with_the_minimum_named(length: str) -> None:
    with pytest.raises(InputError, match=f"at least {MIN_PASSWORD_LENGTH} characters") as caught:
        hash_password("x" * int(length))
    assert "\n" not in str(caught.value)


def test_twelve_characters_are_enough_and_a_megabyte_is_too_many() -> None:
    assert MIN_PASSWORD_LENGTH == 12
    check_password("x" * 12)
    with pytest.raises(InputError, match="at most"):
        check_password("x" * 1_000_000)


def test_without_argon2_a_password_is_one_line_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    passwords._hasher.cache_clear()
    monkeypatch.setitem(sys.modules, "argon2", None)
    try:
        with pytest.raises(ConfigError) as caught:
            hash_password(GOOD)
    finally:
        passwords._hasher.cache_clear()
    assert str(caught.value) == (
        'passwords need the argon2-cffi package: pip install "driftscope[service]"'
    )


def test_the_core_does_not_import_argon2() -> None:
    import subprocess

    script = (
        "import sys, driftscope, driftscope.auth, driftscope.cli\nprint('argon2' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "False"
