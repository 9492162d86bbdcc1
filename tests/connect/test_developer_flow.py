"""The whole sequence as the developer's product drives it, over real HTTP with the simulator
as Amazon: create a session, the seller authorizes, the browser comes back to the product's
return URL, the product reads the session, the webhook names the customer."""

import json
import logging
from urllib.parse import urljoin

import requests

from tests.connect.conftest import deliver_webhooks
from tests.helpers import authorizations
from tests.helpers import query_of
from tests.live import parse_form

PARTNER = "ACONNECT000001"


def authorize(browser, url: str, partner: str = PARTNER, decision: str = "confirm", marketplace="DE"):
    """Open the session's link, press Authorize, decide on the simulated consent page."""
    page = browser.get(url, timeout=10)
    assert page.status_code == 200, page.text
    form = parse_form(page.text)
    fields = {**form["fields"], "marketplace": marketplace}
    consent = browser.get(urljoin(page.url, form["action"]), params=fields, timeout=10)
    consent_form = parse_form(consent.text)
    choice = {**consent_form["fields"], "decision": decision, "selling_partner_id": partner}
    return browser.post(urljoin(consent.url, consent_form["action"]), data=choice, timeout=10)


def test_a_session_ends_stored_back_at_the_product_with_its_customer_everywhere(spapi, developer, caplog):
    caplog.set_level(logging.INFO)
    created = developer.create_session(
        customer_ref="cust-42",
        tags={"plan": "pro", "team": "eu"},
        return_url=f"{developer.url}/app/connected",
    )
    assert set(created) == {"id", "url", "expires_at", "status"} and created["status"] == "open"
    token = created["url"].rsplit("/", 1)[1]
    assert created["url"] == f"{spapi.url}/connect/{token}" and len(token) >= 43

    landing = authorize(requests.Session(), created["url"])
    assert landing.url.startswith(f"{developer.url}/app/connected?")
    assert query_of(landing.url) == {"connect_session": created["id"], "status": "stored"}
    [back] = developer.returns
    session = back["session"]
    assert session["status"] == "stored" and session["authorization_status"] == "active"
    assert (session["customer_ref"], session["tags"]) == ("cust-42", {"plan": "pro", "team": "eu"})
    assert (session["selling_partner_id"], session["region"]) == (PARTNER, "EU")
    assert session["completed_at"] and session["last_error"] is None

    [row] = authorizations(spapi.app)
    assert (row.customer_ref, json.loads(row.tags)) == ("cust-42", {"plan": "pro", "team": "eu"})
    listed = developer.api("GET", "/authorizations", params={"customer_ref": "cust-42"}).json()
    assert [(a["selling_partner_id"], a["customer_ref"], a["tags"]) for a in listed["authorizations"]] == [
        (PARTNER, "cust-42", {"plan": "pro", "team": "eu"})
    ]
    assert developer.api("GET", "/authorizations", params={"customer_ref": "cust-43"}).json() == {
        "authorizations": []
    }
    cli = spapi.app.test_cli_runner().invoke(args=["spapi", "authorizations", "--json"])
    assert json.loads(cli.output)[0]["customer_ref"] == "cust-42"

    deliver_webhooks(spapi)
    [event] = [e for e in developer.webhooks if e["type"] == "authorization.stored"]
    assert (event["data"]["customer_ref"], event["data"]["tags"]) == (
        "cust-42",
        {"plan": "pro", "team": "eu"},
    )
    # Neither the webhook, the API nor the logs carry the link's secret part.
    assert token not in json.dumps(developer.webhooks) and token not in json.dumps(back)
    assert token not in caplog.text


def test_the_link_works_once_and_in_one_browser(spapi, developer):
    created = developer.create_session(customer_ref="cust-1", return_url=f"{developer.url}/app/connected")
    first = requests.Session()
    assert first.get(created["url"], timeout=10).status_code == 200
    other = requests.Session().get(created["url"], timeout=10)
    assert other.status_code == 403 and "another browser" in other.text
    authorize(first, created["url"])
    again = first.get(created["url"], timeout=10)
    assert again.status_code == 410 and "already used" in again.text


