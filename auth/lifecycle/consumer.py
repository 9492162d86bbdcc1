"""The SQS consumer: receive, apply, and only then delete. A consumer killed between receiving
and storing loses nothing: the message was not deleted, so SQS offers it again after its
visibility timeout.

One bad message never stops the others: a message whose content cannot be used is recorded
once and deleted; one that fails for another reason (the database is down) is left on the
queue, so SQS offers it again and, after the queue's ``maxReceiveCount``, its dead-letter
policy takes it. The loop itself never ends on a message.
"""

import hashlib
import json
import logging
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import SQLAlchemyError

from auth.lifecycle.notifications import Handled
from auth.lifecycle.notifications import handle
from auth.lifecycle.sqs import delete
from auth.lifecycle.sqs import receive
from auth.lifecycle.tables import LwaNotification
from auth.lifecycle.verify import SecretCheck
from auth.lifecycle.verify import refuse_all
from auth.vault.client_secrets import ClientSecretStore
from auth.vault.models import utcnow

log = logging.getLogger(__name__)


def consume(
    client,
    queue_url: str,
    sessions,
    store: ClientSecretStore,
    *,
    auto_rotate_days: int = 0,
    on_rotate: Callable[[], None] | None = None,
    once: bool = False,
    wait_seconds: int = 20,
    visibility: int = 30,
    report: Callable[[Handled], None] | None = None,
    verify: SecretCheck = refuse_all,
) -> list[Handled]:
    """Handle messages until stopped (or one receive round with ``once``)."""
    handled: list[Handled] = []
    while True:
        for message in receive(client, queue_url, wait_seconds, visibility):
            outcome = _one(client, queue_url, sessions, store, message, auto_rotate_days, verify)
            handled.append(outcome)
            if report:
                report(outcome)
            if outcome.rotate and on_rotate:
                on_rotate()
        if once:
            return handled


def _one(client, queue_url, sessions, store, message, auto_rotate_days, verify) -> Handled:
    """Handle one message and acknowledge it unless it should come back."""
    try:
        with sessions() as db:
            outcome = handle(db, store, message.get("Body", ""), auto_rotate_days, verify)
            if outcome.outcome == "malformed" and outcome.notification_id is None:
                outcome = _record_unreadable(db, message)
    except (SQLAlchemyError, OSError) as error:
        # Not the message's fault: leave it for SQS to offer again (or its dead-letter queue).
        log.warning("notification left on the queue: %s", type(error).__name__)
        return Handled(None, None, "retry_later", keep=True)
    except Exception as error:  # a message no rule foresaw must not end the listener
        log.error("notification could not be handled (%s); left to the queue", type(error).__name__)
        return Handled(None, None, "failed", keep=True)
    if not outcome.keep:
        delete(client, queue_url, message)  # stored (or deliberately ignored): acknowledge
    return outcome


def _record_unreadable(db, message) -> Handled:
    """Record an unreadable message once, by its SQS message ID (never its content)."""
    key = "sqs:" + hashlib.sha256(str(message.get("MessageId", "")).encode()).hexdigest()[:32]
    if db.get(LwaNotification, key) is not None:
        return Handled(key, None, "duplicate")
    db.add(
        LwaNotification(
            notification_id=key,
            type="unreadable",
            client_id=None,
            received_at=utcnow(),
            outcome="malformed",
            detail=json.dumps({"size": len(str(message.get("Body", "")))}),
        )
    )
    try:
        db.commit()  # commit point: a notification handled once, by whichever consumer
    except IntegrityError:
        db.rollback()
        return Handled(key, None, "duplicate")
    return Handled(key, None, "malformed")
