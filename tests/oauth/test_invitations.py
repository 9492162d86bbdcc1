"""Invitations over real HTTP through the simulator: single use, expiry, browser binding, the
public-page-off setting, and an authorization bound to its customer."""

import json
from datetime import timedelta
from urllib.parse import urljoin

import pytest
import requests
from sqlalchemy import update

from auth.vault.models import Invitation
from auth.vault.models import utcnow
from tests.conftest import live_simulator
from tests.helpers import authorizations
from tests.live import parse_form

CUSTOMER = "Acme Outdoor GmbH"


def create(server, *args) -> dict:
    """Create an invitation with the CLI, as the administrator would."""
    runner = server.app.test_cli_runner()
    result = runner.invoke(args=["spapi", "invitations", "create", "--label", CUSTOMER, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def listed(server) -> list[dict]:
    result = server.app.test_cli_runner().invoke(args=["spapi", "invitations", "--json"])
    return json.loads(result.output)


def accept(browser, url: str, account: str, marketplace: str | None = None):
    """Open the invitation, press Authorize, confirm on the simulated consent page."""
    page = browser.get(url, timeout=10)
    assert page.status_code == 200, page.text
    form = parse_form(page.text)
    fields = dict(form["fields"])
    if marketplace:
        fields["marketplace"] = marketplace
    consent = browser.get(urljoin(page.url, form["action"]), params=fields, timeout=10)
    consent_form = parse_form(consent.text)
    decision = {**consent_form["fields"], "decision": "confirm", "selling_partner_id": account}
    return browser.post(urljoin(consent.url, consent_form["action"]), data=decision, timeout=10)


@pytest.fixture
def server(tmp_path):
    with live_simulator(tmp_path) as live:
        yield live


def test_an_invitation_binds_the_authorization_to_its_customer(server):
    invitation = create(server, "--marketplace", "DE")
    assert set(invitation) == {"id", "url", "expires_at"}
    assert invitation["url"].startswith(f"{server.url}/invite/")
    assert listed(server)[0]["status"] == "created"
    landing = accept(requests.Session(), invitation["url"], "AINVITED000001")
    assert "You're connected" in landing.text
    [row] = authorizations(server.app)
    assert (row.selling_partner_id, row.region, row.trust, row.customer_label) == (
        "AINVITED000001",
        "EU",
        "verified",
        CUSTOMER,
    )
    [shown] = listed(server)
    assert shown["status"] == "completed" and shown["selling_partner_id"] == "AINVITED000001"


def test_an_invitation_works_once(server):
    invitation = create(server)
    browser = requests.Session()
    accept(browser, invitation["url"], "AONCE000000001", "US")
    again = browser.get(invitation["url"], timeout=10)
    assert again.status_code == 410 and "already used" in again.text


def test_a_second_browser_is_refused(server):
    invitation = create(server)
    first = requests.Session()
    assert first.get(invitation["url"], timeout=10).status_code == 200
    second = requests.Session()
    refused = second.get(invitation["url"], timeout=10)
    assert refused.status_code == 403 and "another browser" in refused.text
    start = second.get(invitation["url"] + "/authorize?marketplace=US", allow_redirects=False, timeout=10)
    assert start.status_code == 403
    assert listed(server)[0]["status"] == "opened"


def test_an_expired_invitation_is_refused(server):
    invitation = create(server, "--days", "1")
    with server.app.extensions["spapi"].sessions() as db:
        db.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    answer = requests.get(invitation["url"], timeout=10)
    assert answer.status_code == 410 and "expired" in answer.text
    assert listed(server)[0]["status"] == "expired"


def test_unknown_or_mangled_links_are_404(server):
    assert requests.get(f"{server.url}/invite/not-a-real-token", timeout=10).status_code == 404
    assert requests.get(f"{server.url}/invite/{'x' * 300}", timeout=10).status_code == 404


def test_an_expected_partner_that_does_not_come_back_waits_as_pending(server):
    invitation = create(server, "--expected-partner", "AEXPECTED00001")
    landing = accept(requests.Session(), invitation["url"], "ASOMEONEELSE01", "US")
    assert "Authorization received" in landing.text
    assert authorizations(server.app) == []


def test_only_invitations_when_the_public_page_is_off(tmp_path):
    with live_simulator(tmp_path, SPAPI_PUBLIC_AUTHORIZE="0") as server:
        for path in ("/", "/authorize?marketplace=US", "/oauth/login"):
            answer = requests.get(server.url + path, allow_redirects=False, timeout=10)
            assert answer.status_code == 404 and "by invitation only" in answer.text
        invitation = create(server)
        assert (
            "You're connected" in accept(requests.Session(), invitation["url"], "AINVITEONLY001", "US").text
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--marketplace", "XX"], "unknown marketplace"),
        (["--marketplace", "IE", "--account", "vendor"], "no Vendor Central"),
        (["--expected-partner", "bad id!"], "malformed"),
        (["--days", "0"], "0 is not in the range"),
    ],
)
def test_bad_invitation_options_are_named(app, runner, args, message):
    result = runner.invoke(args=["spapi", "invitations", "create", "--label", "X", *args])
    assert result.exit_code != 0 and message in result.output


def test_invitation_links_never_reach_the_logs(server, caplog):
    invitation = create(server)
    requests.get(invitation["url"], timeout=10)
    secret = invitation["url"].rsplit("/", 1)[1]
    assert secret not in caplog.text


def test_a_second_flow_started_from_one_invitation_is_refused_once_it_is_used(server):
    invitation = create(server)
    browser = requests.Session()
    page = browser.get(invitation["url"], timeout=10)
    form = parse_form(page.text)
    first = browser.get(
        urljoin(page.url, form["action"]), params={**form["fields"], "marketplace": "US"}, timeout=10
    )
    second = browser.get(
        urljoin(page.url, form["action"]), params={**form["fields"], "marketplace": "US"}, timeout=10
    )
    for consent in (first, second):
        consent_form = parse_form(consent.text)
        decision = {**consent_form["fields"], "decision": "confirm", "selling_partner_id": "ATWICE00000001"}
        landing = browser.post(urljoin(consent.url, consent_form["action"]), data=decision, timeout=10)
    assert landing.status_code == 400 and 'data-outcome="callback.invitation_used"' in landing.text
    assert [r.selling_partner_id for r in authorizations(server.app)] == ["ATWICE00000001"]
