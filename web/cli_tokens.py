"""flask spapi commands for tokens: auth-url, exchange, refresh, test, grantless."""

import json
import secrets

import click

from auth.crypto import fingerprint
from auth.lwa import GRANTLESS_SCOPES
from auth.marketplaces import ACCOUNT_TYPES
from auth.settings import APP_STATUSES
from web.cli import fail as _fail
from web.cli import spapi
from web.services import services


def _lwa_failure(error, as_json: bool) -> None:
    from auth.diagnose import explain_lwa_error
    from web.explain import app_context

    entries = [e.id for e in explain_lwa_error(error, app_context()).entries] or [error.kind]
    _fail(
        f"LWA answered {error.kind}: {error.description or 'no description'}",
        as_json,
        kind=error.kind,
        http_status=error.http_status,
        explain=[f"flask spapi explain {e}" for e in entries],
    )


def _token_json(token) -> dict:
    return {
        "access_token_fingerprint": fingerprint(token.access_token),
        "expires_in": token.expires_in,
        "fetched": token.fetched,
        "attempts": token.attempts,
    }


@spapi.command("auth-url")
@click.option("--marketplace", default="US", show_default=True, help="Country code or marketplace ID.")
@click.option("--account", type=click.Choice(ACCOUNT_TYPES), default="seller", show_default=True)
@click.option("--status", type=click.Choice(APP_STATUSES), help="Defaults to SPAPI_APP_STATUS.")
@click.option("--redirect-uri", help="Optional; Amazon uses the first registered one without it.")
@click.option("--json", "as_json", is_flag=True)
def auth_url_command(marketplace, account, status, redirect_uri, as_json) -> None:
    """Print an authorization (consent) URI with a random, unrecorded state."""
    from auth.consent import build_consent_uri
    from auth.marketplaces import catalog

    settings = services().settings
    found = catalog().find(marketplace)
    if found is None:
        _fail(f"unknown marketplace {marketplace!r}; use one of {', '.join(catalog().valid_keys())}", as_json)
    central = found.central_url(account)
    if central is None:
        _fail(f"Amazon documents no Vendor Central site for {found.name}", as_json)
    draft = (status or settings.app_status) == "draft"
    uri = build_consent_uri(
        central, settings.application_id, secrets.token_urlsafe(32), draft=draft, redirect_uri=redirect_uri
    )
    if as_json:
        click.echo(json.dumps({"uri": uri, "region": found.region.code, "draft": draft}, indent=2))
    else:
        click.echo(uri)
        click.echo(
            "Its state is random and not recorded: the app's /authorize is the flow that checks it.", err=True
        )


@spapi.command("exchange")
@click.argument("code")
@click.option("--selling-partner-id", required=True, help="The partner the code was issued for.")
@click.option("--region", type=click.Choice(["NA", "EU", "FE"]), required=True)
@click.option("--account", type=click.Choice(ACCOUNT_TYPES), default="seller", show_default=True)
@click.option("--redirect-uri", help="Defaults to this app's Redirect URI.")
@click.option("--json", "as_json", is_flag=True)
def exchange_command(code, selling_partner_id, region, account, redirect_uri, as_json) -> None:
    """Exchange an spapi_oauth_code (within its 5 minutes) and store the refresh token."""
    from auth.callback import SELLING_PARTNER_ID_RE
    from auth.lwa import LwaError
    from auth.store import save_authorization

    if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        _fail("the selling partner ID is malformed", as_json)
    svc = services()
    try:
        tokens = svc.lwa.exchange_code(code, redirect_uri or svc.settings.redirect_uri)
    except LwaError as error:
        _lwa_failure(error, as_json)
    with svc.sessions() as db:
        row = save_authorization(
            db,
            svc.vault,
            selling_partner_id=selling_partner_id,
            region=region,
            account_type=account,
            workflow="cli",
            refresh_token=tokens.refresh_token,
        )
        result = {
            "selling_partner_id": row.selling_partner_id,
            "region": row.region,
            "refresh_token_fingerprint": row.fingerprint,
        }
    token = result["refresh_token_fingerprint"]
    stored = f"Stored the authorization of {selling_partner_id} in {region} ({token})."
    click.echo(json.dumps(result, indent=2) if as_json else stored)


def _stored(db, selling_partner_id, region, as_json):
    from auth.store import find_authorization

    row = find_authorization(db, selling_partner_id, region)
    if row is None:
        _fail(f"no stored authorization for {selling_partner_id} in {region}", as_json)
    return row


def _refresh(db, row, as_json):
    from auth.crypto import VaultError
    from auth.lwa import LwaError
    from auth.refresh import refresh_stored

    svc = services()
    try:
        return refresh_stored(db, svc.vault, svc.token_cache, row)
    except VaultError:
        _fail(
            "the stored token cannot be decrypted with TOKEN_ENCRYPTION_KEYS: re-authorization needed",
            as_json,
        )
    except LwaError as error:
        _lwa_failure(error, as_json)


@spapi.command("refresh")
@click.option("--selling-partner-id", required=True)
@click.option("--region", type=click.Choice(["NA", "EU", "FE"]), required=True)
@click.option("--json", "as_json", is_flag=True)
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


@spapi.command("test")
@click.option("--selling-partner-id", required=True)
@click.option("--region", type=click.Choice(["NA", "EU", "FE"]), required=True)
@click.option("--sandbox", is_flag=True, help="Call the sandbox endpoint.")
@click.option("--json", "as_json", is_flag=True)
def test_command(selling_partner_id, region, sandbox, as_json) -> None:
    """Refresh a stored authorization and make the SP-API test call; exit 1 unless it succeeds."""
    from auth.marketplaces import catalog
    from auth.spapi_client import run_test_call

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
        url_for_amazon=svc.settings.amazon_url,
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


@spapi.command("grantless")
@click.argument("scope", type=click.Choice(GRANTLESS_SCOPES))
@click.option("--json", "as_json", is_flag=True)
def grantless_command(scope, as_json) -> None:
    """Get a grantless (client_credentials) access token for SCOPE."""
    from auth.lwa import LwaError

    try:
        token = services().token_cache.for_scope(scope)
    except LwaError as error:
        _lwa_failure(error, as_json)
    data = {"scope": scope, **_token_json(token)}
    click.echo(
        json.dumps(data, indent=2)
        if as_json
        else f"{scope}: access token {data['access_token_fingerprint']}, expires in {token.expires_in} s."
    )
