"""flask spapi api-keys: the token service's API keys (create, list, revoke)."""

import click
from flask.cli import with_appcontext

from auth.security.api_keys import DEFAULT_RATE
from auth.security.api_keys import GRANTLESS_NAMES
from auth.security.api_keys import MAX_DAYS
from auth.security.api_keys import OPERATIONS
from auth.security.api_keys import create_key
from auth.security.api_keys import list_keys
from auth.security.api_keys import partners_of
from auth.security.api_keys import revoke
from auth.security.api_keys import status_of
from web.cli.output import emit
from web.cli.output import emit_one
from web.cli.output import fail
from web.shared.services import services


def key_json(key) -> dict:
    """A key as the CLI and the console show it: never its secret (which is not stored)."""
    return {
        "id": key.id,
        "label": key.label,
        "status": status_of(key),
        "partners": partners_of(key),
        "operations": key.operations.split(","),
        "rate_per_minute": key.rate_per_minute,
        "created_at": key.created_at.isoformat(),
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
    }


@click.group("api-keys", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@with_appcontext
def api_keys_group(context: click.Context, as_json: bool) -> None:
    """List API keys; `create` makes one, `revoke ID` ends one."""
    if context.invoked_subcommand is not None:
        return
    with services().sessions() as db:
        rows = [key_json(k) for k in list_keys(db)]
    if not rows and not as_json:
        click.echo("No API keys yet. Create one with: flask spapi api-keys create --label NAME")
    emit(as_json, rows, _line)


def _line(row: dict) -> str:
    partners = ",".join(row["partners"]) if row["partners"] else "all partners"
    used = row["last_used_at"] or "never"
    return f"{row['id']}\t{row['status']}\t{row['label']}\t{partners}\tlast used {used}"


@api_keys_group.command("create")
@click.option("--label", required=True, help="What the key is for (a worker, a service).")
@click.option(
    "--partner", "partners", multiple=True, help="A selling partner ID it may use (repeat; all when omitted)."
)
@click.option(
    "--operation",
    "operations",
    multiple=True,
    type=click.Choice(OPERATIONS),
    help="What it may get (repeat; access_tokens and restricted_data_tokens when omitted).",
)
@click.option(
    "--grantless-scope",
    "grantless_scopes",
    multiple=True,
    type=click.Choice(tuple(GRANTLESS_NAMES)),
    help="A grantless scope it may get (repeat; none when omitted).",
)
@click.option(
    "--expires", type=click.IntRange(1, MAX_DAYS), help="Days until the key expires (never when omitted)."
)
@click.option(
    "--rate",
    type=click.IntRange(1, 100_000),
    default=DEFAULT_RATE,
    show_default=True,
    help="Requests a minute.",
)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def create_command(label, partners, operations, grantless_scopes, expires, rate, as_json) -> None:
    """Create a key and print its secret (shown only now; only its hash is kept)."""
    with services().sessions() as db:
        try:
            key = create_key(
                db,
                label,
                list(partners),
                list(operations) or None,
                expires,
                rate,
                list(grantless_scopes),
                actor="cli",
            )
        except ValueError as error:
            fail(str(error), as_json)
    emit_one(
        as_json,
        {"id": key.id, "secret": key.secret},
        f"API key {key.id} created. Its secret, shown only now:\n{key.secret}\n"
        f"JSON API: Authorization: Bearer {key.id}.<secret>\n"
        f"LWA-compatible endpoint: client_id={key.id}, client_secret=<secret>, "
        "refresh_token=spapi-auth:<selling partner ID>:<NA|EU|FE>",
    )


@api_keys_group.command("revoke")
@click.argument("key_id")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def revoke_command(key_id, as_json) -> None:
    """Revoke a key at once; exit 1 when no such key exists."""
    with services().sessions() as db:
        if not revoke(db, key_id[:40], actor="cli"):
            fail(f"no API key {key_id[:40]!r}", as_json)
    emit_one(as_json, {"id": key_id, "status": "revoked"}, f"API key {key_id} revoked.")
