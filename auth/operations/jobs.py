"""The background jobs the worker runs: each returns one line saying how it went (no secret),
and stops early when the worker is asked to stop."""

import threading
from dataclasses import dataclass
from dataclasses import field

from auth.config.settings import Settings
from auth.operations.check import Checker
from auth.vault.client_secrets import ClientSecretStore
from auth.vault.crypto import TokenVault

DUE_WINDOW_DAYS = 30


@dataclass
class JobContext:
    """What the jobs need, built once per worker process."""

    settings: Settings
    sessions: object
    vault: TokenVault
    lwa: object
    shared: object
    client_secrets: ClientSecretStore
    token_cache: object
    stopping: threading.Event = field(default_factory=threading.Event)


def deliver_events(ctx: JobContext) -> str:
    """Deliver the pending webhook events, one at a time so a stop waits for one POST at most."""
    from auth.lifecycle.webhooks import deliver_due

    if not ctx.settings.webhook_url:
        return "skipped: SPAPI_WEBHOOK_URL is not set"
    delivered = failed = dead = 0
    while not ctx.stopping.is_set():
        with ctx.sessions() as db:
            result = deliver_due(db, ctx.settings.webhook_url, ctx.settings.webhook_secret, limit=1)
        delivered, failed, dead = delivered + result.delivered, failed + result.failed, dead + result.dead
        if not (result.delivered or result.dead):
            break  # nothing due, or the oldest waits for its retry
    return f"delivered {delivered}, failed {failed}, dead {dead}"


def read_notifications(ctx: JobContext) -> str:
    """One receive round of the Application Management queue (new secrets, expiry notices)."""
    from auth.config.marketplaces import catalog
    from auth.lifecycle.consumer import consume
    from auth.lifecycle.secret_rotation import request_rotation
    from auth.lifecycle.sqs import queue_client

    queue = ctx.settings.rotation_queue_url
    if not queue:
        return "skipped: SPAPI_ROTATION_QUEUE_URL is not set"

    def rotate():
        request_rotation(ctx.token_cache, catalog().regions["NA"], ctx.settings.spapi_url)

    handled = consume(
        queue_client(queue),
        queue,
        ctx.sessions,
        ctx.client_secrets,
        auto_rotate_days=ctx.settings.auto_rotate_days,
        on_rotate=rotate,
        once=True,
        wait_seconds=1,
    )
    outcomes = ", ".join(f"{h.type or 'unreadable'} {h.outcome}" for h in handled)
    return f"{len(handled)} notifications" + (f": {outcomes}" if outcomes else "")


def check_health(ctx: JobContext) -> str:
    """Check every authorization against LWA (``flask spapi check --all``)."""
    checker = Checker(
        ctx.sessions,
        ctx.vault,
        ctx.lwa,
        ctx.shared,
        rate=ctx.settings.check_rate,
        concurrency=ctx.settings.check_concurrency,
    )
    results = checker.run(should_stop=ctx.stopping.is_set)
    counts = {name: sum(1 for r in results if r.result == name) for name in ("ok", "revoked", "unreachable")}
    return ", ".join(f"{number} {name}" for name, number in counts.items())


def announce_due(ctx: JobContext) -> str:
    """Queue ``authorization.due_soon`` for re-authorizations due within 30 days (once each)."""
    from auth.lifecycle.due import announce
    from auth.lifecycle.due import due_within

    with ctx.sessions() as db:
        due = due_within(db, DUE_WINDOW_DAYS)
        added = announce(db, due)
    return f"{len(due)} due within {DUE_WINDOW_DAYS} days, {added} newly announced"
