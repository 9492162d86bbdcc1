"""Deleting a stored authorization: the row, its audit entry and its event, in the caller's
transaction (the caller commits, as everywhere in the core)."""

from sqlalchemy.orm import Session

from auth.vault import audit
from auth.vault.models import Authorization
from auth.vault.outbox import record_event


def delete_authorization(db: Session, row: Authorization, actor: str) -> None:
    """Delete ``row``, audited as ``actor`` and announced as ``authorization.deleted``."""
    db.delete(row)
    audit.record(
        db,
        actor,
        "deleted",
        selling_partner_id=row.selling_partner_id,
        region=row.region,
        token=row.fingerprint,
    )
    record_event(
        db,
        "authorization.deleted",
        selling_partner_id=row.selling_partner_id,
        region=row.region,
        token_fingerprint=row.fingerprint,
    )
