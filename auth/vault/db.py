"""Creating the database engine: SQLite (WAL, busy timeout) by default, PostgreSQL too."""

import os

from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import make_url
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool


def _tune_sqlite(dbapi_connection, _record) -> None:
    # The busy timeout comes first so that every statement after it, the WAL switch included,
    # waits for a concurrent writer (another gunicorn worker starting) instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=15000")
    # WAL lets readers run beside one writer. The mode is stored in the file, so it is only
    # switched once; switching needs an exclusive lock that a busy peer may hold.
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, pool_timeout: float = 10) -> Engine:
    """Create an engine for ``url``, tuned for SQLite when it is one; a request waits at most
    ``pool_timeout`` seconds for a free connection (then the outage handler's 503)."""
    if url.startswith("sqlite"):
        in_memory = url in {"sqlite://", "sqlite:///:memory:"}
        if not in_memory:
            _create_private(make_url(url).database)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 15},
            **({"poolclass": StaticPool} if in_memory else {"pool_timeout": pool_timeout}),
        )
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_timeout=pool_timeout)


def _create_private(path: str | None) -> None:
    """Create the SQLite file readable by its owner only; SQLite gives its -wal and -shm files
    the same permissions."""
    if not path or path == ":memory:" or os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process created it first, the same way


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine`` (the schema comes from ``auth.vault.schema``)."""
    return sessionmaker(engine, expire_on_commit=False)
