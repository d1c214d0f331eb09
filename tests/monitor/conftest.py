"""The real PostgreSQL server's fresh schemas (``pg_schema_url``) for every monitor test."""

from tests.monitor.store.conftest import pg_schema_url

__all__ = ["pg_schema_url"]
