"""``POST /api/v1/associates/<id>/check``: an affiliate plugin's back end runs a credential
check with an API key allowed the ``associates`` operation; the answer is ``--json``'s."""

from flask import jsonify
from flask import request
from sqlalchemy.exc import SQLAlchemyError

from auth.associates import trail
from auth.associates.check import run_check
from auth.associates.check import valid_asin
from auth.associates.credentials import get_credential
from auth.associates.throttle import Wait
from auth.security.api_keys import split_bearer
from auth.tokens.service import ServiceError
from auth.vault.crypto import VaultError
from web.api.service import token_service
from web.shared.associates import checker
from web.shared.errors import api_error
from web.shared.services import get_db

OPERATION = "associates"


def check(credential_id: int):
    """Run the check of one stored credential (``{"asin"}`` optional)."""
    db = get_db()
    try:
        key_id, secret = split_bearer(request.headers.get("Authorization"))
        key = token_service().authenticate(db, key_id, secret)
        if not key.allows(OPERATION):
            return api_error(
                "forbidden", "This API key may not run Associates checks (operation associates).", 403
            )
        asin = _asin()
        row = get_credential(db, credential_id)
        if row is None:
            return api_error("not_found", f"No Associates credential {credential_id}.", 404)
        report = run_check(db, checker(), row, asin)
        trail.checked(db, f"api-key:{key.id}", row, report)
        db.commit()
    except ServiceError as error:
        db.rollback()
        return api_error(error.kind, error.message, error.status, error.retry_after)
    except Wait as wait:
        db.rollback()
        return api_error("wait", str(wait), 429, wait.seconds, wait_seconds=wait.seconds)
    except VaultError:
        db.rollback()
        return api_error(
            "unreadable", f"Credential {credential_id} cannot be decrypted with the configured keys.", 409
        )
    except ValueError as error:
        return api_error("invalid_request", str(error), 400)
    except SQLAlchemyError:
        db.rollback()
        return api_error("unavailable", "The database is unavailable; try again shortly.", 503, 5)
    response = jsonify(report)
    response.headers["Cache-Control"] = "no-store"
    if report["kind"] == "unreachable":
        # Amazon did not answer: an upstream outage, with the same report as the body.
        response.status_code = 503
        response.headers["Retry-After"] = "30"
    return response


def _asin() -> str | None:
    """The optional ``asin`` of a JSON body.

    :raises ValueError: naming the malformed field.
    """
    if not request.data:
        return None
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValueError("Send a JSON object body (or none).")
    asin = body.get("asin")
    if asin is None:
        return None
    if not isinstance(asin, str) or not valid_asin(asin.strip().upper()):
        raise ValueError("asin must be 10 letters and digits (like B07FZ8S74R).")
    return asin
