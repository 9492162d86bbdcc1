"""The public start page and ``/authorize`` (website workflow)."""

from urllib.parse import urlencode

from flask import abort
from flask import redirect
from flask import render_template
from flask import request

from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.marketplaces import catalog
from auth.oauth.consent import build_consent_uri
from auth.oauth.outcomes import outcome
from auth.oauth.state import FlowContext
from auth.oauth.state import TooManyStates
from auth.oauth.state import issue_state
from auth.simulator.rehearsals import rehearsal
from auth.simulator.rehearsals import rehearsed_consent
from web.shared.browser import browser_id
from web.shared.services import services


def index():
    """Let a seller or vendor pick a marketplace and account type."""
    if not services().settings.public_authorize:
        return closed()
    return render_template("oauth/start.html", marketplaces=catalog().marketplaces)


def authorize():
    """Start the website workflow: issue a state and send the browser to Amazon's consent page."""
    if not services().settings.public_authorize:
        return closed()
    account_type = request.args.get("account", "seller").strip().lower() or "seller"
    rehearse = rehearsal(request.args.get("rehearse")) if services().settings.simulator else None
    return start_website_flow(request.args.get("marketplace", ""), account_type, rehearse=rehearse)


def new_state(context: FlowContext) -> str:
    """Issue a state for this browser, at most ``SPAPI_STATES_PER_MINUTE`` a minute per address."""
    try:
        return issue_state(
            services().engine,
            browser_id(create=True),
            context,
            address=request.remote_addr,
            per_minute=services().settings.states_per_minute,
        )
    except TooManyStates:
        abort(429, "Too many authorizations were started from your address. Wait a minute and try again.")


def closed():
    """The answer of the public pages when only invitations may start an authorization."""
    return render_template("oauth/failed.html", outcome=outcome("public", "closed"), start_again=False), 404


def start_website_flow(key: str, account_type: str, invitation_id: int | None = None, rehearse=None):
    """Issue a state for this browser (and invitation) and redirect to the consent page."""
    settings = services().settings
    marketplace = catalog().find(key) if len(key) <= 32 else None
    if marketplace is None:
        abort(
            400,
            f"Unknown marketplace {key[:32]!r}. Use a country code ("
            + ", ".join(catalog().valid_keys())
            + ") or a marketplace ID.",
        )
    if account_type not in ACCOUNT_TYPES:
        abort(
            400, f"Unknown account type {account_type[:16]!r}. Use one of: " + ", ".join(ACCOUNT_TYPES) + "."
        )
    central_url = marketplace.central_url(account_type)
    if central_url is None:
        abort(
            400,
            f"Amazon documents no Vendor Central site for {marketplace.name}. "
            "Choose the marketplace where your vendor account is managed.",
        )
    application_id, draft, redirect_uri = settings.application_id, settings.draft, None
    if rehearse is not None:  # simulator only: the consent URI carries the rehearsed mistake
        application_id, draft, redirect_uri = rehearsed_consent(
            rehearse.name,
            application_id,
            draft,
            client_id=settings.lwa_client_id,
            registered=services().simulator.registration.redirect_uris if services().simulator else (),
        )
    sent = {
        "application_id": application_id,
        "version": "beta" if draft else "",
        "redirect_uri": redirect_uri or "",
        "app_status": settings.app_status,
        "marketplace_id": marketplace.marketplace_id,
    }
    state = new_state(
        FlowContext(
            "website",
            account_type,
            marketplace.region.code,
            marketplace.marketplace_id,
            invitation_id=invitation_id,
            consent_sent=sent,
        ),
    )
    uri = build_consent_uri(
        settings.amazon_url(central_url), application_id, state, draft=draft, redirect_uri=redirect_uri
    )
    if rehearse is not None:  # simulator only: the consent page fails the way the rehearsal says
        uri += "&" + urlencode({"rehearse": rehearse.name})
    return redirect(uri, code=302)
