"""flask spapi commands for tokens: auth-url, exchange, refresh, test, grantless."""

import json

import click
from flask.cli import with_appcontext

from auth.config.identifiers import GRANTLESS_SCOPES
from auth.vault.crypto import fingerprint
from web.cli.output import fail
from web.cli.output import lwa_failure
from web.shared.services import services


def _token_json(token) -> dict:
    return {
        "access_token_fingerprint": fingerprint(token.access_token),
        "expires_in": token.expires_in,
        "fetched": token.fetched,
        "attempts": token.attempts,
    }


def _stored(db, selling_partner_id, region, as_json):
    from auth.vault.store import find_authorization

    row = find_authorization(db, selling_partner_id, region)
    if row is None:
        fail(f"no stored authorization for {selling_partner_id} in {region}", as_json)
    return row


def _refresh(db, row, as_json):
    from auth.clients.lwa import LwaError
    from auth.clients.refresh import refresh_stored
    from auth.vault.crypto import VaultError

    svc = services()
    try:
        return refresh_stored(db, svc.vault, svc.token_cache, row)
    except VaultError:
        fail(
            "the stored token cannot be decrypted with TOKEN_ENCRYPTION_KEYS: re-authorization needed",
            as_json,
        )
    except LwaError as error:
        lwa_failure(error, as_json)


@click.command("refresh")
@click.option("--selling-partner-id", required=True)
@click.option("--region", type=click.Choice(["NA", "EU", "FE"]), required=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def refresh_command(selling_partner_id, region, as_json) -> None:
    """Get an access token for a stored authorization (shown as a fingerprint)."""
    with services().sessions() as db:
        token = _refresh(db, _stored(db, selling_partner_id, region, as_json), as_json)
    data = _token_json(token)
    click.echo(
        json.dumps(data, indent=2)
        if as_json
        else f"Access token {data['access_token_fingerprint']}, expires in {token.expires_in} s "
        f"({'fetched' if token.fetched else 'cached'})."
    )


@click.command("test")
@click.option("--selling-partner-id", required=True)
@click.option("--region", type=click.Choice(["NA", "EU", "FE"]), required=True)
@click.option("--sandbox", is_flag=True, help="Call the sandbox endpoint.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def test_command(selling_partner_id, region, sandbox, as_json) -> None:
    """Refresh a stored authorization and make the SP-API test call; exit 1 unless it succeeds."""
    from auth.clients.spapi_client import run_test_call
    from auth.config.marketplaces import catalog

    svc = services()
    with svc.sessions() as db:
        row = _stored(db, selling_partner_id, region, as_json)
        token = _refresh(db, row, as_json)
        account_type = row.account_type
    result = run_test_call(
        catalog().regions[region],
        token.access_token,
        account_type=account_type,
        sandbox=sandbox,
        url_for_amazon=svc.settings.spapi_url,
    )
    data = {
        "status": result.status,
        "request_id": result.request_id,
        "rate_limit": result.rate_limit,
        "body": result.body[:2000],
        "error": result.error,
    }
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(
            f"HTTP {result.status}  x-amzn-RequestId: {result.request_id}  "
            f"x-amzn-RateLimit-Limit: {result.rate_limit}"
        )
        click.echo(result.error or result.body[:2000])
    if result.status != 200:
        raise SystemExit(1)


@click.command("grantless")
@click.argument("scope", type=click.Choice(GRANTLESS_SCOPES))
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def grantless_command(scope, as_json) -> None:
    """Get a grantless (client_credentials) access token for SCOPE."""
    from auth.clients.lwa import LwaError

    try:
        token = services().token_cache.for_scope(scope)
    except LwaError as error:
        lwa_failure(error, as_json)
    data = {"scope": scope, **_token_json(token)}
    click.echo(
        json.dumps(data, indent=2)
        if as_json
        else f"{scope}: access token {data['access_token_fingerprint']}, expires in {token.expires_in} s."
    )
