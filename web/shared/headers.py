"""Security headers on every response (RFC 9700 sections 4.2 and 4.16; OWASP headers)."""

from flask import Flask
from flask import request

# Endpoints whose URLs or pages carry OAuth values: no Referer may leave them, and no cache
# may keep them (RFC 9700 section 4.2.4).
SENSITIVE_BLUEPRINTS = {"simulator"}
SENSITIVE_ENDPOINTS = {
    "oauth.authorize",
    "oauth.login",
    "oauth.callback",
    "oauth.complete",
    "oauth.invitation",
    "oauth.invitation_authorize",
    "connect.connect_page",
    "connect.continue_login",
}
# Pages with a form whose submission ends on Amazon's consent page.
FORMS_TO_AMAZON = {"oauth.index", "oauth.invitation", "connect.connect_page"}
NO_STORE_BLUEPRINTS = {"console", "connect_console"}


def init_app(app: Flask) -> None:
    """Register the header hook and compute the CSP once."""
    origins = " ".join(app.extensions["spapi"].consent_origins)
    csp = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'"
    # Pages whose forms lead to Amazon must admit its consent hosts in form-action: Chromium
    # applies it to the redirect that follows a form submission. Only those pages carry the
    # long list.
    csp_to_amazon = f"{csp} {origins}".rstrip()
    # The simulated consent page stands for Amazon's, whose form ends (through our Redirect URI
    # or Login URI) on the developer's return URL or sign-in page: Chromium checks the chain.
    csp_simulator = f"{csp} {' '.join(_developer_origins(app.extensions['spapi'].settings))}".rstrip()

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = (
            csp_to_amazon
            if request.endpoint in FORMS_TO_AMAZON
            else csp_simulator
            if request.blueprint == "simulator"
            else csp
        )
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        if request.blueprint in SENSITIVE_BLUEPRINTS or request.endpoint in SENSITIVE_ENDPOINTS:
            headers["Referrer-Policy"] = "no-referrer"
            headers["Cache-Control"] = "no-store"
        elif request.blueprint in NO_STORE_BLUEPRINTS:
            # Console pages show authorizations, fingerprints and one-time links: no cache keeps them.
            headers["Referrer-Policy"] = "same-origin"
            headers["Cache-Control"] = "no-store"
        else:
            # same-origin keeps Flask-WTF's HTTPS referrer check working on our own forms.
            headers["Referrer-Policy"] = "same-origin"
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response


def _developer_origins(settings) -> list[str]:
    """The origins of ``SPAPI_RETURN_URLS`` and ``SPAPI_SIGNIN_URL``."""
    urls = [*settings.return_urls, *([settings.signin_url] if settings.signin_url else [])]
    return sorted({"/".join(url.split("/")[:3]) for url in urls})
