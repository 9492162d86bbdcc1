"""The ``flask spapi`` command group."""

import json

import click
from flask import Flask
from flask.cli import AppGroup

from web.services import services

spapi = AppGroup("spapi", help="Manage SP-API authorizations.")


def emit(as_json: bool, rows: list[dict], line) -> None:
    """Print ``rows`` as JSON, or one formatted line per row."""
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(line(row))


@spapi.command("authorizations")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def authorizations_command(as_json: bool) -> None:
    """List stored authorizations (never the tokens, only their fingerprints)."""
    from auth.store import list_authorizations

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


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(spapi)
