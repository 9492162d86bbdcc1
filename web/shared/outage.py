"""A database that is down, locked or out of connections: how to tell, and what to say (a 503
with ``Retry-After`` saying nothing was lost; rendered per surface by ``web/shared/errors``)."""

import logging

from flask import g
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)
RETRY_AFTER = 5  # seconds: a restarted PostgreSQL or a released SQLite lock is back by then
TITLE = "Temporarily unavailable"
MESSAGE = (
    "Our database is not answering right now. Nothing you already completed was lost; "
    f"please try again in {RETRY_AFTER} seconds."
)


OUTAGES = (OperationalError, PoolTimeout)


def is_outage(error: BaseException) -> bool:
    """True for a database that cannot answer now (down, locked, out of connections)."""
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def release_session() -> None:
    """Give the request's broken connection back now, not at teardown."""
    db = g.pop("db", None)
    if db is not None:
        try:
            db.close()
        except Exception:  # pragma: no cover (closing a dead connection can fail too)
            log.debug("closing the session after an outage failed")


def describe(error: Exception) -> str:
    """The type of the driver's error only: its message can quote a statement's values."""
    return type(getattr(error, "orig", None) or error).__name__
