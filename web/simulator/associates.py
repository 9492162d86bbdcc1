"""The simulator's Associates endpoints: the Creators API token endpoints (Cognito 2.x, Login
with Amazon 3.x), Creators GetItems, PA-API 5 GetItems (SigV4 checked), and the rehearsal page."""

import base64

from flask import abort
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request

from auth.associates.regions import MARKETPLACES
from auth.simulator import associates as amazon
from web.shared.services import services

COGNITO_SUFFIX = ".amazoncognito.com"
COGNITO_PREFIX = "creatorsapi.auth."


def _book() -> amazon.CallBook:
    return current_app.extensions.setdefault("associates_simulator_calls", amazon.CallBook())


def _secret_key() -> str:
    return services().settings.secret_key


def index():
    """Every rehearsal account with the fields to paste and the command that adds it."""
    rows = []
    for account in amazon.ACCOUNTS:
        key_id, secret = amazon.credentials(_secret_key(), account)
        rows.append((account, key_id, secret, account.paste_version or account.version))
    return render_template("simulator/associates.html", rows=rows, tag=amazon.TAG)


def cognito_token(host: str):
    """``POST https://creatorsapi.auth.<region>.amazoncognito.com/oauth2/token`` (2.x)."""
    region = host.removeprefix(COGNITO_PREFIX).removesuffix(COGNITO_SUFFIX)
    if not host.startswith(COGNITO_PREFIX) or region not in amazon.COGNITO_REGIONS:
        abort(404)
    form = request.form
    if form.get("grant_type") != "client_credentials":
        return jsonify(error="unsupported_grant_type"), 400
    status, body = amazon.token_answer(
        _secret_key(),
        amazon.COGNITO_REGIONS[region],
        form.get("client_id", ""),
        form.get("client_secret", ""),
        form.get("scope", ""),
        "form",
    )
    return jsonify(body), status


def lwa_token(host: str):
    """``POST https://api.amazon.<tld>/auth/o2/token`` for 3.x credentials (JSON or HTTP Basic)."""
    if host not in amazon.LWA_HOSTS:
        abort(404)
    basic = request.headers.get("Authorization", "")
    if basic.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        except ValueError:
            return jsonify(error="invalid_client", error_description="Malformed Basic credentials"), 401
        fields, form = request.form, "basic"
    else:
        fields = request.get_json(silent=True) if request.is_json else request.form
        fields = fields if isinstance(fields, dict) else {}
        client_id, secret, form = fields.get("client_id", ""), fields.get("client_secret", ""), "json"
        if not request.is_json:
            form = "form"
    if fields.get("grant_type") != "client_credentials":
        return jsonify(error="unsupported_grant_type"), 400
    status, body = amazon.token_answer(
        _secret_key(), amazon.LWA_HOSTS[host], str(client_id), str(secret), str(fields.get("scope", "")), form
    )
    return jsonify(body), status


def get_items():
    """``POST https://creatorsapi.amazon/catalog/v1/getItems``."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(message="Send a JSON object body.", reason="InvalidParameterValue"), 400
    status, answer = amazon.get_items_answer(
        _secret_key(),
        _book(),
        request.headers.get("Authorization", ""),
        request.headers.get("x-marketplace", ""),
        body,
    )
    return jsonify(answer), status


def paapi_get_items(host: str):
    """``POST https://webservices.amazon.<tld>/paapi5/getitems``, signed with SigV4."""
    regions = {m.paapi_host: m.aws_region for m in MARKETPLACES.values()}
    if host not in regions:
        abort(404)
    headers = {name.lower(): value for name, value in request.headers.items()}
    status, answer = amazon.paapi_answer(
        _secret_key(), _book(), request.method, request.path, headers, request.get_data(), regions[host]
    )
    return jsonify(answer), status


# Called by the check as Amazon's endpoints are: with credentials or tokens, not form tokens.
MACHINE_ENDPOINTS = (cognito_token, lwa_token, get_items, paapi_get_items)
