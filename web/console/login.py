"""Logging the administrator in and out."""

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for

from auth.security.passwords import verify_password
from auth.security.sessions import DEVICE_LIFETIME
from auth.vault.workspaces import drop_workspace
from web.console.guard import SESSION_KEY
from web.console.guard import client_address_hash
from web.console.guard import device_cookie_name
from web.console.guard import limiter
from web.console.guard import sessions
from web.shared.services import get_db
from web.shared.services import services


def login():
    """Log in with the administrator password (attempts limited per device, address, account)."""
    password_hash = services().settings.admin_password_hash
    if request.method == "GET":
        return _page(password_hash)
    address = client_address_hash()
    device = sessions().valid("device", request.cookies.get(device_cookie_name()), password_hash)
    wait = limiter().blocked_for(address, device)
    if wait:
        return _page(password_hash, f"Too many failed attempts. Try again in {int(wait) + 1} seconds."), 429
    if not verify_password(password_hash, request.form.get("password", "")[:1024]):
        limiter().failed(address, device)
        return _page(password_hash, "That password is not right."), 401
    limiter().succeeded(address, device)
    after = session.get("after_login")
    # A fresh session at log-in: nothing from before survives (session fixation).
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = sessions().create("session", password_hash)
    response = redirect(url_for(after if after in _landing_endpoints() else "console.dashboard"))
    if device is None:
        # This browser becomes a trusted device: others' failures can no longer lock it out.
        response.set_cookie(
            device_cookie_name(),
            sessions().create("device", password_hash),
            max_age=int(DEVICE_LIFETIME.total_seconds()),
            secure=services().settings.https,
            httponly=True,
            samesite="Strict",
            path="/",
        )
    return response


def logout():
    """Log out: the session ends in the database, so an old cookie opens nothing."""
    secret = session.get(SESSION_KEY)
    sessions().end(secret)
    if isinstance(secret, str):
        drop_workspace(get_db(), secret)  # the playground's tokens go with the session
    session.clear()
    return redirect(url_for("console.login"))


def _page(password_hash, error=None):
    return render_template(
        "console/login.html",
        configured=bool(password_hash),
        error=error,
        development=current_app.config.get("SPAPI_DEVELOPMENT", False),
    )


def _landing_endpoints() -> set[str]:
    return {
        "console.dashboard",
        "console.auth_url",
        "console.authorizations",
        "console.invitations",
        "console.audit_trail",
        "console.self_test",
        "console.grantless",
        "console.legacy",
    }
