"""Application Management notifications: what Amazon sends (built here for the simulator) and
what the consumer does with each one.

``APPLICATION_OAUTH_CLIENT_NEW_SECRET``: the rotated secret (the old one keeps working until
``oldClientSecretExpiryTime``). ``APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY``: the current secret
expires at ``clientSecretExpiryTime``. Each is handled once (by ``notificationId``); another
app's (another ``clientId``) is ignored.

A message is not proof: its secret is stored only after LWA accepts it (``verify``), an older
secret is never expired sooner than ``MIN_OLD_SECRET_LIFE`` whatever the message says, and a
refused one is recorded (outcome ``refused``, event ``client_secret.refused``).
"""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.lifecycle.tables import LwaNotification
from auth.lifecycle.verify import ACCEPTED
from auth.lifecycle.verify import UNAVAILABLE
from auth.lifecycle.verify import SecretCheck
from auth.lifecycle.verify import refuse_all
from auth.vault.client_secrets import ClientSecretStore
from auth.vault.models import utcnow
from auth.vault.outbox import record_event

NEW_SECRET = "APPLICATION_OAUTH_CLIENT_NEW_SECRET"
EXPIRY = "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY"
PAYLOAD_VERSION = "2023-11-30"
MAX_BODY = 64 * 1024  # Amazon's notifications are about 1 KB; SQS allows 256 KB
# Amazon keeps the old secret working about a week; an earlier expiry in a message is not
# believed (the newest secret is tried first anyway, so keeping the old one costs nothing).
MIN_OLD_SECRET_LIFE = timedelta(days=7)


def _metadata(application_id: str) -> dict:
    now = utcnow()
    return {
        "applicationId": application_id,
        "subscriptionId": secrets.token_hex(8),
        "publishTime": now.isoformat().replace("+00:00", "Z"),
        "notificationId": secrets.token_hex(16),
    }


def new_secret_notification(
    application_id: str, client_id: str, new_secret: str, new_expiry: datetime, old_expiry: datetime
) -> dict:
    """The notification Amazon queues after ``rotateApplicationClientSecret``."""
    return {
        "notificationVersion": "1.0",
        "notificationType": NEW_SECRET,
        "payloadVersion": PAYLOAD_VERSION,
        "eventTime": utcnow().isoformat().replace("+00:00", "Z"),
        "payload": {
            "applicationOAuthClientNewSecret": {
                "clientId": client_id,
                "newClientSecret": new_secret,
                "newClientSecretExpiryTime": _iso(new_expiry),
                "oldClientSecretExpiryTime": _iso(old_expiry),
            }
        },
        "notificationMetadata": _metadata(application_id),
    }


def expiry_notification(
    application_id: str, client_id: str, expiry: datetime, reason="PERIODIC_ROTATION"
) -> dict:
    """The notice Amazon sends before a secret's deadline."""
    return {
        "notificationVersion": "1.0",
        "notificationType": EXPIRY,
        "payloadVersion": PAYLOAD_VERSION,
        "eventTime": utcnow().isoformat().replace("+00:00", "Z"),
        "payload": {
            "applicationOAuthClientSecretExpiry": {
                "clientId": client_id,
                "clientSecretExpiryTime": _iso(expiry),
                "clientSecretExpiryReason": reason,
            }
        },
        "notificationMetadata": _metadata(application_id),
    }


@dataclass(frozen=True)
class Handled:
    """What the consumer did with one message."""

    notification_id: str | None
    type: str | None
    outcome: str  # stored, recorded, duplicate, foreign, malformed, refused, unverified, ignored
    rotate: bool = False  # an expiry notice asks for a rotation (SPAPI_AUTO_ROTATE_DAYS)
    keep: bool = False  # leave the message on the queue: it can be handled later (LWA was down)


def handle(
    db: Session,
    store: ClientSecretStore,
    body: str,
    auto_rotate_days: int = 0,
    verify: SecretCheck = refuse_all,
) -> Handled:
    """Apply one message: store a new secret LWA accepts, record an expiry notice; each once.
    Commits.

    Never raises for a message's content: a malformed one is reported ``malformed`` (and
    can be deleted: reading it again would not help).
    """
    parsed = _parse(body)
    if parsed is None:
        return Handled(None, None, "malformed")
    kind, notification_id, payload = parsed
    if kind == NEW_SECRET:
        data = payload.get("applicationOAuthClientNewSecret")
        return _new_secret(db, store, notification_id, data if isinstance(data, dict) else {}, verify)
    if kind == EXPIRY:
        data = payload.get("applicationOAuthClientSecretExpiry")
        return _expiry(db, store, notification_id, data if isinstance(data, dict) else {}, auto_rotate_days)
    return _note(db, notification_id, kind, None, "ignored", {})


