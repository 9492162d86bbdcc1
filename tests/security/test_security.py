"""Headers, cookies, logs and hostile input across the public routes."""

import base64
import json
import logging
import zlib

import pytest

from tests.conftest import CLIENT_SECRET
from tests.helpers import ACCESS_TOKEN
from tests.helpers import CODE
from tests.helpers import REFRESH_TOKEN
from tests.helpers import lwa_success
from tests.helpers import start_website_flow
from tests.oauth.test_callback import callback
from tests.oauth.test_login_uri import login_params


@pytest.mark.parametrize(
    "path",
    ["/", "/authorize?marketplace=US", "/oauth/login", "/oauth/redirect", "/oauth/complete", "/nowhere"],
)
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"):
        assert directive in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/authorize?marketplace=US", "/oauth/login", "/oauth/redirect", "/oauth/complete"]
)
def test_oauth_routes_leak_no_referrer_and_are_not_cached(client, path):
    response = client.get(path)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_other_pages_use_same_origin_referrer(client):
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"


def test_form_action_admits_amazon_consent_hosts(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "https://sellercentral.amazon.com " in csp + " " and "https://vendorcentral.amazon.co.jp" in csp


def _flags_ok(set_cookie: str, name: str) -> bool:
    return (
        set_cookie.startswith(f"{name}=")
        and "Secure" in set_cookie
        and "HttpOnly" in set_cookie
        and "SameSite=Lax" in set_cookie
        and "Domain" not in set_cookie
        and "Path=/" in set_cookie
    )


def test_cookies_are_host_only_secure_and_hold_no_secret(app, client, httpserver):
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(lwa_success())
    response = client.get("/authorize?marketplace=US")
    assert _flags_ok(response.headers["Set-Cookie"], "__Host-spapi-browser")
    browser = client.get_cookie("__Host-spapi-browser").value
    assert len(browser) == 43
    state = response.headers["Location"].split("state=")[1].split("&")[0]
    assert browser != state
    done = callback(client, state)
    assert _flags_ok(done.headers["Set-Cookie"], "__Host-spapi")
    value = client.get_cookie("__Host-spapi").value
    payload = value.split(".")[1] if value.startswith(".") else value.split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    decoded = zlib.decompress(raw) if value.startswith(".") else raw
    for secret in (REFRESH_TOKEN, ACCESS_TOKEN, CODE, state):
        assert secret.encode() not in decoded
        assert secret not in browser
    assert set(json.loads(decoded)) == {"completed_authorization"}


def test_a_tampered_browser_cookie_is_ignored(app, client):
    state = start_website_flow(client)
    client.set_cookie("__Host-spapi-browser", "not-a-valid-id", domain="localhost")
    assert callback(client, state).status_code == 400


def test_logs_carry_no_secret_across_the_flow(app, client, httpserver, caplog):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(lwa_success())
    state = start_website_flow(client)
    callback(client, state)
    callback(client, state)  # a refused reuse logs too
    client.get("/oauth/login", query_string=login_params(amazon_state="amazon-state-secret"))
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (REFRESH_TOKEN, ACCESS_TOKEN, CODE, state, CLIENT_SECRET, "amazon-state-secret"):
        assert secret not in text


def test_unexpected_errors_show_no_stack_trace(app, client, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("internal detail /work/secret/path")

    monkeypatch.setattr("web.oauth.start.issue_state", explode)
    response = client.get("/authorize?marketplace=US")
    assert response.status_code == 500
    assert b"Traceback" not in response.data and b"secret/path" not in response.data
    # Never "Nothing was stored": an unexpected error cannot know that (issue 18).
    assert b"Please try again" in response.data and b"Nothing was stored" not in response.data


def test_json_errors_for_api_clients(client):
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.is_json
    assert response.json["status"] == 404
