"""Fixtures: real receivers on 127.0.0.1 (see :mod:`tests.alerts._receivers`), closed after
each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.alerts._receivers import Receiver, SmtpServer


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    try:
        yield server
    finally:
        server.close()
