"""The administrator's decisions: approve a pending authorization (it replaces the active one,
which is kept as a previous version), reject it (it is deleted), or restore a previous
version. Each is recorded in the audit trail."""

from sqlalchemy.orm import Session

from auth.errors import NotFound
from auth.vault import audit
from auth.vault.models import PendingAuthorization
from auth.vault.models import PreviousAuthorization
from auth.vault.models import utcnow
from auth.vault.outbox import record_event
from auth.vault.previous import DEFAULT_POLICY
from auth.vault.previous import NoSuchPrevious
from auth.vault.previous import VaultPolicy
from auth.vault.previous import values_of
from auth.vault.store import upsert_active


class NoSuchPending(NotFound):
    """No pending authorization has that ID (already decided, or never existed)."""


def parse_pending_id(text: str) -> int:
    """Accept a pending ID as the JSON shows it (``p12``) or bare (``12``)."""
    digits = text[1:] if text[:1].lower() == "p" else text
    if not digits.isdigit() or len(digits) > 12:
        raise NoSuchPending(f"{text[:40]!r} is not a pending authorization ID (like p12)")
    return int(digits)


def approve(db: Session, pending_id: int, actor: str, policy: VaultPolicy = DEFAULT_POLICY):
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
        db, row.selling_partner_id, row.region, values, actor, f"approved p{pending_id}", utcnow(), policy
    )


def restore(db: Session, previous_id: int, actor: str, policy: VaultPolicy = DEFAULT_POLICY):
    """Bring a previous version back as the active authorization; the token it displaces is kept
    as a previous version in turn, so a restore can be undone the same way."""
    row = db.get(PreviousAuthorization, previous_id)
    if row is None or row.expires_at <= utcnow():
        raise NoSuchPrevious(f"no previous version v{previous_id} (restored, expired or never kept)")
    values = values_of(row)
    db.delete(row)
    return upsert_active(
        db, row.selling_partner_id, row.region, values, actor, f"restored v{previous_id}", utcnow(), policy
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
    db.commit()  # commit point: the token goes with its audit row and event, whoever rejects
    return row
