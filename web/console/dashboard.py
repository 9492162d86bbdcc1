"""The dashboard with the doctor's findings, and the authorization URI builder."""

from flask import render_template
from flask import request
from sqlalchemy import func
from sqlalchemy import select

from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.marketplaces import catalog
from auth.explainer.diagnose import diagnose
from auth.oauth.consent import build_consent_uri
from auth.vault.crypto import fingerprint
from auth.vault.models import Authorization
from web.shared.explaining import app_context
from web.shared.explaining import doctor_findings
from web.shared.services import get_db
from web.shared.services import services


def dashboard():
    """Configuration and the doctor's findings."""
    svc = services()
    findings = doctor_findings()
    count = get_db().scalar(select(func.count()).select_from(Authorization))
    return render_template(
        "console/dashboard.html",
        settings=svc.settings,
        findings=findings,
        secret_fingerprint=fingerprint(svc.settings.lwa_client_secret),
        count=count,
    )


def auth_url():
    """Build an authorization URI and explain each parameter."""
    settings = services().settings
    marketplace = catalog().find(request.args.get("marketplace", "US")[:32]) or catalog().find("US")
    account_type = request.args.get("account", "seller")
    account_type = account_type if account_type in ACCOUNT_TYPES else "seller"
    draft = request.args.get("status", settings.app_status) == "draft"
    redirect_uri = request.args.get("redirect_uri", "").strip()[:2048] or None
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
    )
