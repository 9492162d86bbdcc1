"""``POST /api/lwa/o2/token``: Login with Amazon's token endpoint, for the developer's workers.

It takes what SP-API client libraries send to LWA (a form body; HTTP Basic client
authentication too) where the client ID and secret are an API key's, and the "refresh token"
is a handle (``spapi-auth:<partner>:<region>``). It answers in LWA's shapes: the same fields
on success, ``{"error", "error_description"}`` with LWA's statuses on failure. The worker
never sees a real refresh token or the app's client secret.
"""

from flask import jsonify
from flask import request

from auth.tokens.handles import parse_handle
from auth.tokens.service import ServiceError
from web.api.service import token_service
from web.shared.errors import retry_after_header
from web.shared.services import get_db


def token():
    """Answer one token request as LWA would."""
    form = request.form
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    basic = request.authorization
    if not client_id and basic is not None and basic.type == "basic":
        client_id, client_secret = basic.username, basic.password
    grant_type = form.get("grant_type")
    db = get_db()
    service = token_service()
    try:
        with service.request(db):
            if not grant_type:
                raise ServiceError(
                    "invalid_request", "The request is missing a required parameter : grant_type"
                )
            if not client_id or not client_secret:
                raise ServiceError(
                    "invalid_request",
                    "The request is missing a required parameter : client_id or client_secret",
                )
            key = service.authenticate(db, client_id, client_secret)
            if grant_type == "refresh_token":
                handle = form.get("refresh_token")
                if not handle:
                    raise ServiceError(
                        "invalid_request", "The request is missing a required parameter : refresh_token"
                    )
                named = parse_handle(handle)
                if named is None:
                    raise ServiceError(
                        "invalid_grant", "The request has an invalid grant parameter : refresh_token"
                    )
                issued = service.access_token(db, key, *named)
                body = {
                    "access_token": issued.access_token,
                    "refresh_token": handle,
                    "token_type": "bearer",
                    "expires_in": issued.expires_in,
                }
            elif grant_type == "client_credentials":
                issued = service.grantless_token(db, key, form.get("scope", ""))
                body = {
                    "access_token": issued.access_token,
                    "scope": issued.scope,
                    "token_type": "bearer",
                    "expires_in": issued.expires_in,
                }
            else:
                raise ServiceError(
                    "unsupported_grant_type",
                    "The authorization grant type is not supported by the authorization server",
                )
            db.commit()
    except ServiceError as error:
        db.rollback()  # what the service recorded is committed already
        response = jsonify(error_description=error.message, error=_lwa_kind(error))
        response.status_code = error.status
        if error.retry_after is not None:
            response.headers["Retry-After"] = retry_after_header(error.retry_after)
        return _no_store(response)
    return _no_store(jsonify(body))


def _lwa_kind(error: ServiceError) -> str:
    # LWA has no "rate limited" error: a 429 comes with a standard code the clients know.
    return "temporarily_unavailable" if error.kind == "rate_limited" else error.kind


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
