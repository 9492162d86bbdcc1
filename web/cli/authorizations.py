"""flask spapi authorizations, approve and reject: stored and pending authorizations, never
their tokens (fingerprints only)."""

import click
from flask.cli import with_appcontext

from auth.vault import pending
from auth.vault.customers import of_row
from auth.vault.store import list_authorizations
from auth.vault.store import list_pending
from web.cli.output import emit
from web.cli.output import emit_one
from web.cli.output import fail
from web.cli.previous import list_previous_versions
from web.cli.previous import restore_command
from web.shared.services import services


def status_of(row) -> str:
    """active, or needs_reauthorization after LWA refused its refresh token."""
    return "needs_reauthorization" if row.needs_reauthorization else "active"


@click.group("authorizations", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--previous", is_flag=True, help="List the displaced tokens kept for restoring instead.")
@click.pass_context
@with_appcontext
def authorizations_command(ctx: click.Context, as_json: bool, previous: bool) -> None:
    """List stored and pending authorizations (never the tokens, only their fingerprints)."""
    if ctx.invoked_subcommand is not None:
        return
    if previous:
        list_previous_versions(as_json)
        return
    with services().sessions() as db:
        rows = [
            {
                "id": row.id,
                "selling_partner_id": row.selling_partner_id,
                "account_type": row.account_type,
                "region": row.region,
                "authorized_at": row.authorized_at.isoformat(),
                "fingerprint": row.fingerprint,
                "status": status_of(row),
                "trust": row.trust,
                "account_fingerprint": row.account_fingerprint,
                "customer": row.customer_label,
                **of_row(row),
                "health": row.health,
                "last_checked_at": row.last_checked_at.isoformat() if row.last_checked_at else None,
            }
            for row in list_authorizations(db)
        ]
        rows += [
            {
                "id": f"p{row.id}",
                "selling_partner_id": row.selling_partner_id,
                "account_type": row.account_type,
                "region": row.region,
                "authorized_at": row.received_at.isoformat(),
                "fingerprint": row.fingerprint,
                "status": "pending",
                "trust": row.trust,
                "account_fingerprint": row.account_fingerprint,
                "customer": row.customer_label,
                **of_row(row),
                "reason": row.reason,
            }
            for row in list_pending(db)
        ]
    if as_json:
        emit(True, rows, None)
        return
    if not rows:
        click.echo("No authorizations stored yet.")
    for row in rows:
        # The first five columns are the contract's; pending rows add what to do about them.
        line = "\t".join(row[k] for k in ("selling_partner_id", "account_type", "region", "authorized_at"))
        line += "\t" + row["fingerprint"]
        if row["status"] == "pending":
            line += f"\tpending {row['id']}: {row['reason']} (flask spapi approve|reject {row['id']})"
        click.echo(line)


@click.command("approve")
@click.argument("pending_id")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def approve_command(pending_id: str, as_json: bool) -> None:
    """Make a pending authorization the active one (the stored token is replaced)."""
    with services().sessions() as db:
        try:
            row = pending.approve(
                db, pending.parse_pending_id(pending_id), actor="admin:cli", policy=services().vault_policy
            )
        except pending.NoSuchPending as error:
            fail(str(error), as_json)
        result = {"approved": pending_id, "id": row.id, "selling_partner_id": row.selling_partner_id}
        result |= {"region": row.region, "fingerprint": row.fingerprint}
    text = f"Approved: {row.selling_partner_id} in {row.region} now uses {row.fingerprint}."
    emit_one(as_json, result, text)


@click.command("reject")
@click.argument("pending_id")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def reject_command(pending_id: str, as_json: bool) -> None:
    """Delete a pending authorization; the active one stays as it is."""
    with services().sessions() as db:
        try:
            row = pending.reject(db, pending.parse_pending_id(pending_id), actor="admin:cli")
        except pending.NoSuchPending as error:
            fail(str(error), as_json)
        result = {"rejected": pending_id, "selling_partner_id": row.selling_partner_id, "region": row.region}
    emit_one(as_json, result, f"Rejected and deleted {pending_id} ({row.selling_partner_id}).")


authorizations_command.add_command(restore_command)
