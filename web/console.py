"""The developer console: log-in, dashboard and doctor, URI builder, authorizations,
self-authorization test and grantless tokens. Everything here needs an administrator."""

import re
import time
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
from auth.callback import SELLING_PARTNER_ID_RE
from auth.consent import build_consent_uri
from auth.crypto import VaultError
from auth.crypto import fingerprint
from auth.diagnose import diagnose
from auth.lwa import GRANTLESS_SCOPES
from auth.lwa import LwaError
from auth.marketplaces import ACCOUNT_TYPES
from auth.marketplaces import catalog
from auth.models import Authorization
from auth.refresh import refresh_stored
from auth.spapi_client import run_test_call
from auth.store import save_authorization
from auth.sts import StsError
from web.explain import app_context
from web.services import get_db
from web.services import services

bp = Blueprint("console", __name__, url_prefix="/console")
PUBLIC_BLUEPRINTS = {"public", "oauth", "explain", "simulator"}
PUBLIC_ENDPOINTS = {"static", "console.login"}
PAGE_SIZE = 20
REAUTHORIZE_AFTER = timedelta(days=365)
REFRESH_TOKEN_RE = re.compile(r"Atzr\|[!-~]{10,2040}")


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
    findings = doctor.check(_doctor_values(), amazon_version=svc.observed.get("amazon_version"))
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


@bp.post("/authorizations/<int:authorization_id>/test")
def test_authorization(authorization_id: int):
    """Refresh a stored authorization's token and make the test call."""
    row = get_db().get(Authorization, authorization_id) or abort(404, "No such authorization.")
    return _run_self_test(stored=row, sandbox=request.form.get("environment") == "sandbox")


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


@bp.route("/self-test", methods=["GET", "POST"])
def self_test():
    """Step 1, LWA refresh; step 2, an SP-API call; for a pasted or a stored refresh token."""
    if request.method == "GET":
        return _self_test_page()
    stored = None
    if request.form.get("authorization_id"):
        stored = get_db().get(Authorization, request.form.get("authorization_id", type=int) or 0)
        if stored is None:
            abort(400, "Pick a stored authorization from the list, or paste a refresh token.")
    return _run_self_test(stored=stored, sandbox=request.form.get("environment") == "sandbox")


@bp.route("/grantless", methods=["GET", "POST"])
def grantless():
    """A client_credentials token for a grantless scope."""
    result = error = None
    scope = request.form.get("scope", GRANTLESS_SCOPES[0])
    if request.method == "POST":
        if scope not in GRANTLESS_SCOPES:
            abort(400, "Choose one of the listed scopes.")
        try:
            result = services().token_cache.for_scope(scope)
        except LwaError as failure:
            error = failure
    return render_template(
        "console/grantless.html",
        scopes=GRANTLESS_SCOPES,
        scope=scope,
        result=result,
        error=error,
        explanation=_explain_lwa(error),
        now=time.time(),
        monotonic=time.monotonic(),
    )


@bp.route("/legacy", methods=["GET", "POST"])
def legacy():
    """Legacy IAM role: assume it through STS and show the (masked) temporary credentials."""
    svc = services()
    credentials = error = explanation = None
    if request.method == "POST":
        if svc.role_session is None:
            abort(
                400,
                "No SPAPI_ROLE_ARN is configured: set it (and SPAPI_ROLE_EXTERNAL_ID if your trust "
                "policy needs one) to use the legacy IAM role.",
            )
        try:
            credentials = svc.role_session.credentials()
        except StsError as failure:
            error = failure
            explanation = diagnose(f"{failure.code} {failure.message}", app_context())
    return render_template(
        "console/legacy.html",
        session_=svc.role_session,
        credentials=credentials,
        error=error,
        explanation=explanation,
    )


def _run_self_test(stored: Authorization | None, sandbox: bool):
    svc = services()
    region = catalog().regions.get(stored.region if stored else request.form.get("region", "NA"))
    account_type = stored.account_type if stored else request.form.get("account", "seller")
    if region is None or account_type not in ACCOUNT_TYPES:
        abort(400, "Choose a region (NA, EU, FE) and an account type (seller, vendor).")
    pasted = save_as = None
    if not stored:
        # Every field is checked before anything is sent to LWA.
        pasted = request.form.get("refresh_token", "").strip()
        if not REFRESH_TOKEN_RE.fullmatch(pasted):
            abort(400, "Paste the whole refresh token; it starts with Atzr|.")
        save_as = _save_as()
    step1 = step2 = error = None
    try:
        if stored:
            step1 = refresh_stored(get_db(), svc.vault, svc.token_cache, stored)
        else:
            step1 = svc.token_cache.for_refresh_token(pasted)
            if save_as:
                save_authorization(
                    get_db(),
                    svc.vault,
                    selling_partner_id=save_as,
                    region=region.code,
                    account_type=account_type,
                    workflow="self",
                    refresh_token=pasted,
                )
                flash(f"Saved as the authorization of {save_as} in {region.code}.")
        signer = svc.role_session.signer() if svc.role_session and request.form.get("sign") == "yes" else None
        step2 = run_test_call(
            region,
            step1.access_token,
            account_type=account_type,
            sandbox=sandbox,
            url_for_amazon=svc.settings.amazon_url,
            signer=signer,
        )
    except LwaError as failure:
        error = failure
    except StsError as failure:
        return _self_test_page(
            sts_error=failure, sts_explanation=diagnose(f"{failure.code} {failure.message}", app_context())
        )
    except VaultError:
        abort(
            409,
            "This authorization's token cannot be decrypted with the configured keys: it needs "
            "re-authorization (or the old key back in TOKEN_ENCRYPTION_KEYS).",
        )
    explanation = (
        _explain_lwa(error)
        if error
        else (diagnose(step2.body, app_context()) if step2 and step2.status and step2.status >= 400 else None)
    )
    return _self_test_page(
        step1=step1,
        step2=step2,
        error=error,
        explanation=explanation,
        region=region,
        account_type=account_type,
        sandbox=sandbox,
        stored=stored,
    )


def _save_as() -> str | None:
    """The selling partner ID to save a pasted token under, when saving was asked for."""
    if request.form.get("save") != "yes":
        return None
    selling_partner_id = request.form.get("selling_partner_id", "").strip()
    if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        abort(400, "To save the token, give the selling partner ID it belongs to.")
    return selling_partner_id


def _self_test_page(**result):
    rows = (
        get_db().scalars(select(Authorization).order_by(Authorization.authorized_at.desc()).limit(200)).all()
    )
    return render_template(
        "console/self_test.html",
        rows=rows,
        regions=catalog().regions,
        now=time.time(),
        monotonic=time.monotonic(),
        config_sign=services().role_session is not None,
        **result,
    )


def _explain_lwa(error: LwaError | None):
    if error is None:
        return None
    text = error.exchange.response_body if error.exchange else error.kind
    result = diagnose(text, app_context())
    return result if result.recognised else diagnose(error.kind, app_context())


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
