"""The service's shared fixtures: the app of test_api's project on a real uvicorn thread, and
fresh PostgreSQL schemas (the store tests' ``pg_schema_url``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.monitor.store.conftest import pg_schema_url  # noqa: F401 (a fixture, by name)

if TYPE_CHECKING:
    from tests.service.test_api import Served


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    from tests.service.test_api import Served  # skips the module when fastapi is missing

    service = Served(tmp_path)
    try:
        yield service
    finally:
        service.close()