def _parse(body) -> tuple[str, str, dict] | None:
    """The type, ID and payload of a notification, or None when any of them is unusable."""
    if not isinstance(body, str) or len(body) > MAX_BODY:
        return None
    try:
        notification = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(notification, dict):
        return None
    kind, metadata, payload = (
        notification.get("notificationType"),
        notification.get("notificationMetadata"),
        notification.get("payload"),
    )
    if not isinstance(kind, str) or not isinstance(metadata, dict) or not isinstance(payload, dict):
        return None
    notification_id = metadata.get("notificationId")
    if not isinstance(notification_id, str | int) or not str(notification_id):
        return None
    return kind[:80], str(notification_id)[:200], payload


def _new_secret(db, store, notification_id, data, verify: SecretCheck) -> Handled:
    client_id = data.get("clientId")
    if client_id != store.client_id:
        return _note(
            db, notification_id, NEW_SECRET, client_id if isinstance(client_id, str) else None, "foreign", {}
        )
    if db.get(LwaNotification, notification_id) is not None:
        return Handled(notification_id, NEW_SECRET, "duplicate")
    secret = data.get("newClientSecret")
    if not isinstance(secret, str) or not secret or len(secret) > 512:
        return _note(db, notification_id, NEW_SECRET, client_id, "malformed", {})
    if store.knows(db, secret):
        return _note(db, notification_id, NEW_SECRET, client_id, "duplicate", {})
    verdict = verify(secret)
    if verdict == UNAVAILABLE:
        return Handled(notification_id, NEW_SECRET, "unverified", keep=True)
    if verdict != ACCEPTED:
        record_event(db, "client_secret.refused", client_id=client_id, notification_id=notification_id)
        return _note(db, notification_id, NEW_SECRET, client_id, "refused", {"why": "LWA refused the secret"})
    new_expiry = _time(data.get("newClientSecretExpiryTime"))
    old_expiry = max(_time(data.get("oldClientSecretExpiryTime")) or utcnow(), utcnow() + MIN_OLD_SECRET_LIFE)
    stored = store.store_rotation(db, secret, new_expiry, old_expiry, notification_id)
    detail = {"new_secret_expires": _iso(new_expiry), "old_secret_expires": _iso(old_expiry)}
    if stored:
        record_event(db, "client_secret.rotated", client_id=client_id, **detail)
    return _note(db, notification_id, NEW_SECRET, client_id, "stored" if stored else "duplicate", detail)


def _expiry(db, store, notification_id, data, auto_rotate_days) -> Handled:
    client_id = data.get("clientId")
    if client_id != store.client_id:
        return _note(db, notification_id, EXPIRY, client_id, "foreign", {})
    if db.get(LwaNotification, notification_id) is not None:
        return Handled(notification_id, EXPIRY, "duplicate")
    expires = _time(data.get("clientSecretExpiryTime"))
    days_left = (expires - utcnow()).total_seconds() / 86400 if expires else None
    rotate = bool(auto_rotate_days) and days_left is not None and days_left < auto_rotate_days
    detail = {
        "expires": _iso(expires),
        "reason": str(data.get("clientSecretExpiryReason", ""))[:60],
        "days_left": days_left,
    }
    record_event(db, "client_secret.expiring", client_id=client_id, **detail)
    handled = _note(db, notification_id, EXPIRY, client_id, "recorded", detail)
    # A concurrent consumer that recorded it first asks for the rotation, never both.
    return Handled(
        handled.notification_id,
        handled.type,
        handled.outcome,
        rotate=rotate and handled.outcome == "recorded",
    )


def _note(db: Session, notification_id, kind, client_id, outcome, detail) -> Handled:
    """Record the notification (so a redelivery is a duplicate) and commit with its effects."""
    db.add(
        LwaNotification(
            notification_id=notification_id,
            type=str(kind)[:80],
            client_id=str(client_id)[:200] if client_id else None,
            received_at=utcnow(),
            outcome=outcome,
            detail=json.dumps(detail, default=str),
        )
    )
    try:
        db.commit()  # commit point: a notification handled once, with its effects
    except IntegrityError:  # a concurrent consumer handled the same notification
        db.rollback()
        return Handled(notification_id, kind, "duplicate")
    return Handled(notification_id, kind, outcome)


def _time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None
