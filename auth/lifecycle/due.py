"""Re-authorization reminders: Amazon ends a partner's authorization 365 days after it was
given (self-authorizations from Seller Central do not expire this way)."""

import json
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.vault.customers import of_row
from auth.vault.models import Authorization
from auth.vault.models import OutboxEvent
from auth.vault.models import utcnow
from auth.vault.outbox import record_event

LIFETIME = timedelta(days=365)


@dataclass(frozen=True)
class Due:
    """An authorization that ends within the window."""

    authorization: Authorization
    due_at: datetime

    @property
    def days_left(self) -> int:
        """Whole days until it ends (negative: it already has)."""
        return (self.due_at - utcnow()).days


def due_within(db: Session, days: int, now: datetime | None = None) -> list[Due]:
    """Authorizations that end within ``days`` (or already have), soonest first."""
    now = now or utcnow()
    rows = db.scalars(select(Authorization).where(Authorization.workflow != "self")).all()
    found = [Due(row, row.authorized_at + LIFETIME) for row in rows]
    return sorted((d for d in found if d.due_at <= now + timedelta(days=days)), key=lambda d: d.due_at)


def announce(db: Session, due: list[Due]) -> int:
    """Queue one ``authorization.due_soon`` event per authorization and due date; commit.
    Returns how many were new (running the check every day does not repeat them)."""
    existing = {
        event.payload
        for event in db.scalars(select(OutboxEvent).where(OutboxEvent.type == "authorization.due_soon"))
    }
    added = 0
    for item in due:
        row = item.authorization
        data = {
            "due_at": item.due_at.isoformat(),
            "region": row.region,
            "selling_partner_id": row.selling_partner_id,
            **of_row(row),  # named here so that the comparison below sees the same payload
        }
        if json.dumps(data, sort_keys=True) in existing:
            continue
        record_event(db, "authorization.due_soon", **data)
        added += 1
    db.commit()  # commit point: a reminder is written once, by whichever worker
    return added
