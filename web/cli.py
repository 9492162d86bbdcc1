"""The ``flask spapi`` command group."""

import json
import sys

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


@spapi.command("explain")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def explain_command(text: str, as_json: bool) -> None:
    """Explain a code, message, error body or URL; '-' reads standard input."""
    from auth.diagnose import diagnose
    from web.explain import app_context
    from web.explain import as_json as diagnosis_json

    if text == "-":
        text = sys.stdin.read(512 * 1024)
    result = diagnose(text, app_context())
    if as_json:
        click.echo(json.dumps(diagnosis_json(result), indent=2))
        return
    if not result.recognised:
        click.echo("Not recognised. Closest entries:" if result.suggestions else "Not recognised.")
        for entry in result.suggestions:
            click.echo(f"  {entry.code}: {entry.title}  (flask spapi explain {entry.id})")
        return
    click.echo(f"Read as: {result.kind}")
    for finding in result.findings:
        click.echo(f"[{finding.severity}] {finding.message}")
    for entry in result.entries:
        click.echo(f"\n{entry.code}: {entry.title} ({entry.system}, {entry.confidence})")
        click.echo(f"  {entry.meaning}")
        click.echo("  Likely causes:")
        for number, cause in enumerate(entry.causes, 1):
            click.echo(f"    {number}. {cause}")
        click.echo("  Fix:")
        for number, step in enumerate(entry.fix, 1):
            click.echo(f"    {number}. {step}")


def fail(message: str, as_json: bool, **extra) -> None:
    """Print an error (text or JSON) and exit 1."""
    if as_json:
        click.echo(json.dumps({"error": message, **extra}, indent=2))
    else:
        click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


def init_app(app: Flask) -> None:
    """Register the command group."""
    # The command modules attach themselves to the group when imported.
    from web import cli_admin  # noqa: F401
    from web import cli_tokens  # noqa: F401

    app.cli.add_command(spapi)
