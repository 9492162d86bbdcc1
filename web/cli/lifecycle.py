"""The lifecycle commands: rotate-secret, notifications listen, due, events."""

import time

import click
from flask.cli import with_appcontext

from web.cli.output import emit
from web.cli.output import emit_one
from web.cli.output import fail
from web.shared.services import services


def rotate(region_code: str = "NA"):
    """Ask Amazon for a new client secret; return the request's outcome."""
    from auth.config.marketplaces import catalog
    from auth.lifecycle.secret_rotation import audit_rotation_request
    from auth.lifecycle.secret_rotation import request_rotation

    svc = services()
    outcome = request_rotation(svc.token_cache, catalog().regions[region_code], svc.settings.spapi_url)
    with svc.sessions() as db:
        audit_rotation_request(db, "cli", outcome)
        db.commit()
    return outcome


@click.command("rotate-secret")
@click.option("--region", type=click.Choice(["NA", "EU", "FE"]), default="NA", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def rotate_secret_command(region, as_json) -> None:
    """Ask Amazon to rotate the app's LWA client secret (the new one arrives on the SQS queue)."""
    from auth.clients.lwa import LwaError
    from web.cli.output import lwa_failure

    try:
        outcome = rotate(region)
    except LwaError as error:
        lwa_failure(error, as_json)
    if not outcome.accepted:
        fail(
            f"Amazon answered {outcome.result.status}: {outcome.result.body[:300] or outcome.result.error}",
            as_json,
            status=outcome.result.status,
        )
    emit_one(
        as_json,
        {"accepted": True, "request_id": outcome.result.request_id},
        "Amazon accepted the rotation. The new secret arrives on the SQS queue: "
        "flask spapi notifications listen --once stores it.",
    )


@click.group("notifications", invoke_without_command=True)
@click.option("--outcome", help="Only those with this outcome (stored, refused, malformed, ...).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@with_appcontext
def notifications_group(ctx, outcome, as_json) -> None:
    """Application Management notifications from the SQS queue; without a subcommand, list the
    recorded ones, newest first (refused new secrets included), never a secret."""
    if ctx.invoked_subcommand is not None:
        return
    from sqlalchemy import select

    from auth.lifecycle.tables import LwaNotification

    statement = select(LwaNotification).order_by(LwaNotification.received_at.desc()).limit(200)
    if outcome:
        statement = statement.where(LwaNotification.outcome == outcome[:40])
    with services().sessions() as db:
        rows = [
            {
                "notification_id": n.notification_id,
                "type": n.type,
                "received_at": n.received_at.isoformat(),
                "outcome": n.outcome,
            }
            for n in db.scalars(statement)
        ]
    if not rows and not as_json:
        click.echo("No notifications recorded.")
    emit(as_json, rows, lambda r: f"{r['received_at']}\t{r['type']}\t{r['notification_id']}\t{r['outcome']}")


@notifications_group.command("listen")
@click.option("--once", is_flag=True, help="One receive round (for cron), then exit.")
@click.option(
    "--wait",
    type=click.IntRange(0, 20),
    default=None,
    help="Long-polling seconds (default 20; 1 with --once).",
)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def listen_command(once, wait, as_json) -> None:
    """Read the queue: store new client secrets, record expiry notices (and rotate with
    SPAPI_AUTO_ROTATE_DAYS), each notification once; delete a message only once handled."""
    from auth.lifecycle.consumer import consume
    from auth.lifecycle.sqs import queue_client
    from auth.lifecycle.verify import lwa_secret_check

    svc = services()
    queue = svc.settings.rotation_queue_url
    if not queue:
        fail("SPAPI_ROTATION_QUEUE_URL is not set: Amazon has nowhere to send the notifications", as_json)
    results = []

    def report(outcome):
        row = {"notification_id": outcome.notification_id, "type": outcome.type, "outcome": outcome.outcome}
        results.append(row)
        if not as_json:
            click.echo(f"{row['type'] or 'unreadable'}\t{row['notification_id'] or '-'}\t{row['outcome']}")

    def auto_rotate():
        outcome = rotate()
        if not as_json:
            click.echo(f"auto-rotation requested: {'accepted' if outcome.accepted else 'refused'}")

    consume(
        queue_client(queue),
        queue,
        svc.sessions,
        svc.client_secrets,
        auto_rotate_days=svc.settings.auto_rotate_days,
        on_rotate=auto_rotate,
        once=once,
        wait_seconds=wait if wait is not None else (1 if once else 20),
        report=report,
        verify=lwa_secret_check(svc.settings.lwa_token_url, svc.settings.lwa_client_id),
    )
    if as_json:
        emit(True, results, None)


@click.command("due")
@click.option("--within", type=click.IntRange(0, 3650), default=30, show_default=True, help="Days ahead.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def due_command(within, as_json) -> None:
    """Authorizations Amazon ends within N days (365 days after they were given); exit 1 when
    any are due, for cron and monitoring. Each is also queued once as a webhook event."""
    from auth.lifecycle.due import announce
    from auth.lifecycle.due import due_within

    with services().sessions() as db:
        due = due_within(db, within)
        rows = [
            {
                "selling_partner_id": d.authorization.selling_partner_id,
                "region": d.authorization.region,
                "account_type": d.authorization.account_type,
                "authorized_at": d.authorization.authorized_at.isoformat(),
                "due_at": d.due_at.isoformat(),
                "days_left": d.days_left,
            }
            for d in due
        ]
        announce(db, due)
    if not rows and not as_json:
        click.echo(f"No authorization ends within {within} days.")
    emit(
        as_json,
        rows,
        lambda r: f"{r['selling_partner_id']}\t{r['region']}\tdue {r['due_at'][:10]}\t{r['days_left']} days",
    )
    if rows:
        raise SystemExit(1)


@click.group("events", invoke_without_command=True)
@click.option("--status", type=click.Choice(["pending", "delivered", "dead"]))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@with_appcontext
def events_group(context, status, as_json) -> None:
    """List the webhook events (newest first); `deliver` sends the pending ones."""
    if context.invoked_subcommand is not None:
        return
    from auth.vault.outbox import event_json
    from auth.vault.outbox import list_events

    with services().sessions() as db:
        rows = [event_json(e) for e in list_events(db, status=status)]
    if not rows and not as_json:
        click.echo("No events yet.")
    # Without a webhook, "pending" would read as stuck: the events are kept, on purpose.
    kept = "kept, no webhook configured" if not services().settings.webhook_url else "pending"
    emit(
        as_json,
        rows,
        lambda r: (
            f"{r['id']}\t{r['type']}\t{kept if r['status'] == 'pending' else r['status']}"
            f"\t{r['created_at']}\tattempts {r['attempts']}"
        ),
    )
    if status == "dead" and rows:
        raise SystemExit(1)  # for monitoring: a dead event is one the developer never got


@events_group.command("deliver")
@click.option("--once", is_flag=True, help="One round (for cron), then exit.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def deliver_command(once, as_json) -> None:
    """Deliver pending events to SPAPI_WEBHOOK_URL, in order, signed; retry with backoff."""
    from auth.lifecycle.webhooks import deliver_due

    svc = services()
    if not svc.settings.webhook_url:
        fail("SPAPI_WEBHOOK_URL is not set", as_json)
    while True:
        with svc.sessions() as db:
            result = deliver_due(db, svc.settings.webhook_url, svc.settings.webhook_secret)
        if once:
            emit_one(
                as_json,
                {"delivered": result.delivered, "failed": result.failed, "dead": result.dead},
                f"delivered {result.delivered}, failed {result.failed}, dead {result.dead}",
            )
            return
        time.sleep(1)
