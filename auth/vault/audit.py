"""The audit trail: every decision about an authorization, appended, never changed.

Only what explains a decision is kept (fingerprints, trust, reasons, who acted); never a
token, code, state or secret.
"""

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.vault.models import AuditEvent
from auth.vault.models import utcnow


def record(
    db: Session,
    actor: str,
    action: str,
    *,
    selling_partner_id: str | None = None,
    region: str | None = None,
    now: datetime | None = None,
    **detail,
) -> AuditEvent:
    """Add one event to the session (the caller commits it with the change it explains)."""
    event = AuditEvent(
        at=now or utcnow(),
        actor=actor[:40],
        action=action[:40],
        selling_partner_id=selling_partner_id,
        region=region,
        detail=json.dumps(detail, sort_keys=True, default=str),
    )
    db.add(event)
    return event


def events_for(
    db: Session, selling_partner_id: str | None = None, limit: int = 200, actor: str | None = None
) -> list[AuditEvent]:
    """The newest events, for one selling partner (or actor) or for all."""
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if selling_partner_id:
        statement = statement.where(AuditEvent.selling_partner_id == selling_partner_id)
    if actor:
        statement = statement.where(AuditEvent.actor == actor)
    return list(db.scalars(statement))


def detail_of(event: AuditEvent) -> dict:
    """The event's detail as a dictionary."""
    return json.loads(event.detail or "{}")
