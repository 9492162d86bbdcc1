"""The administrator's decision on a pending authorization: approve (it replaces the active
one) or reject (it is deleted). Both are recorded in the audit trail."""

from sqlalchemy.orm import Session

from auth.errors import NotFound
from auth.vault import audit
from auth.vault.models import PendingAuthorization
from auth.vault.models import utcnow
from auth.vault.outbox import record_event
from auth.vault.store import upsert_active


class NoSuchPending(NotFound):
    """No pending authorization has that ID (already decided, or never existed)."""


def parse_pending_id(text: str) -> int:
    """Accept a pending ID as the JSON shows it (``p12``) or bare (``12``)."""
    digits = text[1:] if text[:1].lower() == "p" else text
    if not digits.isdigit() or len(digits) > 12:
        raise NoSuchPending(f"{text[:40]!r} is not a pending authorization ID (like p12)")
    return int(digits)


def approve(db: Session, pending_id: int, actor: str):
    """Make the pending token the partner's active authorization; return the active row."""
    row = db.get(PendingAuthorization, pending_id)
    if row is None:
        raise NoSuchPending(f"no pending authorization p{pending_id}")
    values = dict(
        account_type=row.account_type,
        workflow=row.workflow,
        refresh_token_encrypted=row.refresh_token_encrypted,
        fingerprint=row.fingerprint,
        authorized_at=row.received_at,
        trust=row.trust,
        account_fingerprint=row.account_fingerprint,
        evidence=row.evidence,
        customer_label=row.customer_label,
        invitation_id=row.invitation_id,
    )
    db.delete(row)
    return upsert_active(
        db, row.selling_partner_id, row.region, values, actor, f"approved p{pending_id}", utcnow()
    )


def reject(db: Session, pending_id: int, actor: str) -> PendingAuthorization:
    """Delete the pending token; the active authorization stays as it is."""
    row = db.get(PendingAuthorization, pending_id)
    if row is None:
        raise NoSuchPending(f"no pending authorization p{pending_id}")
    db.delete(row)
    audit.record(
        db,
        actor,
        "rejected",
        selling_partner_id=row.selling_partner_id,
        region=row.region,
        pending=f"p{pending_id}",
        token=row.fingerprint,
        reason=row.reason,
    )
    record_event(
        db,
        "authorization.rejected",
        selling_partner_id=row.selling_partner_id,
        region=row.region,
        pending=f"p{pending_id}",
        token_fingerprint=row.fingerprint,
    )
    db.commit()
    return row
