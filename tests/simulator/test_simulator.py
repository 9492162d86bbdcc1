"""The built-in Amazon simulator, driven over real HTTP like a browser would."""

import html
import re
import time
from urllib.parse import urljoin

import pytest
import requests

from auth.simulator.accounts import account_for
from tests.conftest import APPLICATION_ID
from tests.conftest import CLIENT_ID
from tests.conftest import CLIENT_SECRET
from tests.conftest import live_simulator
from tests.helpers import authorizations
from tests.helpers import query_of
from tests.live import parse_form
from tests.live import text_of


def open_consent(server, session, query="marketplace=US&account=seller"):
    page = session.get(f"{server.url}/authorize?{query}", timeout=10)
    return page


def submit(session, page, **choices):
    form = parse_form(page.text)
    fields = {**form["fields"], **choices}
    return session.post(urljoin(page.url, form["action"]), data=fields, timeout=10)


def test_website_workflow_ends_with_an_encrypted_row(simulator, tmp_path):
    browser = requests.Session()
    consent = open_consent(simulator, browser, "marketplace=DE&account=vendor")
    assert consent.status_code == 200
    assert "/simulator/vendorcentral.amazon.de/apps/authorize/consent" in consent.url
    assert "version=beta" in consent.url
    landing = submit(browser, consent, decision="confirm", selling_partner_id="A1VENDORDE0001")
    assert landing.status_code == 200
    assert landing.url == f"{simulator.url}/oauth/complete"
    assert "You're connected" in landing.text and "A1VENDORDE0001" in landing.text
    [row] = authorizations(simulator.app)
    assert (row.selling_partner_id, row.region, row.account_type, row.workflow) == (
        "A1VENDORDE0001",
        "EU",
        "vendor",
        "website",
    )
    token = simulator.app.extensions["spapi"].vault.open(row.refresh_token_encrypted, "A1VENDORDE0001", "EU")
    assert token.startswith("Atzr|")
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("spapi.sqlite*"))
    assert token.encode() not in raw and b"Atzr|" not in raw


def test_appstore_workflow_through_the_login_uri(simulator):
    browser = requests.Session()
    store = browser.get(f"{simulator.url}/simulator/sellercentral.amazon.co.jp/apps/appstore", timeout=10)
    link = html.unescape(re.search(r'id="authorize-now" href="([^"]+)"', store.text).group(1))
    consent = browser.get(urljoin(store.url, link), timeout=10)
    assert "Log in to the app now" in consent.text
    hops = []
    browser.hooks["response"].append(lambda r, *a, **k: hops.append(r.url))
    landing = submit(browser, consent, decision="appstore", selling_partner_id="A1APPSTOREJP01")
    assert landing.url == f"{simulator.url}/oauth/complete", text_of(landing.text)
    login_call = next(h for h in hops if "/oauth/login?" in h)
    assert query_of(login_call)["version"] == "beta"
    assert set(query_of(login_call)) == {
        "amazon_callback_uri",
        "amazon_state",
        "selling_partner_id",
        "version",
    }
    confirm_call = next(h for h in hops if "/apps/authorize/confirm/" in h)
    assert set(query_of(confirm_call)) == {"redirect_uri", "amazon_state", "state", "version"}
    [row] = authorizations(simulator.app)
    assert (row.selling_partner_id, row.region, row.workflow) == ("A1APPSTOREJP01", "FE", "appstore")


def test_cancel_returns_without_a_code(simulator):
    browser = requests.Session()
    page = submit(browser, open_consent(simulator, browser), decision="cancel")
    assert page.status_code == 200 and "Authorization cancelled" in page.text
    assert authorizations(simulator.app) == []


def test_secondary_user_sees_spdc8143(simulator):
    browser = requests.Session()
    page = submit(browser, open_consent(simulator, browser), decision="confirm", user="secondary")
    assert page.status_code == 403 and "SPDC8143" in page.text
    assert authorizations(simulator.app) == []


@pytest.fixture
def published_mismatch(tmp_path):
    """Our app says published, but Amazon still has it as a draft."""
    with live_simulator(tmp_path, SPAPI_APP_STATUS="published", SPAPI_SIMULATOR_APP_STATUS="draft") as server:
        yield server


def test_draft_app_without_version_beta_shows_md1000(published_mismatch):
    browser = requests.Session()
    page = open_consent(published_mismatch, browser)
    assert page.status_code == 400 and "MD1000" in page.text
    assert "version=beta" not in page.url


@pytest.mark.parametrize(
    ("redirect_uri", "code"),
    [
        ("https://not-registered.example/oauth/redirect", "MD5101"),
        ("REGISTERED#fragment", "MD5110"),
    ],
)
def test_bad_redirect_uri_codes(simulator, redirect_uri, code):
    redirect_uri = redirect_uri.replace("REGISTERED", f"{simulator.url}/oauth/redirect")
    page = requests.get(
        f"{simulator.url}/simulator/sellercentral.amazon.com/apps/authorize/consent",
        params={
            "application_id": APPLICATION_ID,
            "state": "s",
            "version": "beta",
            "redirect_uri": redirect_uri,
        },
        timeout=10,
    )
    assert page.status_code == 400 and code in page.text


@pytest.mark.parametrize("application_id", ["", CLIENT_ID, "amzn1.sp.solution.someone-elses-app"])
def test_unknown_application_shows_md1000(simulator, application_id):
    page = requests.get(
        f"{simulator.url}/simulator/sellercentral.amazon.com/apps/authorize/consent",
        params={"application_id": application_id, "state": "s", "version": "beta"},
        timeout=10,
    )
    assert page.status_code == 400 and "MD1000" in page.text


