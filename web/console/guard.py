"""The administrator guard: every console route needs a live administrator session, checked
against the database on each request (log-out and password changes end sessions everywhere)."""

from flask import Flask
from flask import current_app
from flask import redirect
from flask import request
from flask import session
from flask import url_for

from auth.security.limiter import LoginLimiter
from auth.security.sessions import SessionStore
from auth.vault.crypto import digest
from web.shared.services import services

PUBLIC_BLUEPRINTS = {"oauth", "explainer", "simulator", "api", "connect", "connect_api", "operations"}
PUBLIC_ENDPOINTS = {"static", "console.login", "favicon"}
SESSION_KEY = "admin_session"


def sessions() -> SessionStore:
    """The app's administrator session store."""
    return services().admin_sessions


def limiter() -> LoginLimiter:
    """The app's log-in limiter."""
    return services().login_limiter


def device_cookie_name() -> str:
    """The trusted-device cookie's name (``__Host-`` over HTTPS)."""
    return current_app.config["DEVICE_COOKIE_NAME"]


def client_address_hash() -> str:
    """The hash of the client's address as the limiter counts it (after ProxyFix)."""
    return digest(request.remote_addr or "unknown")


def is_administrator() -> bool:
    """True when this request carries a live administrator session."""
    password_hash = services().settings.admin_password_hash
    return bool(password_hash and sessions().valid("session", session.get(SESSION_KEY), password_hash))


def init_guard(app: Flask, https: bool) -> None:
    """Require an administrator for every route outside the public flow, explainer and simulator."""
    app.config["DEVICE_COOKIE_NAME"] = "__Host-spapi-device" if https else "spapi_device"

    @app.context_processor
    def administrator_helpers():
        # Called by templates only when they need it: a seller's page asks once, per page.
        return {"is_admin": is_administrator}

    @app.before_request
    def require_administrator():
        if (
            request.endpoint is None
            or request.blueprint in PUBLIC_BLUEPRINTS
            or request.endpoint in PUBLIC_ENDPOINTS
        ):
            return None
        if is_administrator():
            return None
        session.pop(SESSION_KEY, None)
        if request.method == "GET" and not request.view_args:
            # Only an endpoint name is kept for after log-in, never a URL (no open redirect).
            session["after_login"] = request.endpoint
        return redirect(url_for("console.login"))
