"""Delivering the outbox to the developer's webhook: oldest first, signed, retried with
backoff, dead after ``MAX_ATTEMPTS``.

Each POST carries the event as JSON and two headers: ``X-Spapi-Auth-Timestamp`` (Unix seconds)
and ``X-Spapi-Auth-Signature: v1=<hex>``, the HMAC-SHA256 of ``"<timestamp>.<body>"`` under
``SPAPI_WEBHOOK_SECRET``. A receiver recomputes it, compares in constant time and refuses
timestamps more than a few minutes away (replays), and dedupes on ``X-Spapi-Auth-Event-Id``:
delivery is at least once. Events go out in order: while the oldest waits
for its retry, the ones after it wait too.
"""

import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.vault.models import OutboxEvent
from auth.vault.models import utcnow
from auth.vault.outbox import event_json

MAX_ATTEMPTS = 10
BASE_DELAY = 2.0  # seconds; doubles each attempt, at most an hour
MAX_DELAY = 3600.0
TIMEOUT = (3.05, 10)
log = logging.getLogger(__name__)
TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "²".isdigit() is True


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, tolerance: int = 300) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent (either way).

    Never raises: a missing, non-ASCII or absurd header is simply not a valid delivery, so a
    receiver that calls this on whatever arrived cannot be crashed by one forged message.
    """
    try:
        if not (isinstance(timestamp, str) and TIMESTAMP_RE.fullmatch(timestamp)):
            return False
        if abs(time.time() - int(timestamp)) > tolerance:
            return False
        if not (isinstance(signature, str) and signature.isascii() and len(signature) <= 200):
            return False
        if isinstance(body, str):
            body = body.encode()
        if not isinstance(secret, str) or not secret or not isinstance(body, bytes | bytearray):
            return False
        return hmac.compare_digest(sign(secret, int(timestamp), bytes(body)), signature)
    except (TypeError, ValueError, OverflowError):
        return False


@dataclass(frozen=True)
class Delivery:
    """One round's counts."""

    delivered: int
    failed: int
    dead: int


def deliver_due(
    db: Session, url: str, secret: str, limit: int = 100, base_delay: float = BASE_DELAY
) -> Delivery:
    """Deliver pending events in order until one fails or ``limit`` are sent; commit each."""
    delivered = failed = dead = 0
    while delivered < limit:
        event = db.scalar(
            select(OutboxEvent).where(OutboxEvent.status == "pending").order_by(OutboxEvent.id).limit(1)
        )
        now = utcnow()
        if event is None or (event.next_attempt_at and event.next_attempt_at > now):
            break
        body = json.dumps(
            {k: v for k, v in event_json(event).items() if k in ("id", "type", "created_at", "data")}
        ).encode()
        timestamp = int(time.time())
        error = _post(url, body, timestamp, secret, event)
        event.attempts += 1
        # One line per attempt: the event's ID and type and the answer, never its payload.
        log.info(
            "webhook event %s %s attempt %s: %s", event.id, event.type, event.attempts, error or "delivered"
        )
        if error is None:
            event.status, event.delivered_at, event.last_error = "delivered", now, None
            delivered += 1
            db.commit()  # commit point: a delivery attempt is recorded at once
            continue
        event.last_error = error[:300]
        if event.attempts >= MAX_ATTEMPTS:
            event.status = "dead"  # visible in the console; the next events go on
            dead += 1
            db.commit()  # commit point: a delivery attempt is recorded at once
            continue
        event.next_attempt_at = now + timedelta(
            seconds=min(MAX_DELAY, base_delay * 2 ** (event.attempts - 1))
        )
        failed += 1
        db.commit()  # commit point: a delivery attempt is recorded at once
        break  # in order: nothing after it goes before it
    return Delivery(delivered, failed, dead)


def retry_dead(db: Session, event_id: int) -> bool:
    """Give a dead event a fresh set of attempts (from the console)."""
    event = db.get(OutboxEvent, event_id)
    if event is None or event.status != "dead":
        return False
    event.status, event.attempts, event.next_attempt_at = "pending", 0, utcnow()
    db.commit()  # commit point: a retried event is picked up by any worker
    return True


def _post(url: str, body: bytes, timestamp: int, secret: str, event: OutboxEvent) -> str | None:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "spapi-auth-webhooks/1",
        "X-Spapi-Auth-Event": event.type,
        "X-Spapi-Auth-Event-Id": str(event.id),
        "X-Spapi-Auth-Timestamp": str(timestamp),
        "X-Spapi-Auth-Signature": sign(secret, timestamp, body),
    }
    try:
        answer = requests.post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        return f"{type(error).__name__}: the webhook could not be reached"
    if 200 <= answer.status_code < 300:
        return None
    return f"HTTP {answer.status_code}"
