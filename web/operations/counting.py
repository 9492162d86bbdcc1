"""Counting callbacks and token-service requests by their answer, after the view: the views
stay as they are, and labels come from fixed vocabularies (never a partner or key ID)."""

from flask import Flask
from flask import request

from auth.operations import metrics

TOKEN_SERVICE_ENDPOINTS = {
    "api.token": "lwa_token",
    "api.authorizations": "authorizations",
    "api.access_tokens": "access_tokens",
    "api.restricted_data_tokens": "restricted_data_tokens",
    "api.grantless_tokens": "grantless_tokens",
}
CALLBACK_ENDPOINT = "oauth.callback"


def outcome_of(status: int) -> str:
    """An answer's class: ok, rate_limited, refused (4xx) or failed (5xx)."""
    if status < 400:
        return "ok"
    if status == 429:
        return "rate_limited"
    return "refused" if status < 500 else "failed"


def _count(response):
    endpoint = request.endpoint or ""
    if endpoint == CALLBACK_ENDPOINT:
        # The callback's success is a 303 to the landing page; its refusals are 400 pages.
        metrics.increment(metrics.CALLBACKS, outcome_of(response.status_code))
    elif endpoint in TOKEN_SERVICE_ENDPOINTS:
        label = TOKEN_SERVICE_ENDPOINTS[endpoint]
        metrics.increment(metrics.TOKEN_SERVICE, label, outcome_of(response.status_code))
    return response


def init_app(app: Flask) -> None:
    """Count every answer of the callback and the token service."""
    metrics.install()
    app.after_request(_count)
