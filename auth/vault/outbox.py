"""The webhook outbox: every event is a row written in the same transaction as the change it
reports, so a crash between the change and the delivery still delivers (the row is there), and
a rolled-back change never reports anything."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.vault.customers import for_event
from auth.vault.models import OutboxEvent
from auth.vault.models import utcnow

TYPES = (
    "authorization.stored",
    "authorization.pending",
    "authorization.approved",
    "authorization.rejected",
    "authorization.deleted",
    "authorization.revoked",
    "authorization.recovered",
    "authorization.due_soon",
    "client_secret.rotated",
    "client_secret.expiring",
    "client_secret.refused",
)


def record_event(db: Session, event_type: str, **data) -> OutboxEvent:
    """Add an event to the caller's transaction (never a token or secret in ``data``)."""
    if event_type not in TYPES:
        raise ValueError(f"unknown event type {event_type}")
    data = for_event(db, data)  # every event about an authorization names its customer
    now = utcnow()
    event = OutboxEvent(
        type=event_type,
        payload=json.dumps(data, sort_keys=True, default=str),
        created_at=now,
        status="pending",
        attempts=0,
        next_attempt_at=now,
    )
    db.add(event)
    return event


def list_events(db: Session, limit: int = 200, status: str | None = None) -> list[OutboxEvent]:
    """The newest events (of one status, or all)."""
    statement = select(OutboxEvent).order_by(OutboxEvent.id.desc()).limit(limit)
    if status:
        statement = statement.where(OutboxEvent.status == status)
    return list(db.scalars(statement))


def event_json(event: OutboxEvent) -> dict:
    """An event as the CLI, the console and the webhook show it."""
    return {
        "id": event.id,
        "type": event.type,
        "created_at": event.created_at.isoformat(),
        "status": event.status,
        "attempts": event.attempts,
        "next_attempt_at": event.next_attempt_at.isoformat() if event.next_attempt_at else None,
        "delivered_at": event.delivered_at.isoformat() if event.delivered_at else None,
        "last_error": event.last_error,
        "data": json.loads(event.payload),
    }
