"""Alembic environment: migrations run on the connection the store hands over, never from a
URL in a file (the store's URL may carry a password)."""

from __future__ import annotations

from alembic import context


def run() -> None:
    """Run the pending migrations on the store's connection, inside its transaction."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


# Alembic executes this file with its context installed; imported any other way (a doctest
# run collecting modules), there is nothing to migrate.
if hasattr(context, "config"):
    run()
