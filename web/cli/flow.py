"""flask spapi commands of the authorization flow: auth-url and exchange."""

import json
import secrets

import click
from flask.cli import with_appcontext

from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.settings import APP_STATUSES
from web.cli.output import fail
from web.cli.output import lwa_failure
from web.shared.services import services


@click.command("auth-url")
@click.option("--marketplace", default="US", show_default=True, help="Country code or marketplace ID.")
@click.option("--account", type=click.Choice(ACCOUNT_TYPES), default="seller", show_default=True)
@click.option("--status", type=click.Choice(APP_STATUSES), help="Defaults to SPAPI_APP_STATUS.")
@click.option("--redirect-uri", help="Optional; Amazon uses the first registered one without it.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def auth_url_command(marketplace, account, status, redirect_uri, as_json) -> None:
    """Print an authorization (consent) URI with a random, unrecorded state."""
    from auth.config.marketplaces import catalog
    from auth.oauth.consent import build_consent_uri

    settings = services().settings
    found = catalog().find(marketplace)
    if found is None:
        fail(f"unknown marketplace {marketplace!r}; use one of {', '.join(catalog().valid_keys())}", as_json)
    central = found.central_url(account)
    if central is None:
        fail(f"Amazon documents no Vendor Central site for {found.name}", as_json)
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


@click.command("exchange")
@click.argument("code")
@click.option("--selling-partner-id", required=True, help="The partner the code was issued for.")
@click.option("--region", type=click.Choice(["NA", "EU", "FE"]), required=True)
@click.option("--account", type=click.Choice(ACCOUNT_TYPES), default="seller", show_default=True)
@click.option("--redirect-uri", help="Defaults to this app's Redirect URI.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def exchange_command(code, selling_partner_id, region, account, redirect_uri, as_json) -> None:
    """Exchange an spapi_oauth_code (within its 5 minutes) and store the refresh token."""
    from auth.clients.lwa import LwaError
    from auth.config.identifiers import SELLING_PARTNER_ID_RE
    from auth.vault.store import save_authorization

    if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        fail("the selling partner ID is malformed", as_json)
    svc = services()
    try:
        tokens = svc.lwa.exchange_code(code, redirect_uri or svc.settings.redirect_uri)
    except LwaError as error:
        lwa_failure(error, as_json)
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
