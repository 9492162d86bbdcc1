"""The developer console: the administrator guard, log-in, dashboard and doctor, the URI
builder and stored authorizations. The tools that call out live in ``web/console_tools.py``."""

from datetime import timedelta

from flask import Blueprint
from flask import Flask
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from sqlalchemy import func
from sqlalchemy import select

from auth import doctor
from auth.admin import LoginLimiter
from auth.admin import verify_password
from auth.consent import build_consent_uri
from auth.crypto import fingerprint
from auth.diagnose import diagnose
from auth.marketplaces import ACCOUNT_TYPES
from auth.marketplaces import catalog
from auth.models import Authorization
from web.explain import app_context
from web.services import get_db
from web.services import services

bp = Blueprint("console", __name__, url_prefix="/console")
PUBLIC_BLUEPRINTS = {"public", "oauth", "explain", "simulator"}
PUBLIC_ENDPOINTS = {"static", "console.login"}
PAGE_SIZE = 20
REAUTHORIZE_AFTER = timedelta(days=365)


def init_guard(app: Flask) -> None:
    """Require an administrator for every route outside the public flow, explainer and simulator."""
    app.extensions["login_limiter"] = LoginLimiter()

    @app.before_request
    def require_administrator():
        if (
            request.endpoint is None
            or request.blueprint in PUBLIC_BLUEPRINTS
            or request.endpoint in PUBLIC_ENDPOINTS
        ):
            return None
        if session.get("admin"):
            return None
        if request.method == "GET" and not request.view_args:
            # Only an endpoint name is kept for after log-in, never a URL (no open redirect).
            session["after_login"] = request.endpoint
        return redirect(url_for("console.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with the administrator password (rate-limited per client address)."""
    password_hash = services().settings.admin_password_hash
    if request.method == "GET":
        return render_template("console/login.html", configured=bool(password_hash))
    limiter = current_app.extensions["login_limiter"]
    client = request.remote_addr or "unknown"
    wait = limiter.blocked_for(client)
    if wait:
        return render_template(
            "console/login.html",
            configured=bool(password_hash),
            error=f"Too many failed attempts. Try again in {int(wait) + 1} seconds.",
        ), 429
    if not verify_password(password_hash, request.form.get("password", "")[:1024]):
        limiter.failed(client)
        return render_template(
            "console/login.html", configured=bool(password_hash), error="That password is not right."
        ), 401
    limiter.succeeded(client)
    after = session.get("after_login")
    # A fresh session at log-in: nothing from before survives (session fixation).
    session.clear()
    session.permanent = True
    session["admin"] = True
    return redirect(url_for(after if after in _landing_endpoints() else "console.dashboard"))


@bp.post("/logout")
def logout():
    """Log out."""
    session.clear()
    return redirect(url_for("console.login"))


@bp.get("/")
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


@bp.get("/auth-url")
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


@bp.get("/authorizations")
def authorizations():
    """Stored authorizations, newest first, searchable by selling partner ID, paginated."""
    query = request.args.get("q", "").strip()[:128]
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    statement = select(Authorization)
    if query:
        statement = statement.where(Authorization.selling_partner_id.contains(query))
    total = get_db().scalar(select(func.count()).select_from(statement.subquery()))
    rows = (
        get_db()
        .scalars(
            statement.order_by(Authorization.authorized_at.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
        .all()
    )
    return render_template(
        "console/authorizations.html",
        rows=rows,
        query=query,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        reauthorize_after=REAUTHORIZE_AFTER,
    )


@bp.post("/authorizations/<int:authorization_id>/delete")
def delete_authorization(authorization_id: int):
    """Delete a stored authorization, once confirmed."""
    row = get_db().get(Authorization, authorization_id) or abort(404, "No such authorization.")
    if request.form.get("confirm") != row.selling_partner_id:
        flash("Not deleted: type the selling partner ID to confirm.")
        return redirect(url_for("console.authorizations"))
    get_db().delete(row)
    get_db().commit()
    flash(f"Deleted the authorization of {row.selling_partner_id} in {row.region}.")
    return redirect(url_for("console.authorizations"))


def doctor_findings() -> list:
    """The doctor's findings for this app: its settings and what Amazon last sent."""
    return doctor.check(_doctor_values(), amazon_version=services().observed.get("amazon_version"))


def _doctor_values() -> dict[str, str]:
    """The raw settings, completed with the values in force (development defaults included)."""
    settings = services().settings
    values = dict(services().raw_settings)
    values.update(
        SPAPI_APPLICATION_ID=settings.application_id,
        LWA_CLIENT_ID=settings.lwa_client_id,
        SPAPI_APP_STATUS=settings.app_status,
        PUBLIC_URL=settings.public_url,
        LWA_CLIENT_SECRET=settings.lwa_client_secret,
        SPAPI_SIMULATOR="1" if settings.simulator else "",
        TOKEN_ENCRYPTION_KEYS=",".join(settings.token_encryption_keys),
    )
    return values


def _landing_endpoints() -> set[str]:
    return {
        "console.dashboard",
        "console.auth_url",
        "console.authorizations",
        "console.self_test",
        "console.grantless",
        "console.legacy",
    }