def test_unknown_central_host_is_404(simulator):
    page = requests.get(f"{simulator.url}/simulator/evil.example/apps/authorize/consent", timeout=10)
    assert page.status_code == 404


def token(server, **form):
    base = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    return requests.post(
        f"{server.url}/simulator/api.amazon.com/auth/o2/token", data={**base, **form}, timeout=10
    )


def simulated(server):
    requests.get(f"{server.url}/simulator/", timeout=10)  # creates it on first use
    return server.app.extensions["spapi"].simulator


def test_codes_work_once_and_only_for_their_redirect_uri(simulator):
    amazon = simulated(simulator)
    redirect_uri = f"{simulator.url}/oauth/redirect"
    code = amazon.issue_code("A1SELLER", redirect_uri)
    wrong = token(simulator, grant_type="authorization_code", code=code, redirect_uri="https://x.example/")
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    code = amazon.issue_code("A1SELLER", redirect_uri)
    first = token(simulator, grant_type="authorization_code", code=code, redirect_uri=redirect_uri)
    assert first.status_code == 200
    body = first.json()
    assert body["refresh_token"].startswith("Atzr|") and body["access_token"].startswith("Atza|")
    assert body["expires_in"] == 3600 and body["token_type"] == "bearer"
    assert first.headers["Cache-Control"] == "no-store"
    again = token(simulator, grant_type="authorization_code", code=code, redirect_uri=redirect_uri)
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "The request has an invalid grant parameter : code",
    }


def test_codes_expire_after_five_minutes(simulator):
    amazon = simulated(simulator)
    redirect_uri = f"{simulator.url}/oauth/redirect"
    code = amazon.issue_code("A1SELLER", redirect_uri)
    amazon.clock = lambda: time.time() + 301
    late = token(simulator, grant_type="authorization_code", code=code, redirect_uri=redirect_uri)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_wrong_secret_is_invalid_client(simulator):
    answer = token(simulator, grant_type="refresh_token", refresh_token="Atzr|x", client_secret="wrong")
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "Atzr|unknown"}, "invalid_grant"),
        ({"grant_type": "client_credentials"}, "invalid_scope"),
        ({"grant_type": "client_credentials", "scope": "profile"}, "invalid_scope"),
        ({}, "invalid_request"),
    ],
)
def test_token_endpoint_errors(simulator, form, error):
    answer = token(simulator, **form)
    assert answer.status_code == 400 and answer.json()["error"] == error


def test_query_string_parameters_give_a_500(simulator):
    answer = requests.post(
        f"{simulator.url}/simulator/api.amazon.com/auth/o2/token",
        params={"grant_type": "refresh_token", "client_id": CLIENT_ID},
        timeout=10,
    )
    assert answer.status_code == 500


def test_refresh_grantless_and_sellers_call(simulator):
    amazon = simulated(simulator)
    refresh_token = amazon.self_authorize("A1SELFAUTH")
    access = token(simulator, grant_type="refresh_token", refresh_token=refresh_token).json()["access_token"]
    sellers = (
        f"{simulator.url}/simulator/sellingpartnerapi-eu.amazon.com/sellers/v1/marketplaceParticipations"
    )
    ok = requests.get(sellers, headers={"x-amz-access-token": access}, timeout=10)
    assert ok.status_code == 200 and ok.headers["x-amzn-RequestId"]
    account = account_for("A1SELFAUTH")
    payload = ok.json()["payload"]
    assert {p["marketplace"]["countryCode"] for p in payload} == {
        m.iso_country_code for m in account.marketplaces_in("EU")
    }
    assert {p["storeName"] for p in payload} == {account.store_name}
    assert all(p["marketplace"]["countryCode"] != "UK" for p in payload)
    missing = requests.get(sellers, timeout=10)
    assert missing.status_code == 403
    assert missing.json()["errors"][0]["details"] == "Access token is missing in the request header."
    grantless = token(
        simulator, grant_type="client_credentials", scope="sellingpartnerapi::notifications"
    ).json()
    assert grantless["scope"] == "sellingpartnerapi::notifications" and "refresh_token" not in grantless
    refused = requests.get(sellers, headers={"x-amz-access-token": grantless["access_token"]}, timeout=10)
    assert refused.status_code == 403


def test_request_lines_in_server_logs_are_redacted(simulator, caplog):
    browser = requests.Session()
    submit(browser, open_consent(simulator, browser), decision="confirm")
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/oauth/redirect?" in line for line in lines)
    for line in lines:
        assert not re.search(r"(state|spapi_oauth_code)=(?!\[redacted\])", line), line


def test_token_endpoint_json_body_with_a_query_is_read_not_a_500(simulator):
    refresh = simulated(simulator).self_authorize("A1JSONQUERY")
    answer = requests.post(
        f"{simulator.url}/simulator/api.amazon.com/auth/o2/token?debug=1",
        json={
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json()["access_token"].startswith("Atza|")


def test_token_endpoint_accepts_http_basic_client_authentication(simulator):
    refresh = simulated(simulator).self_authorize("A1BASICAUTH")
    form = {"grant_type": "refresh_token", "refresh_token": refresh}
    url = f"{simulator.url}/simulator/api.amazon.com/auth/o2/token"
    good = requests.post(url, data=form, auth=(CLIENT_ID, CLIENT_SECRET), timeout=10)
    assert good.status_code == 200
    bad = requests.post(url, data=form, auth=(CLIENT_ID, "wrong"), timeout=10)
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
