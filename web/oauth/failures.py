"""A failed code exchange, remembered in the browser's session so that the landing page (and
any reload of it) shows the same failure on a URL without the spent code and state."""

from flask import render_template
from flask import session

from auth.clients.lwa import LwaError
from auth.oauth.outcomes import outcome

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
    return render_template("oauth/failed.html", outcome=result, lwa_error=summary), status