def test_cancel_and_failure_come_back_with_their_status_and_the_session_stays_open(spapi, developer):
    created = developer.create_session(
        customer_ref="cust-7", return_url=f"{developer.url}/app/connected?tab=amazon"
    )
    browser = requests.Session()
    cancelled = authorize(browser, created["url"], decision="cancel")
    assert query_of(cancelled.url) == {
        "tab": "amazon",
        "connect_session": created["id"],
        "status": "cancelled",
    }
    session = developer.returns[-1]["session"]
    assert session["status"] == "open" and session["last_error"]["code"] == "cancelled"

    # The seller tries again in the same browser and Amazon refuses a secondary user.
    page = browser.get(created["url"], timeout=10)
    form = parse_form(page.text)
    consent = browser.get(urljoin(page.url, form["action"]), params={"marketplace": "US"}, timeout=10)
    fields = {**parse_form(consent.text)["fields"], "decision": "confirm", "user": "secondary"}
    refused = browser.post(urljoin(consent.url, parse_form(consent.text)["action"]), data=fields, timeout=10)
    # Amazon shows its own error page (SPDC8143) and never comes back: the session is still open.
    assert refused.status_code == 403 and "SPDC8143" in refused.text
    assert developer.api("GET", f"/connect-sessions/{created['id']}").json()["status"] == "open"

    # A third try completes: the same link still works after failed attempts.
    stored = authorize(browser, created["url"], partner="ACONNECT000007")
    assert query_of(stored.url)["status"] == "stored"


def test_without_return_url_the_seller_sees_the_branded_pages(spapi, developer):
    created = developer.create_session(customer_ref="cust-9")
    browser = requests.Session()
    page = browser.get(created["url"], timeout=10)
    assert "Acme Repricer" in page.text and "spapi-auth" not in page.text
    landing = authorize(browser, created["url"])
    assert landing.url == f"{spapi.url}/oauth/complete"
    assert "Acme Repricer can now use the Selling Partner API" in landing.text
    assert developer.returns == []
    assert developer.api("GET", f"/connect-sessions/{created['id']}").json()["status"] == "stored"


def test_a_reauthorization_keeps_the_customer_and_a_foreign_partner_is_kept_pending(spapi, developer):
    first = developer.create_session(customer_ref="cust-5", tags={"plan": "basic"})
    authorize(requests.Session(), first["url"])
    again = developer.create_session(selling_partner_id=PARTNER, region="EU")
    assert developer.api("GET", f"/connect-sessions/{again['id']}").json()["customer_ref"] == "cust-5"
    authorize(requests.Session(), again["url"])
    [row] = authorizations(spapi.app)
    assert (row.customer_ref, json.loads(row.tags)) == ("cust-5", {"plan": "basic"})
    assert developer.api("GET", f"/connect-sessions/{again['id']}").json()["status"] == "stored"

    # A re-authorization link is bound to its partner: another account's token waits.
    third = developer.create_session(selling_partner_id=PARTNER, region="EU")
    authorize(requests.Session(), third["url"], partner="AOTHER00000001")
    read = developer.api("GET", f"/connect-sessions/{third['id']}").json()
    assert (read["status"], read["authorization_status"]) == ("pending", "pending")
    [row] = authorizations(spapi.app)
    assert row.selling_partner_id == PARTNER


def test_an_error_amazon_reports_comes_back_as_failed_with_its_explanation(spapi, developer):
    created = developer.create_session(customer_ref="cust-8", return_url=f"{developer.url}/app/connected")
    browser = requests.Session()
    page = browser.get(created["url"], timeout=10)
    form = parse_form(page.text)
    consent = browser.get(urljoin(page.url, form["action"]), params={"marketplace": "US"}, timeout=10)
    state = parse_form(consent.text)["fields"]["state"]
    back = browser.get(
        f"{spapi.url}/oauth/redirect", params={"state": state, "error": "access_denied"}, timeout=10
    )
    assert query_of(back.url) == {"connect_session": created["id"], "status": "failed"}
    error = developer.returns[-1]["session"]["last_error"]
    assert developer.returns[-1]["session"]["status"] == "open"
    assert error["code"] and error["explanation_url"].startswith(f"{spapi.url}/explain/")
    assert requests.get(error["explanation_url"], timeout=10).status_code == 200


def test_a_stranger_replaying_the_state_learns_nothing_and_is_not_sent_back(spapi, developer):
    created = developer.create_session(customer_ref="cust-3", return_url=f"{developer.url}/app/connected")
    browser = requests.Session()
    page = browser.get(created["url"], timeout=10)
    consent = browser.get(
        urljoin(page.url, parse_form(page.text)["action"]), params={"marketplace": "US"}, timeout=10
    )
    state = parse_form(consent.text)["fields"]["state"]
    stranger = requests.get(f"{spapi.url}/oauth/redirect", params={"state": state, "error": "x"}, timeout=10)
    assert stranger.status_code == 400 and developer.url not in stranger.url
    assert developer.api("GET", f"/connect-sessions/{created['id']}").json()["last_error"] is None
