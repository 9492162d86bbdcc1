"""The administrator guard: every console route needs a logged-in administrator."""

from flask import Flask
from flask import redirect
from flask import request
from flask import session
from flask import url_for

from auth.security.limiter import LoginLimiter

PUBLIC_BLUEPRINTS = {"oauth", "explainer", "simulator"}


PUBLIC_ENDPOINTS = {"static", "console.login"}


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
