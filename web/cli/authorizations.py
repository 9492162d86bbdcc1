"""flask spapi authorizations: the stored authorizations, never their tokens."""

import click
from flask.cli import with_appcontext

from web.cli.output import emit
from web.shared.services import services


@click.command("authorizations")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@with_appcontext
def authorizations_command(as_json: bool) -> None:
    """List stored authorizations (never the tokens, only their fingerprints)."""
    from auth.vault.store import list_authorizations

    with services().sessions() as db:
        rows = [
            {
                "selling_partner_id": row.selling_partner_id,
                "account_type": row.account_type,
                "region": row.region,
                "authorized_at": row.authorized_at.isoformat(),
                "fingerprint": row.fingerprint,
            }
            for row in list_authorizations(db)
        ]
    if not rows and not as_json:
        click.echo("No authorizations stored yet.")
    emit(as_json, rows, lambda r: "\t".join(r.values()))
