"""Logging the administrator in and out."""

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for

from auth.security.passwords import verify_password
from web.shared.services import services


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


def logout():
    """Log out."""
    session.clear()
    return redirect(url_for("console.login"))


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
