"""flask spapi authorizations --previous and restore: the displaced tokens kept for a while,
and bringing one back (the token it displaces is kept in turn)."""

import click
from flask.cli import with_appcontext

from auth.vault import pending
from auth.vault.previous import NoSuchPrevious
from auth.vault.previous import list_previous
from auth.vault.previous import parse_previous_id
from web.cli.output import emit
from web.cli.output import emit_one
from web.cli.output import fail
from web.shared.services import services


def previous_json(row) -> dict:
    """A previous version as the CLI shows it (fingerprints, never the token)."""
    return {
        "id": f"v{row.id}",
        "selling_partner_id": row.selling_partner_id,
        "account_type": row.account_type,
        "region": row.region,
        "authorized_at": row.authorized_at.isoformat(),
        "fingerprint": row.fingerprint,
        "status": "previous",
        "trust": row.trust,
        "replaced_at": row.replaced_at.isoformat(),
        "replaced_by": row.replaced_by,
        "reason": row.reason,
        "expires_at": row.expires_at.isoformat(),
    }


def list_previous_versions(as_json: bool) -> None:
    """Print the previous versions still kept."""
    with services().sessions() as db:
        rows = [previous_json(row) for row in list_previous(db)]
    if not rows and not as_json:
        click.echo("No previous versions are kept.")
        return
    emit(
        as_json,
        rows,
        lambda r: (
            "\\t".join(
                (
                    r["id"],
                    r["selling_partner_id"],
                    r["region"],
                    r["fingerprint"],
                    f"replaced {r['replaced_at']}",
                )
            )
            + f"\\t(flask spapi authorizations restore {r['id']})"
        ),
    )


@click.command("restore")
@click.argument("previous_id")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def restore_command(previous_id: str, as_json: bool) -> None:
    """Make a previous version the active authorization again (the current one is kept)."""
    with services().sessions() as db:
        try:
            row = pending.restore(db, parse_previous_id(previous_id), "admin:cli", services().vault_policy)
        except NoSuchPrevious as error:
            fail(str(error), as_json)
        result = {"restored": previous_id, "id": row.id, "selling_partner_id": row.selling_partner_id}
        result |= {"region": row.region, "fingerprint": row.fingerprint}
    emit_one(
        as_json, result, f"Restored: {row.selling_partner_id} in {row.region} now uses {row.fingerprint}."
    )
