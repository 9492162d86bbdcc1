"""The connect API: ``POST /api/v1/connect-sessions``, ``GET /api/v1/connect-sessions/<id>``
and ``POST /api/v1/login-sessions/<id>``; errors as ``{"error": {"code", "message", "field"?}}``."""

import logging

from flask import jsonify
from flask import request
from sqlalchemy.exc import OperationalError

from auth.connect import login_sessions
from auth.connect.requests import FieldError
from auth.connect.requests import SessionRequest
from auth.connect.requests import check_customer_ref
from auth.connect.requests import check_tags
from auth.connect.requests import read_request
from auth.connect.return_urls import ReturnUrlRefused
from auth.connect.return_urls import check_return_url
from auth.connect.sessions import NoSuchAuthorization
from auth.connect.sessions import create_session as create
from auth.connect.sessions import find_session
from auth.connect.sessions import session_json
from auth.security.api_keys import ApiKeyError
from auth.security.api_keys import allows
from auth.security.api_keys import authenticate
from auth.security.api_keys import partners_of
from auth.security.api_keys import split_bearer
from web.shared.errors import api_error
from web.shared.services import get_db
from web.shared.services import services

log = logging.getLogger(__name__)
OPERATION = "connect"
LOGIN_REFUSED = {
    "unknown": (404, "not_found", "No such login session."),
    "expired": (410, "expired", "The login session is older than 10 minutes."),
    "used": (409, "used", "The login session was used already."),
    "signed_in": (409, "signed_in", "The login session has its customer already."),
}


class Refused(Exception):
    """An answer other than success: status, code, message and maybe the field."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def create_session():
    """Create a connect session for one of the developer's customers."""

    def work(db, key):
        body = _json_body()
        session_request = read_request(body, services().settings.return_urls)
        partner = session_request.expected_partner
        # A key limited to some partners only starts flows bound to one of them.
        if (partner or partners_of(key) is not None) and not allows(key, OPERATION, partner or ""):
            raise Refused(
                403, "forbidden", "This API key may not act for that selling partner.", "selling_partner_id"
            )
        try:
            made = create(db, session_request, key_id=key.id)
        except NoSuchAuthorization as error:
            raise Refused(404, "not_found", str(error).capitalize() + ".", "selling_partner_id") from None
        row = made.session
        log.info("connect session %s created by key %s", row.id, key.id)
        body = {
            "id": row.id,
            "url": made.url(services().settings.public_url),
            "expires_at": row.expires_at.isoformat(),
            "status": "open",
        }
        return body, 201

    return _answer(work)


def read_session(session_id: str):
    """What became of a connect session (the developer's backend trusts this, not the browser)."""

    def work(db, key):
        row = find_session(db, session_id)
        if row is None or (not _sees_all(key) and row.key_id != key.id):
            raise Refused(404, "not_found", "No such connect session.")
        return session_json(db, row), 200

    return _answer(work)


def sign_in(session_id: str):
    """Name the customer the developer's site signed in, for the login session ``session_id``."""

    def work(db, key):
        body = _json_body()
        unknown = sorted(k for k in body if k not in ("customer_ref", "tags", "return_url"))
        if unknown:
            raise FieldError(str(unknown[0])[:40], "is not a field of this request")
        return_url = None
        if body.get("return_url") is not None:
            try:
                return_url = check_return_url(services().settings.return_urls, body["return_url"])
            except ReturnUrlRefused as error:
                raise FieldError("return_url", str(error)) from None
        signed = SessionRequest(
            customer_ref=check_customer_ref(body.get("customer_ref")),
            tags=check_tags(body.get("tags")),
            return_url=return_url,
        )
        row = login_sessions.find(db, session_id)
        if row is not None and not allows(key, OPERATION, row.selling_partner_id):
            raise Refused(403, "forbidden", "This API key may not act for that selling partner.")
        try:
            connect_id = login_sessions.sign_in(db, session_id, signed, key.id)
        except login_sessions.LoginSessionError as error:
            raise Refused(*LOGIN_REFUSED[error.kind]) from None
        return {"id": session_id, "status": "signed_in", "connect_session": connect_id}, 200

    return _answer(work)


def _sees_all(key) -> bool:
    # A key limited to no partner may read every session, like GET /api/v1/authorizations.
    return key.partners is None


def _answer(work):
    db = get_db()
    try:
        key_id, secret = split_bearer(request.headers.get("Authorization"))
        try:
            key = authenticate(db, key_id, secret)
        except ApiKeyError as error:
            raise Refused(
                401, "invalid_client", f"Client authentication failed ({error.kind} key)."
            ) from None
        if not allows(key, OPERATION):
            raise Refused(403, "forbidden", "This API key lacks the connect operation.")
        body, status = work(db, key)
    except FieldError as error:
        db.rollback()
        return _error(400, "invalid_request", f"{error.field} {error.message}", error.field)
    except Refused as error:
        db.rollback()
        return _error(error.status, error.code, error.message, error.field)
    except OperationalError:
        db.rollback()
        log.warning("connect API: the database is unreachable")
        response = _error(503, "temporarily_unavailable", "The database is unreachable; try again shortly.")
        response.headers["Retry-After"] = "5"
        return response
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _json_body() -> dict:
    try:
        body = request.get_json(silent=True) if request.data else None
    except RecursionError:
        body = None
    if not isinstance(body, dict):
        raise Refused(400, "invalid_request", "Send a JSON object body (Content-Type: application/json).")
    return body


def _error(status: int, code: str, message: str, field: str | None = None):
    return api_error(code, message, status, field=field)
