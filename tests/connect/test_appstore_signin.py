"""The Appstore workflow with SPAPI_SIGNIN_URL: Amazon calls the Login URI, the developer's
site signs its user in and names the customer, the browser continues to Amazon once."""

import html
import re
from datetime import timedelta
from urllib.parse import urljoin

import pytest
import requests
from sqlalchemy import update

from auth.connect.tables import LoginSession
from auth.vault.models import utcnow
from tests.connect.conftest import make_key
from tests.connect.conftest import wired
from tests.helpers import authorizations
from tests.helpers import query_of
from tests.live import parse_form

PARTNER = "A1SIGNIN0000JP"


@pytest.fixture
def spapi(tmp_path, developer):
    with wired(tmp_path, developer, SPAPI_SIGNIN_URL=f"{developer.url}/signin") as server:
        developer.spapi_url = server.url
        developer.key = make_key(server.app, "--operation", "connect")
        yield server


def login_uri_answer(server, browser):
    """From the simulated Appstore to our Login URI's answer (not followed)."""
    store = browser.get(f"{server.url}/simulator/sellercentral.amazon.co.jp/apps/appstore", timeout=10)
    link = html.unescape(re.search(r'id="authorize-now" href="([^"]+)"', store.text).group(1))
    consent = browser.get(urljoin(store.url, link), timeout=10)
    form = parse_form(consent.text)
    fields = {**form["fields"], "decision": "appstore", "selling_partner_id": PARTNER}
    to_amazon = browser.post(
        urljoin(consent.url, form["action"]), data=fields, timeout=10, allow_redirects=False
    )
    return browser.get(to_amazon.headers["Location"], timeout=10, allow_redirects=False)


def to_login_uri(server, browser) -> str:
    """Where our Login URI sends the browser."""
    login = login_uri_answer(server, browser)
    assert login.status_code == 302, login.text
    return login.headers["Location"]


def test_the_developer_signs_its_user_in_and_the_authorization_joins_that_customer(spapi, developer):
    browser = requests.Session()
    signin = to_login_uri(spapi, browser)
    assert signin.startswith(f"{developer.url}/signin?login_session=ls_")
    # Nothing of Amazon's parameters goes to the developer's site: only the session's id.
    assert set(query_of(signin)) == {"login_session"}
    landing = browser.get(signin, timeout=10)
    assert landing.url == f"{spapi.url}/oauth/complete", landing.text
    [row] = authorizations(spapi.app)
    assert (row.selling_partner_id, row.region, row.workflow, row.customer_ref) == (
        PARTNER,
        "FE",
        "appstore",
        "cust-0001",
    )


def test_continue_refuses_early_twice_elsewhere_and_late_without_calling_amazon(spapi, developer):
    browser = requests.Session()
    signin = to_login_uri(spapi, browser)
    login_session = query_of(signin)["login_session"]
    continue_url = f"{spapi.url}/oauth/login/continue?login_session={login_session}"

    early = browser.get(continue_url, timeout=10, allow_redirects=False)
    assert early.status_code == 400 and "Location" not in early.headers
    assert "has not finished signing you in" in early.text

    answer = developer.api("POST", f"/login-sessions/{login_session}", json={"customer_ref": "cust-2"})
    assert answer.status_code == 200 and answer.json()["connect_session"].startswith("cs_")
    twice = developer.api("POST", f"/login-sessions/{login_session}", json={"customer_ref": "cust-3"})
    assert twice.status_code == 409

    elsewhere = requests.get(continue_url, timeout=10, allow_redirects=False)
    assert elsewhere.status_code == 400 and "another browser" in elsewhere.text

    onward = browser.get(continue_url, timeout=10, allow_redirects=False)
    assert onward.status_code == 302
    target = query_of(onward.headers["Location"])
    assert set(target) == {"redirect_uri", "amazon_state", "state", "version"}
    assert "/simulator/sellercentral.amazon.co.jp/apps/authorize/confirm/" in onward.headers["Location"]

    again = browser.get(continue_url, timeout=10, allow_redirects=False)
    assert again.status_code == 400 and "already used" in again.text

    # The flow ends as the developer named it.
    browser.get(onward.headers["Location"], timeout=10)
    session = developer.api("GET", f"/connect-sessions/{answer.json()['connect_session']}").json()
    assert (session["status"], session["customer_ref"], session["selling_partner_id"]) == (
        "stored",
        "cust-2",
        PARTNER,
    )


def test_a_late_continue_is_refused(spapi, developer):
    browser = requests.Session()
    login_session = query_of(to_login_uri(spapi, browser))["login_session"]
    assert (
        developer.api("POST", f"/login-sessions/{login_session}", json={"customer_ref": "c"}).status_code
        == 200
    )
    with spapi.app.extensions["spapi"].sessions() as db:
        db.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    late = browser.get(f"{spapi.url}/oauth/login/continue?login_session={login_session}", timeout=10)
    assert late.status_code == 400 and "more than 10 minutes" in late.text
    assert authorizations(spapi.app) == []


BAD_SIGN_INS = [
    ({}, "customer_ref"),
    ({"customer_ref": ""}, "customer_ref"),
    ({"customer_ref": "x" * 129}, "customer_ref"),
    ({"customer_ref": "a\nb"}, "customer_ref"),
    ({"customer_ref": "c", "tags": ["a"]}, "tags"),
    ({"customer_ref": "c", "role": "admin"}, "role"),
    ({"customer_ref": "c", "return_url": "https://evil.example/"}, "return_url"),
]


def test_the_sign_in_call_names_its_bad_field(spapi, developer):
    login_session = query_of(to_login_uri(spapi, requests.Session()))["login_session"]
    for body, field in BAD_SIGN_INS:
        answer = developer.api("POST", f"/login-sessions/{login_session}", json=body)
        assert answer.status_code == 400 and answer.json()["error"]["field"] == field, body
    # None of them used the login session up.
    assert (
        developer.api("POST", f"/login-sessions/{login_session}", json={"customer_ref": "c"}).status_code
        == 200
    )


def test_unknown_or_hostile_login_sessions_are_refused_in_shape(spapi, developer):
    for value in ("ls_unknown", "x" * 500, "../../etc", "ls_%00"):
        answer = developer.api("POST", f"/login-sessions/{value}", json={"customer_ref": "c"})
        assert answer.status_code in (404, 400), answer.text
        assert "error" in answer.json()
        page = requests.get(f"{spapi.url}/oauth/login/continue", params={"login_session": value}, timeout=10)
        assert page.status_code == 400 and "not one we started" in page.text


def test_without_the_setting_the_login_uri_behaves_as_today(tmp_path, developer):
    with wired(tmp_path, developer) as server:
        location = to_login_uri(server, requests.Session())
        assert "/apps/authorize/confirm/" in location and "login_session" not in location


def test_todays_checks_come_first_and_one_address_is_limited(tmp_path, developer):
    with wired(
        tmp_path, developer, SPAPI_SIGNIN_URL=f"{developer.url}/signin", SPAPI_STATES_PER_MINUTE="1"
    ) as server:
        hostile = requests.get(
            f"{server.url}/oauth/login",
            params={
                "amazon_callback_uri": "https://evil.example/apps/authorize/confirm/x",
                "amazon_state": "s",
            },
            timeout=10,
            allow_redirects=False,
        )
        assert hostile.status_code == 400 and "Location" not in hostile.headers
        assert to_login_uri(server, requests.Session()).startswith(f"{developer.url}/signin?")
        second = login_uri_answer(server, requests.Session())  # within the same minute
        assert second.status_code == 429 and "Location" not in second.headers
