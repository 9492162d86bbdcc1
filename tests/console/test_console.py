"""The developer console: the administrator guard on every route, log-in, pages and actions."""

import logging
import re

import pytest
import requests
from werkzeug.routing import IntegerConverter

from auth.vault.models import Authorization
from tests.conftest import ADMIN_PASSWORD
from tests.conftest import CLIENT_SECRET
from tests.conftest import AdminActions
from tests.conftest import live_login
from tests.conftest import post_form
from tests.factories import stored_authorization
from tests.helpers import REFRESH_TOKEN
from tests.helpers import authorizations
from tests.helpers import count
from tests.helpers import element_text

PUBLIC_BLUEPRINTS = {"oauth", "explainer", "simulator", "api", "connect", "connect_api", "operations"}
PUBLIC_ENDPOINTS = {"static", "console.login", "favicon"}  # favicon: a redirect to a static file
TOKEN_SHAPE = re.compile(r"Atz[ar]\|[A-Za-z0-9_-]{8}")


def protected_rules(app):
    """Every URL rule that is not part of the public flow, the explainer or the simulator."""
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0] if "." in rule.endpoint else None
        if rule.endpoint in PUBLIC_ENDPOINTS or blueprint in PUBLIC_BLUEPRINTS:
            continue
        values = {
            name: 1 if isinstance(rule._converters[name], IntegerConverter) else "x"
            for name in rule.arguments
        }
        yield rule, app.url_map.bind("localhost").build(rule.endpoint, values)


def test_the_url_map_has_protected_routes(app):
    endpoints = {rule.endpoint for rule, _ in protected_rules(app)}
    assert {
        "console.dashboard",
        "console.self_test",
        "console.grantless",
        "console.delete_authorization",
    } <= endpoints


def test_every_protected_route_redirects_to_login_without_a_session(app, client):
    for rule, url in protected_rules(app):
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"] == "/console/login", (method, url)


def test_every_post_needs_a_csrf_token_with_a_session(app, client, admin):
    admin.login()
    for rule, url in protected_rules(app):
        if "POST" in rule.methods and rule.endpoint != "console.logout":
            response = client.post(url, data={"anything": "1"})
            assert response.status_code == 400, url
            assert b"Form expired or forged" in response.data


def test_login_rotates_the_session_and_returns_to_the_page_asked_for(client, admin):
    client.get("/console/grantless")  # remembered as the page to return to
    with client.session_transaction() as before:
        before["stale"] = "from before log-in"
    response = admin.login()
    assert response.status_code == 302 and response.headers["Location"] == "/console/grantless"
    with client.session_transaction() as after:
        assert isinstance(after.get("admin_session"), str) and "stale" not in after
    assert client.get("/console/").status_code == 200


def test_wrong_password_then_rate_limit(client, admin):
    for _ in range(5):
        assert admin.login("wrong").status_code == 401
    blocked = admin.login(ADMIN_PASSWORD)
    assert blocked.status_code == 429 and b"Too many failed attempts" in blocked.data


def test_console_off_without_a_password_hash(tmp_path, lwa_url):
    from app import create_app
    from tests.conftest import base_config

    config = base_config(tmp_path, LWA_TOKEN_URL=lwa_url)
    del config["ADMIN_PASSWORD_HASH"]
    client = create_app(config).test_client()
    assert b"console is off" in client.get("/console/login").data


def test_logout_ends_the_session_for_a_copied_cookie_too(app, client, admin):
    admin.login()
    with client.session_transaction() as live:
        copied = dict(live)
    response = client.post("/console/logout", data={"csrf_token": admin.csrf("/console/")})
    assert response.status_code == 302
    assert client.get("/console/").headers["Location"] == "/console/login"
    with client.session_transaction() as replayed:
        replayed.update(copied)  # an attacker replays the cookie from before log-out
    assert client.get("/console/").headers["Location"] == "/console/login"


