"""The per-browser identifier that OAuth states are bound to, in a cookie of its own.

The value is 256 random bits and the server keeps only its hash, so an attacker can neither
guess nor derive it; signing it (as Flask's session cookie would) adds nothing but cost on
every authorization start (bench/flow.py). It is HttpOnly, SameSite=Lax (Amazon's redirect
back is a cross-site navigation that must carry it) and, over HTTPS, a ``__Host-`` cookie.
"""

import re

from flask import Flask
from flask import current_app
from flask import g
from flask import request

from auth.oauth.state import new_browser_id

BROWSER_ID_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def cookie_name() -> str:
    """Return the cookie's name: ``__Host-`` prefixed whenever the app is served over HTTPS."""
    return current_app.config["BROWSER_COOKIE_NAME"]


def browser_id(create: bool = False) -> str | None:
    """Return this browser's identifier, creating (and later setting) one if asked."""
    value = g.get("new_browser_id") or request.cookies.get(cookie_name())
    if value is not None and not BROWSER_ID_RE.fullmatch(value):
        value = None
    if value is None and create:
        value = g.new_browser_id = new_browser_id()
    return value


def init_app(app: Flask, https: bool) -> None:
    """Name the cookie and set it on responses that created an identifier."""
    app.config["BROWSER_COOKIE_NAME"] = "__Host-spapi-browser" if https else "spapi_browser"

    @app.after_request
    def set_browser_cookie(response):
        value = g.get("new_browser_id")
        if value:
            response.set_cookie(cookie_name(), value, secure=https, httponly=True, samesite="Lax", path="/")
        return response
