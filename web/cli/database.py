"""flask spapi db: the schema migrations, applied once per deployment."""

import json

import click
from flask.cli import AppGroup
from flask.cli import with_appcontext

from auth.vault import schema
from web.shared.services import services


@click.command("upgrade")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def upgrade_command(as_json: bool) -> None:
    """Apply the missing schema migrations (safe to run from several places at once)."""
    before, after = schema.upgrade(services().engine)
    if as_json:
        click.echo(json.dumps({"from": before, "to": after, "changed": before != after}))
    elif before == after:
        click.echo(f"The schema is up to date ({after}).")
    else:
        click.echo(f"Upgraded the schema from {before or 'an empty database'} to {after}.")


@click.command("status")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def status_command(as_json: bool) -> None:
    """Show the schema's revision and the migrations it lacks; exit 1 when any are missing."""
    engine = services().engine
    current, pending = schema.current_revision(engine), schema.pending_revisions(engine)
    if as_json:
        click.echo(json.dumps({"current": current, "head": schema.head_revision(), "pending": pending}))
    else:
        click.echo(f"Schema at {current or 'nothing'}; code needs {schema.head_revision()}.")
        if pending:
            click.echo(f"Missing: {', '.join(pending)}. Run: flask --app app spapi db upgrade")
    raise SystemExit(1 if pending else 0)


def create_group() -> AppGroup:
    """The ``db`` subgroup."""
    group = AppGroup("db", help="Schema migrations.")
    group.add_command(upgrade_command)
    group.add_command(status_command)
    return group
