"""The client secret's real deadline: the expiry time from Amazon's own
``APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY`` notice when one has arrived for the current
secret; else, for a secret never rotated here, 180 days from ``LWA_CLIENT_SECRET_CREATED``
when the operator set it; else 180 days from when the secret was stored."""

import json
from dataclasses import replace
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.lifecycle.notifications import EXPIRY
from auth.lifecycle.tables import LwaNotification
from auth.vault.client_secrets import ROTATE_EVERY
from auth.vault.client_secrets import SecretStatus


def notice_deadline(db: Session, client_id: str, since: datetime | None) -> datetime | None:
    """The expiry time of the newest expiry notice for ``client_id`` received after ``since``
    (the current secret's creation: a notice about a secret rotated away no longer applies)."""
    statement = (
        select(LwaNotification)
        .where(LwaNotification.type == EXPIRY, LwaNotification.client_id == client_id)
        .where(LwaNotification.outcome == "recorded")
        .order_by(LwaNotification.received_at.desc())
        .limit(5)
    )
    for notice in db.scalars(statement):
        if since is not None and notice.received_at < since:
            return None
        try:
            expires = json.loads(notice.detail or "{}").get("expires")
            return datetime.fromisoformat(expires.replace("Z", "+00:00")) if expires else None
        except (ValueError, AttributeError):
            continue
    return None


def effective_status(
    db: Session, status: SecretStatus, client_id: str, created_setting: str | None = None
) -> tuple[SecretStatus, str]:
    """``status`` with the deadline everyone shows, and where it comes from:
    ``amazon_notice``, ``setting_created`` (LWA_CLIENT_SECRET_CREATED) or ``180_day_rule``."""
    found = notice_deadline(db, client_id, status.created_at)
    if found is not None:
        return replace(status, deadline=found), "amazon_notice"
    created = _date(created_setting)
    if created is not None and status.last_rotation is None:
        # The operator knows when the secret was made; the seed date is only when we met it.
        at = datetime(created.year, created.month, created.day, tzinfo=UTC)
        return replace(status, created_at=at, deadline=at + ROTATE_EVERY), "setting_created"
    return status, "180_day_rule"


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None  # the doctor reports the malformed setting itself
