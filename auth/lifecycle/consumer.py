"""The SQS consumer: receive, apply, and only then delete. A consumer killed between receiving
and storing loses nothing: the message was not deleted, so SQS offers it again after its
visibility timeout."""

from collections.abc import Callable

from auth.lifecycle.notifications import Handled
from auth.lifecycle.notifications import handle
from auth.lifecycle.sqs import delete
from auth.lifecycle.sqs import receive
from auth.vault.client_secrets import ClientSecretStore


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
) -> list[Handled]:
    """Handle messages until stopped (or one receive round with ``once``)."""
    handled: list[Handled] = []
    while True:
        for message in receive(client, queue_url, wait_seconds, visibility):
            with sessions() as db:
                outcome = handle(db, store, message.get("Body", ""), auto_rotate_days)
            delete(client, queue_url, message)  # stored (or deliberately ignored): acknowledge
            handled.append(outcome)
            if report:
                report(outcome)
            if outcome.rotate and on_rotate:
                on_rotate()
        if once:
            return handled
