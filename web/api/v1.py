"""The JSON API (``/api/v1``): bearer API keys (``Authorization: Bearer <id>.<secret>``),
JSON in and out, errors as ``{"error": {"code", "message"}}``."""

from pathlib import Path

from flask import Response
from flask import jsonify
from flask import request

from auth.security.api_keys import split_bearer
from auth.tokens.handles import REGIONS
from auth.tokens.handles import make_handle
from auth.tokens.service import ServiceError
from web.api.service import token_service
from web.shared.errors import api_error
from web.shared.services import get_db

OPENAPI = Path(__file__).parent / "openapi.json"


def authorizations():
    """The stored authorizations this key may use."""
    ref = request.args.get("customer_ref")

    def listed(db, key):
        rows = token_service().authorizations(db, key)
        # ?customer_ref= filters to one of the developer's customers (exact match).
        return {"authorizations": [r for r in rows if ref is None or r["customer_ref"] == ref]}

    return _answer(listed)


def access_tokens():
    """An access token for ``{"selling_partner_id", "region"}``."""

    def issue(db, key):
        body = _json_body()
        partner, region = _partner_and_region(body)
        issued = token_service().access_token(db, key, partner, region)
        return {
            "access_token": issued.access_token,
            "token_type": "bearer",
            "expires_in": issued.expires_in,
            "selling_partner_id": partner,
            "region": region,
            "handle": make_handle(partner, region),
        }

    return _answer(issue)


def restricted_data_tokens():
    """An RDT for ``{"selling_partner_id", "region", "restricted_resources", "target_application"?}``."""

    def issue(db, key):
        body = _json_body()
        partner, region = _partner_and_region(body)
        return token_service().restricted_data_token(
            db, key, partner, region, body.get("restricted_resources"), body.get("target_application")
        )

    return _answer(issue)


def grantless_tokens():
    """A grantless token for ``{"scope"}``."""

    def issue(db, key):
        scope = _json_body().get("scope")
        issued = token_service().grantless_token(db, key, scope if isinstance(scope, str) else "")
        return {
            "access_token": issued.access_token,
            "token_type": "bearer",
            "expires_in": issued.expires_in,
            "scope": issued.scope,
        }

    return _answer(issue)


def openapi():
    """The OpenAPI 3 description of this API and of the LWA-compatible endpoint."""
    return Response(OPENAPI.read_text(encoding="utf-8"), mimetype="application/json")


def _answer(work):
    db = get_db()
    try:
        service = token_service()
        with service.request(db):
            key_id, secret = split_bearer(request.headers.get("Authorization"))
            key = service.authenticate(db, key_id, secret)
            body = work(db, key)
        db.commit()
    except ServiceError as error:
        db.rollback()  # what the service recorded is committed already
        return api_error(error.kind, error.message, error.status, error.retry_after, **error.extra)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _json_body() -> dict:
    try:
        body = request.get_json(silent=True) if request.data else None
    except RecursionError:  # absurdly nested: not a request body we read
        body = None
    if not isinstance(body, dict):
        raise ServiceError("invalid_request", "Send a JSON object body (Content-Type: application/json).")
    return body


def _partner_and_region(body: dict) -> tuple[str, str]:
    partner, region = body.get("selling_partner_id"), body.get("region")
    if not isinstance(partner, str) or not partner:
        raise ServiceError("invalid_request", "selling_partner_id is required.")
    if region not in REGIONS:
        raise ServiceError("invalid_request", f"region must be one of {', '.join(REGIONS)}.")
    return partner, region
