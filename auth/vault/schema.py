"""Schema migrations (Alembic): applied once per deployment, checked by every process.

``flask spapi db upgrade`` runs :func:`upgrade`; the app's processes only call
:func:`pending_revisions` and refuse to serve while it is not empty, so several gunicorn
workers never race to create tables.
"""

import fcntl
import functools
import os
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text

from auth.errors import Unavailable

MIGRATIONS = Path(__file__).parent / "migrations"
# Databases made before migrations existed hold exactly the first revision's tables.
BASELINE = "0001"
# An arbitrary constant: the key of the PostgreSQL advisory lock that serialises upgrades.
ADVISORY_LOCK_KEY = 0x5A91A075


class SchemaBehind(Unavailable, RuntimeError):
    """The database's schema is older than the code; the message names the command."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    # Read once per process: the migration files do not change under a running process, and
    # reading them costs more than the check itself.
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    """The newest revision this code knows."""
    return _scripts().get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty or pre-migration database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def pending_revisions(engine: Engine) -> list[str]:
    """Revisions the database still lacks, oldest first (empty when up to date)."""
    current = current_revision(engine)
    script = _scripts()
    pending = [r.revision for r in script.iterate_revisions(script.get_current_head(), current)]
    return list(reversed(pending))


def check_schema(engine: Engine) -> None:
    """Raise ``SchemaBehind`` when the database lacks revisions this code needs."""
    pending = pending_revisions(engine)
    if pending:
        raise SchemaBehind(
            f"the database schema is {len(pending)} migration(s) behind this code "
            f"(at {current_revision(engine) or 'nothing'}, needs {head_revision()}): "
            "run `flask --app app spapi db upgrade` once, then start the app"
        )


def upgrade(engine: Engine, lock_path: str | None = None) -> tuple[str | None, str]:
    """Apply every missing migration, one process at a time; return (before, after)."""
    with _exclusive(engine, lock_path), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Held until this transaction ends: a second deployment step waits, then finds
            # nothing left to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        before = MigrationContext.configure(connection).get_current_revision()
        if before == head_revision():
            return before, before  # nothing to apply: the common case at every start-up
        if before is None and inspect(connection).has_table("authorizations"):
            command.stamp(_config(connection), BASELINE)
            before = BASELINE
        command.upgrade(_config(connection), "head")
        after = MigrationContext.configure(connection).get_current_revision()
    return before, after


@contextmanager
def _exclusive(engine: Engine, lock_path: str | None):
    """Serialise upgrades of one SQLite file across processes with a lock file beside it."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    path = lock_path or (f"{database}.migrate-lock" if database and database != ":memory:" else None)
    if path is None:
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)
