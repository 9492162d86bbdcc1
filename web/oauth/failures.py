"""A failed code exchange, remembered in the browser's session so that the landing page (and
any reload of it) shows the same failure on a URL without the spent code and state."""

import logging

from flask import render_template
from flask import session
from sqlalchemy.exc import SQLAlchemyError

from auth.clients.lwa import LwaError
from auth.oauth.callback import StorageFailed
from auth.oauth.callback import was_stored
from auth.oauth.outcomes import outcome
from web.shared.outage import RETRY_AFTER
from web.shared.services import services

log = logging.getLogger(__name__)

FAILED_KEY = "failed_callback"
MAX_TEXT = 300


def remember_failure(stage: str, kind: str, status: int, lwa_error: LwaError | None = None) -> dict:
    """Record what failed in the session (kinds and LWA's public text only, never the code)."""
    record = {"stage": stage, "kind": kind, "status": status}
    if lwa_error is not None:
        record["lwa"] = {
            "kind": lwa_error.kind[:80],
            "http_status": lwa_error.http_status,
            "description": (lwa_error.description or "")[:MAX_TEXT],
            "retry_after": lwa_error.retry_after,
        }
    for key in ("completed_authorization", "ended_without_code"):
        session.pop(key, None)
    session[FAILED_KEY] = record
    return record


class _LwaSummary:
    """What the failure page shows of LWA's answer (the template reads these attributes)."""

    def __init__(self, data: dict):
        self.kind = str(data.get("kind") or "")
        self.http_status = data.get("http_status")
        self.description = str(data.get("description") or "")
        self.retry_after = data.get("retry_after")


def failure_page(record):
    """Render the remembered failure with the status the Redirect URI decided."""
    if not isinstance(record, dict):
        record = {}
    stage = record.get("stage") if record.get("stage") in ("callback", "lwa") else "lwa"
    result = outcome(stage, str(record.get("kind") or "other"))
    status = record.get("status") if record.get("status") in (400, 409, 502, 503) else 400
    lwa = record.get("lwa")
    summary = _LwaSummary(lwa) if isinstance(lwa, dict) else None
    headers = {"Retry-After": str(RETRY_AFTER)} if status == 503 else {}
    return render_template("oauth/failed.html", outcome=result, lwa_error=summary), status, headers


def committed_anyway(failure: StorageFailed):
    """The row the token landed in despite the error (the commit went through), or None.

    None is logged for the developer with the partner ID: the seller's code is spent, so only
    a new authorization from the seller brings the token back.
    """
    try:
        with services().sessions() as db:
            row = was_stored(db, failure)
    except SQLAlchemyError:
        row = None  # still down: we cannot show it was stored, so we say it was not confirmed
    if row is None:
        log.error(
            "authorization for %s in %s was NOT stored: the database failed after LWA spent the code"
            " (token %s); the seller was asked to start again",
            failure.selling_partner_id,
            failure.region,
            failure.token_fingerprint,
        )
    else:
        log.warning(
            "authorization for %s in %s was stored although the database reported an error",
            failure.selling_partner_id,
            failure.region,
        )
    return row
