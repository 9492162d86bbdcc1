"""The dashboard with the doctor's findings, and the authorization URI builder."""

from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from sqlalchemy import func
from sqlalchemy import select

from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.marketplaces import catalog
from auth.explainer.diagnose import diagnose
from auth.lifecycle.due import due_within
from auth.oauth.consent import build_consent_uri
from auth.oauth.state import FlowContext
from auth.oauth.state import TooManyStates
from auth.oauth.state import issue_state
from auth.operations.warnings import outbox_warnings
from auth.vault.crypto import fingerprint
from auth.vault.models import Authorization
from web.shared.browser import browser_id
from web.shared.explaining import app_context
from web.shared.explaining import doctor_findings
from web.shared.explaining import secret_deadline
from web.shared.services import get_db
from web.shared.services import services

DUE_WINDOW_DAYS = 30


def dashboard():
    """Configuration and the doctor's findings."""
    svc = services()
    findings = doctor_findings()
    count = get_db().scalar(select(func.count()).select_from(Authorization))
    secret, deadline_source = secret_deadline(get_db())
    return render_template(
        "console/dashboard.html",
        settings=svc.settings,
        findings=findings,
        secret=secret,
        deadline_source=deadline_source,
        operations_warnings=outbox_warnings(get_db(), bool(svc.settings.webhook_url)),
        unhealthy=get_db()
        .execute(
            select(Authorization.health, func.count())
            .where(Authorization.health != "ok")
            .group_by(Authorization.health)
            .order_by(Authorization.health)
        )
        .all(),
        due=due_within(get_db(), DUE_WINDOW_DAYS),
        due_window=DUE_WINDOW_DAYS,
        secret_fingerprint=fingerprint(svc.settings.lwa_client_secret),
        count=count,
    )


def _builder_choices():
    settings = services().settings
    marketplace = catalog().find(request.args.get("marketplace", "US")[:32]) or catalog().find("US")
    account_type = request.args.get("account", "seller")
    account_type = account_type if account_type in ACCOUNT_TYPES else "seller"
    draft = request.args.get("status", settings.app_status) == "draft"
    redirect_uri = request.args.get("redirect_uri", "").strip()[:2048] or None
    return marketplace, account_type, draft, redirect_uri


def auth_url():
    """Build an authorization URI and explain each parameter."""
    settings = services().settings
    marketplace, account_type, draft, redirect_uri = _builder_choices()
    central = marketplace.central_url(account_type)
    uri = (
        build_consent_uri(
            central, settings.application_id, "YOUR_STATE", draft=draft, redirect_uri=redirect_uri
        )
        if central
        else None
    )
    findings = diagnose(uri, app_context()).findings if uri else []
    return render_template(
        "console/auth_url.html",
        marketplaces=catalog().marketplaces,
        marketplace=marketplace,
        account_type=account_type,
        draft=draft,
        redirect_uri=redirect_uri or "",
        uri=uri,
        findings=findings,
        simulator=settings.simulator,
    )


def open_in_simulator():
    """The built URI with a real state for this browser, opened on the simulated consent page."""
    settings = services().settings
    if not settings.simulator:
        abort(404, "The simulator is off.")
    marketplace, account_type, draft, redirect_uri = _builder_choices()
    central = marketplace.central_url(account_type) or abort(
        400, "No Vendor Central site for that marketplace."
    )
    try:
        state = issue_state(
            services().engine,
            browser_id(create=True),
            FlowContext("website", account_type, marketplace.region.code, marketplace.marketplace_id),
            address=request.remote_addr,
            per_minute=settings.states_per_minute,
        )
    except TooManyStates:
        abort(429, "Too many authorizations were started from your address. Wait a minute and try again.")
    uri = build_consent_uri(
        settings.amazon_url(central), settings.application_id, state, draft=draft, redirect_uri=redirect_uri
    )
    return redirect(uri, code=302)
