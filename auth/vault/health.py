"""Each authorization's health, from what LWA last said about its refresh token.

``ok``: LWA issued an access token. ``failing``: LWA could not be asked (timeouts, 5xx,
429): an outage is never a verdict on the grant, however long it lasts. ``revoked``:
``invalid_grant``, which only the partner can fix by authorizing again. Each change is
written with its event in the caller's transaction (``authorization.revoked`` once per
revocation, ``authorization.recovered`` when a failing one works again).
"""

from datetime import datetime

from sqlalchemy.orm import Session

from auth.vault import customers
from auth.vault.models import Authorization
from auth.vault.models import utcnow
from auth.vault.outbox import record_event

HEALTHS = ("ok", "failing", "revoked")


def about(row: Authorization) -> dict:
    """The event fields that name an authorization, with the developer's customer (its
    reference and tags, as every event about an authorization carries them)."""
    return {
        "selling_partner_id": row.selling_partner_id,
        "region": row.region,
        "token_fingerprint": row.fingerprint,
        **customers.of_row(row),
    }


def record_ok(db: Session, row: Authorization, now: datetime | None = None) -> bool:
    """LWA issued a token for the row's refresh token; True when it had been failing or
    revoked before (an ``authorization.recovered`` event is added). The caller commits."""
    recovered = row.health in ("failing", "revoked")
    if recovered:
        record_event(db, "authorization.recovered", **about(row), was=row.health)
    row.health, row.health_failures = "ok", 0
    row.needs_reauthorization = False
    row.last_checked_at = now or utcnow()
    return recovered


def record_failing(db: Session, row: Authorization, kind: str, now: datetime | None = None) -> None:
    """LWA could not be asked (``kind``): failing, unless already revoked. The caller commits."""
    if row.health != "revoked":
        row.health = "failing"
        row.health_failures = (row.health_failures or 0) + 1
    row.last_checked_at = now or utcnow()
    row.last_refresh_result = kind[:64]


def record_revoked(db: Session, row: Authorization, now: datetime | None = None) -> bool:
    """LWA said ``invalid_grant``: revoked at once; True (and one ``authorization.revoked``
    event) only the first time. The caller commits."""
    first = row.health != "revoked" and not row.needs_reauthorization
    if first:
        record_event(db, "authorization.revoked", **about(row))
    row.health, row.health_failures = "revoked", 0
    row.needs_reauthorization = True
    row.last_refresh_result = "invalid_grant"
    row.last_checked_at = now or utcnow()
    return first
