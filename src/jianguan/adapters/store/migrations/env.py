"""Alembic environment: runs on the connection jianguan hands over (never reads a URL itself)."""

from __future__ import annotations

from alembic import context

from jianguan.adapters.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached if alembic is run by hand
    raise RuntimeError(
        "run migrations through `jianguan db upgrade`, which supplies the connection"
    )

context.configure(connection=connection, target_metadata=metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
