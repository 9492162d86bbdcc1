"""Error answers, rendered in one place per surface: every failure answers with a clear page or
JSON in its surface's documented shape, never a stack trace.

Surfaces (``surface_for``): ``api`` (``/api/v1``: ``{"error": {"code", "message"}}``), ``lwa``
(``/api/lwa``: LWA's ``{"error", "error_description"}``), ``json`` (other JSON clients:
``{"error", "message", "status"}``) and ``html`` (the error page). The body cap (a WSGI
middleware, outside Flask) renders through the same ``json_error`` function.
"""

import logging
import traceback

from flask import Flask
from flask import jsonify
from flask import make_response
from flask import render_template
from flask import request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import SecurityError
from werkzeug.http import HTTP_STATUS_CODES

from auth.errors import AppError
from auth.security.redact import redact
from web.shared import outage

log = logging.getLogger(__name__)

ADVICE = {
    400: "The request was not understood. Check the link or form and try again.",
    404: "There is no page at this address. Start again from the home page.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large. Send less than 2 MB.",
    429: "Too many attempts. Wait a minute and try again.",
    503: "The service cannot answer right now. Nothing was lost; try again in a few seconds.",
}
API_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    429: "rate_limited",
    502: "upstream_error",
    503: "temporarily_unavailable",
}
# LWA's own vocabulary: its clients know these and nothing else.
LWA_CODES = {401: "invalid_client", 429: "temporarily_unavailable", 503: "temporarily_unavailable"}
DEFAULT_RETRY_AFTER = 5


def surface_for(path: str, accept: str = "") -> str:
    """Which surface answers ``path``: ``api``, ``lwa``, ``json`` or ``html``."""
    if path.startswith("/api/v1/") or path == "/api/v1":
        return "api"
    if path.startswith("/api/lwa/"):
        return "lwa"
    if path.startswith("/api/") or "application/json" in accept:
        return "json"
    return "html"


def json_error(surface: str, status: int, message: str, code: str | None = None, title: str = "") -> dict:
    """The JSON body of an error on ``surface`` (not ``html``)."""
    if surface == "api":
        return {"error": {"code": code or API_CODES.get(status, _generic(status)), "message": message}}
    if surface == "lwa":
        kind = code if code and code in _LWA_VOCABULARY else LWA_CODES.get(status, _generic(status))
        return {"error": kind, "error_description": message}
    return {"error": title or API_CODES.get(status, _generic(status)), "message": message, "status": status}


_LWA_VOCABULARY = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
}


def _generic(status: int) -> str:
    return "server_error" if status >= 500 else "invalid_request"


def api_error(code: str, message: str, status: int, retry_after: float | None = None, **extra):
    """An error of the JSON API (``/api/v1``) in its documented shape, ``{"error": {"code",
    "message", ...}}``, never cached; a 401 names the bearer realm, a wait says ``Retry-After``."""
    payload = {"code": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}
    response = jsonify(error=payload)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="spapi-auth"'
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after_header(retry_after)
    return response


def retry_after_header(seconds: float) -> str:
    """Whole seconds, rounded up and at least 1: a client that waits that long waited enough."""
    return str(max(1, int(seconds + 0.999)))


def wants_json() -> bool:
    """True for API paths and clients that prefer JSON over HTML."""
    if request.path.startswith("/api/"):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def render_error(
    status: int, title: str, message: str, code: str | None = None, retry_after: float | None = None
):
    """Answer an error in the request's surface; 503s and 429s say when to try again."""
    surface = surface_for(request.path)
    if surface == "html" and wants_json():
        surface = "json"
    if surface == "html":
        page = render_template("errors/error.html", status=status, title=title, message=message)
        response = make_response(page)
    else:
        response = jsonify(json_error(surface, status, message, code, title))
        response.headers["Cache-Control"] = "no-store"
    response.status_code = status
    if status == 503 and retry_after is None:
        retry_after = DEFAULT_RETRY_AFTER
    if retry_after is not None and status in (429, 503):
        response.headers["Retry-After"] = retry_after_header(retry_after)
    return response


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(SecurityError)
    def untrusted_host(_error: SecurityError):
        # Raised before routing (Host not in TRUSTED_HOSTS), so no URL can be built for a page.
        return (
            "Bad Request: this server does not answer for that host name.",
            400,
            {"Content-Type": "text/plain"},
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400, "Form expired or forged", f"{error.description} Reload the page and try again."
        )

    @app.errorhandler(AppError)
    def core_error(error: AppError):
        # The core's errors carry their status, kind and a message that is safe to show.
        status = error.status if isinstance(error.status, int) and 400 <= error.status < 600 else 500
        title = _title(status)
        return render_error(status, title, error.public_message(), error.kind, error.retry_after)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # A description we wrote (abort(400, "...")) says what was wrong; Werkzeug's generic
        # ones are replaced with advice.
        custom = error.description and error.description != type(error).description
        message = error.description if custom else ADVICE.get(error.code, error.description or "")
        response = render_error(error.code or 500, error.name, message)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    def database_unavailable(error: Exception):
        outage.release_session()
        log.warning("database unavailable on %s: %s", request.path, outage.describe(error))
        return _outage()

    # Other DBAPI errors with an invalidated connection reach the catch-all, which asks is_outage.
    for kind in outage.OUTAGES:
        app.register_error_handler(kind, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if outage.is_outage(error):
            outage.release_session()
            return _outage()  # a DBAPI error whose connection died
        # The frames and the type, redacted; never the exception's text, which can carry
        # request values (secrets among them).
        frames = redact("".join(traceback.format_tb(error.__traceback__)))
        log.error("unhandled %s on %s\n%s", type(error).__name__, request.path, frames)
        return render_error(
            500,
            InternalServerError().name,
            "Something went wrong on our side. Please try again in a moment.",
        )


def _outage():
    return render_error(503, outage.TITLE, outage.MESSAGE, "temporarily_unavailable", outage.RETRY_AFTER)


def _title(status: int) -> str:
    return HTTP_STATUS_CODES.get(status, "Error")
