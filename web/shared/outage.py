"""A database that is down, locked or out of connections: a 503 with ``Retry-After`` saying
nothing was lost and to try again, as a page or as JSON in the path's shape; never a 500."""

import logging

from flask import Flask
from flask import g
from flask import jsonify
from flask import render_template
from flask import request
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


def is_outage(error: BaseException) -> bool:
    """True for a database that cannot answer now (down, locked, out of connections)."""
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def outage_response():
    """The 503 for the current request, in the shape its path uses."""
    headers = {"Retry-After": str(RETRY_AFTER)}
    if request.path.startswith("/api/v1/"):
        body = jsonify(error={"code": "unavailable", "message": MESSAGE, "retry_after": RETRY_AFTER})
        return body, 503, headers
    if request.path.startswith("/api/lwa/"):
        # LWA's own word for "try again later", so SDKs that retry on it do.
        return jsonify(error="temporarily_unavailable", error_description=MESSAGE), 503, headers
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=TITLE, message=MESSAGE, status=503, retry_after=RETRY_AFTER), 503, headers
    page = render_template("errors/error.html", status=503, title=TITLE, message=MESSAGE)
    return page, 503, headers


def init_app(app: Flask) -> None:
    """Register the outage handler (more specific than the catch-all, so it wins)."""

    def database_unavailable(error: Exception):
        db = g.pop("db", None)
        if db is not None:
            try:
                db.close()  # give the broken connection back now, not at teardown
            except Exception:  # pragma: no cover (closing a dead connection can fail too)
                log.debug("closing the session after an outage failed")
        # The type only: a driver's message can quote a statement's values.
        log.warning(
            "database unavailable on %s: %s",
            request.path,
            type(getattr(error, "orig", None) or error).__name__,
        )
        return outage_response()

    # Other DBAPI errors with an invalidated connection reach the catch-all, which asks is_outage.
    for kind in (OperationalError, PoolTimeout):
        app.register_error_handler(kind, database_unavailable)
