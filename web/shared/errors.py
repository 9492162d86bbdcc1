"""Error pages: every failure answers with a clear page (or JSON), never a stack trace."""

import logging

from flask import Flask
from flask import jsonify
from flask import render_template
from flask import request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import SecurityError

from web.shared import outage

log = logging.getLogger(__name__)

ADVICE = {
    400: "The request was not understood. Check the link or form and try again.",
    404: "There is no page at this address. Start again from the home page.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large. Send less than 2 MB.",
    429: "Too many attempts. Wait a minute and try again.",
}


def wants_json() -> bool:
    """True for API paths and clients that prefer JSON over HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


API_CODES = {
    400: "invalid_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    429: "rate_limited",
}


def render_error(status: int, title: str, message: str):
    """Answer an error as JSON or as the error page (the token service's paths in their shapes)."""
    code = API_CODES.get(status, "server_error" if status >= 500 else "invalid_request")
    if request.path.startswith("/api/v1/"):
        return jsonify(error={"code": code, "message": message}), status
    if request.path.startswith("/api/lwa/"):
        lwa_code = "server_error" if status >= 500 else "invalid_request"
        return jsonify(error=lwa_code, error_description=message), status
    if wants_json():
        return jsonify(error=title, message=message, status=status), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


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

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # A description we wrote (abort(400, "...")) says what was wrong; Werkzeug's generic
        # ones are replaced with advice.
        custom = error.description and error.description != type(error).description
        message = error.description if custom else ADVICE.get(error.code, error.description or "")
        return render_error(error.code or 500, error.name, message)

    outage.init_app(app)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if outage.is_outage(error):
            return outage.outage_response()  # a DBAPI error whose connection died
        # Log the type only: exception text can carry request values, which may be secrets.
        log.error("unhandled %s on %s", type(error).__name__, request.path)
        return render_error(
            500,
            InternalServerError().name,
            "Something went wrong on our side. Please try again in a moment.",
        )
