"""Engines and migrations: one URL decides SQLite (embedded default) or PostgreSQL."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from jianguan.services.ports import StoreUnavailable


class StoreError(StoreUnavailable):
    pass


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use psycopg 3 for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"不支持的数据库 / unsupported database: {parsed.drivername}")
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    # WAL lets readers (the web server, monitoring) go on while an import runs.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _alembic_config() -> Config:
    ini = resources.files("jianguan.adapters.store").joinpath("alembic.ini")
    cfg = Config(str(ini))
    cfg.set_main_option(
        "script_location", str(resources.files("jianguan.adapters.store").joinpath("migrations"))
    )
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the store's schema up to `revision` (idempotent).

    ``heads``: areas of the platform (case work, review, web accounts) add their tables in
    migrations of their own, which may branch from the same parent; every branch is applied.
    """
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> frozenset[str]:
    """The revisions the store is at (one per applied branch head)."""
    with engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def head_revision() -> frozenset[str]:
    """The heads of the code's migrations."""
    return frozenset(ScriptDirectory.from_config(_alembic_config()).get_heads())


def ensure_schema(engine: Engine) -> None:
    """Upgrade if the store is behind the code (first use of a new SQLite file included)."""
    if current_revision(engine) != head_revision():
        upgrade(engine)
