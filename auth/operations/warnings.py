"""What needs the operator's attention, for the doctor and the dashboard: dead webhook events
and a delivery backlog older than an hour."""

from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.vault.models import OutboxEvent
from auth.vault.models import utcnow

BACKLOG_AGE = timedelta(hours=1)


def outbox_warnings(db: Session, webhook_configured: bool) -> list[str]:
    """One sentence per problem with the webhook outbox (none: all is well)."""
    found = []
    dead = db.scalar(select(func.count()).where(OutboxEvent.status == "dead")) or 0
    if dead:
        found.append(
            f"{dead} webhook event{'s are' if dead != 1 else ' is'} dead (delivery gave up): "
            "see flask spapi events --status dead, retry them from the console's events page."
        )
    oldest = db.scalar(select(func.min(OutboxEvent.created_at)).where(OutboxEvent.status == "pending"))
    # Without a webhook nothing is delivered by design: a backlog is only news with one.
    if webhook_configured and oldest is not None and oldest < utcnow() - BACKLOG_AGE:
        minutes = int((utcnow() - oldest).total_seconds() // 60)
        found.append(
            f"The oldest undelivered webhook event has waited {minutes} minutes: is flask spapi worker "
            "(or events deliver) running, and does the webhook answer 2xx?"
        )
    return found