def test_a_password_change_ends_every_session(tmp_path, lwa_url, spapi_stub):
    from app import create_app
    from auth.security.passwords import hash_password
    from tests.conftest import base_config

    config = base_config(tmp_path, LWA_TOKEN_URL=lwa_url)
    first = create_app(config).test_client()
    AdminActions(first).login()
    assert first.get("/console/").status_code == 200
    changed = create_app({**config, "ADMIN_PASSWORD_HASH": hash_password("a brand new password")})
    second = changed.test_client()
    second.set_cookie(*_session_cookie(first))
    assert second.get("/console/").headers["Location"] == "/console/login"


def _session_cookie(client):
    cookie = client.get_cookie("spapi_session") or client.get_cookie("__Host-spapi")
    return cookie.key, cookie.value


def test_dashboard_shows_configuration_and_doctor_without_secrets(client, admin):
    admin.login()
    page = client.get("/console/").get_data(as_text=True)
    assert "https://app.example.test/oauth/redirect" in page and 'id="doctor"' in page
    assert "LWA_CLIENT_SECRET_CREATED" in page  # the doctor's advice
    assert CLIENT_SECRET not in page


def test_auth_url_builder(client, admin):
    admin.login()
    page = client.get("/console/auth-url?marketplace=DE&account=vendor&status=draft").get_data(as_text=True)
    uri = element_text(page, "uri")
    assert uri.startswith("https://vendorcentral.amazon.de/apps/authorize/consent?application_id=")
    assert uri.endswith("&version=beta")
    published = client.get(
        "/console/auth-url?marketplace=JP&status=published&redirect_uri=https://x.example/cb"
    )
    text = published.get_data(as_text=True)
    assert "version=beta" not in element_text(text, "uri")
    assert "MD5101" in text  # the finding: not our Redirect URI
    assert client.get("/console/auth-url?marketplace=IE&account=vendor").status_code == 200


def _store(app, n, prefix="A1SELLER"):
    for i in range(n):
        stored_authorization(app, f"{prefix}{i:03d}", refresh_token=f"{REFRESH_TOKEN}{i}")


def test_authorizations_paginate_search_and_never_show_tokens(app, client, admin):
    admin.login()
    _store(app, 25)
    _store(app, 1, prefix="B2VENDOR")
    first = client.get("/console/authorizations").get_data(as_text=True)
    assert "26 authorizations; page 1 of 2" in first and "Next" in first
    assert REFRESH_TOKEN not in first and "sha256:" in first
    assert "page 2 of 2" in client.get("/console/authorizations?page=2").get_data(as_text=True)
    found = client.get("/console/authorizations?q=B2VEN").get_data(as_text=True)
    assert "1 authorization;" in found and "B2VENDOR000" in found
    assert client.get("/console/authorizations?page=-5").status_code == 200


def test_delete_needs_confirmation(app, client, admin):
    admin.login()
    _store(app, 1)
    [row] = authorizations(app)
    token = admin.csrf("/console/authorizations")
    client.post(f"/console/authorizations/{row.id}/delete", data={"csrf_token": token, "confirm": "nope"})
    assert count(app, Authorization) == 1
    client.post(
        f"/console/authorizations/{row.id}/delete",
        data={"csrf_token": token, "confirm": row.selling_partner_id},
    )
    assert count(app, Authorization) == 0
    assert client.post("/console/authorizations/999/delete", data={"csrf_token": token}).status_code == 404


def _simulated_refresh_token(server, spid="A1SELFTEST001"):
    requests.get(f"{server.url}/simulator/", timeout=10)
    return server.app.extensions["spapi"].simulator.self_authorize(spid)


def _post(browser, server, path, form_page=None, **form):
    return post_form(browser, f"{server.url}{path}", f"{server.url}{form_page or path}", **form)


def test_self_test_with_a_pasted_token_shows_both_steps_and_no_secret(simulator, caplog):
    caplog.set_level(logging.DEBUG)
    refresh_token = _simulated_refresh_token(simulator)
    browser = live_login(simulator)
    page = _post(
        browser,
        simulator,
        "/console/self-test",
        refresh_token=refresh_token,
        region="EU",
        account="seller",
        environment="production",
        save="yes",
        selling_partner_id="A1SELFTEST001",
    )
    html = page.text
    assert page.status_code == 200
    assert 'id="step-1"' in html and "fetched from LWA" in html and "grant_type=refresh_token" in html
    assert element_text(html, "call-status") == "200" and "marketplaceParticipations" in html
    assert refresh_token not in html and not TOKEN_SHAPE.search(html)
    assert "client_secret=[sha256:" in html
    [row] = authorizations(simulator.app)
    assert (row.selling_partner_id, row.region, row.workflow) == ("A1SELFTEST001", "EU", "self")
    again = _post(
        browser,
        simulator,
        "/console/self-test",
        refresh_token=refresh_token,
        region="EU",
        account="seller",
        environment="production",
    )
    assert "served from the cache" in again.text
    logs = caplog.text
    assert refresh_token not in logs and CLIENT_SECRET not in logs and not TOKEN_SHAPE.search(logs)


def test_self_test_vendor_and_sandbox(simulator):
    refresh_token = _simulated_refresh_token(simulator)
    browser = live_login(simulator)
    page = _post(
        browser,
        simulator,
        "/console/self-test",
        refresh_token=refresh_token,
        region="FE",
        account="vendor",
        environment="sandbox",
    )
    assert "/simulator/sandbox.sellingpartnerapi-fe.amazon.com/vendor/orders/v1/purchaseOrders" in page.text
    assert element_text(page.text, "call-status") == "200"


def test_revoked_stored_authorization_is_marked_for_reauthorization(simulator):
    refresh_token = _simulated_refresh_token(simulator)
    row_id = stored_authorization(
        simulator.app, "A1REVOKED0001", workflow="self", refresh_token=refresh_token
    )
    simulator.app.extensions["spapi"].simulator.revoke(refresh_token)
    browser = live_login(simulator)
    page = _post(
        browser, simulator, f"/console/authorizations/{row_id}/test", form_page="/console/authorizations"
    )
    assert "invalid_grant" in page.text and "re-authorize" in page.text.lower()
    [stored] = authorizations(simulator.app)
    assert stored.needs_reauthorization and stored.last_refresh_result == "invalid_grant"
    listing = browser.get(f"{simulator.url}/console/authorizations", timeout=10).text
    assert "needs re-authorization" in listing


def test_grantless_token(simulator):
    browser = live_login(simulator)
    page = _post(
        browser, simulator, "/console/grantless", scope="sellingpartnerapi::client_credential:rotation"
    )
    assert 'id="grantless-result"' in page.text and "grant_type=client_credentials" in page.text
    assert not TOKEN_SHAPE.search(page.text)
    assert _post(browser, simulator, "/console/grantless", scope="profile").status_code == 400


@pytest.mark.parametrize(
    "form",
    [
        {"refresh_token": "not-a-token"},
        {"refresh_token": "", "authorization_id": "999"},
        {"refresh_token": "Atzr|" + "x" * 20, "region": "XX"},
        {"refresh_token": "Atzr|" + "x" * 20, "save": "yes", "selling_partner_id": "<bad>"},
    ],
)
def test_self_test_bad_input_is_a_clear_400(client, admin, form):
    admin.login()
    response = client.post(
        "/console/self-test", data={"csrf_token": admin.csrf("/console/self-test"), **form}
    )
    assert response.status_code == 400


def test_seller_pages_show_no_console_or_explainer_links_but_an_administrator_sees_them(client, admin):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/console/"' not in home and 'href="/explain"' not in home
    admin.login()
    assert 'href="/console/"' in client.get("/").get_data(as_text=True)


def test_the_favicon_is_served_everywhere(client):
    with client.get("/favicon.ico", follow_redirects=True) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


def test_a_lost_development_password_is_explained_on_the_login_page(app, client):
    assert "set-admin-password" not in client.get("/console/login").get_data(as_text=True)
    app.config["SPAPI_DEVELOPMENT"] = True
    page = client.get("/console/login").get_data(as_text=True)
    assert "flask --app app spapi set-admin-password" in page and "ADMIN_PASSWORD_HASH" in page


def test_the_uri_builder_has_a_plain_title_and_loads_its_script_once(console):
    page = console.get("/console/auth-url?marketplace=DE").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and "Authorization URI" in title
    assert page.count("console.js") == 1
