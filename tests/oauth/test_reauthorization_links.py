"""Re-authorization links are bound to their selling partner ID, and "same customer" is decided
by that identifier, never by the invitation's label (issue 18), over real HTTP through the
simulator with the seller-ID check off (the production default)."""

from urllib.parse import urljoin

import pytest
import requests

from tests.conftest import live_simulator
from tests.live import parse_form
from tests.oauth.test_invitations import CUSTOMER
from tests.oauth.test_invitations import accept
from tests.oauth.test_invitations import create
from tests.oauth.test_takeover import ATTACKER
from tests.oauth.test_takeover import VICTIM
from tests.oauth.test_takeover import audit_actions
from tests.oauth.test_takeover import pending_rows
from tests.oauth.test_takeover import victim_row
from tests.oauth.test_takeover import with_param


@pytest.fixture
def server(tmp_path):
    with live_simulator(tmp_path, SPAPI_VERIFY_SELLER_ID="0") as live:
        yield live


def accept_forged(url: str, account: str, claimed: str):
    """An attacker opens a link, confirms as ``account`` and edits the ID on the Redirect URI."""
    browser = requests.Session()
    page = browser.get(url, timeout=10)
    form = parse_form(page.text)
    consent = browser.get(
        urljoin(page.url, form["action"]), params={**form["fields"], "marketplace": "US"}, timeout=10
    )
    consent_form = parse_form(consent.text)
    decision = {**consent_form["fields"], "decision": "confirm", "selling_partner_id": account}
    back = browser.post(
        urljoin(consent.url, consent_form["action"]), data=decision, allow_redirects=False, timeout=10
    )
    return browser.get(with_param(back.headers["Location"], selling_partner_id=claimed), timeout=10)


def invited_victim(server) -> None:
    """The victim authorized through an invitation for the customer (an invited row)."""
    landing = accept(requests.Session(), create(server)["url"], VICTIM, "US")
    assert "You're connected" in landing.text and victim_row(server).trust == "invited"


def test_a_link_bound_to_the_partner_reauthorizes_and_keeps_the_old_token(server):
    invited_victim(server)
    before = victim_row(server).fingerprint
    link = create(server, "--expected-partner", VICTIM)["url"]
    assert "You're connected" in accept(requests.Session(), link, VICTIM, "US").text
    assert victim_row(server).fingerprint != before and pending_rows(server) == []
    kept = [detail for action, detail in audit_actions(server) if action == "previous_kept"]
    assert [k["token"] for k in kept] == [before]


def test_an_unbound_link_for_the_same_customer_label_cannot_take_over(server):
    invited_victim(server)
    before = victim_row(server).fingerprint
    landing = accept_forged(create(server)["url"], ATTACKER, VICTIM)  # same label, any partner
    assert "Authorization received" in landing.text
    assert victim_row(server).fingerprint == before
    [pending] = pending_rows(server)
    assert pending.customer_label == CUSTOMER and "not bound" in pending.reason


def test_a_bound_link_whose_token_opens_another_account_waits_as_pending(server):
    invited_victim(server)
    before = victim_row(server).fingerprint
    link = create(server, "--expected-partner", VICTIM)["url"]
    landing = accept_forged(link, ATTACKER, VICTIM)
    assert "Authorization received" in landing.text
    assert victim_row(server).fingerprint == before
    [pending] = pending_rows(server)
    assert "different account" in pending.reason


def test_a_bound_link_finished_with_another_partner_id_waits_as_pending(server):
    invited_victim(server)
    link = create(server, "--expected-partner", VICTIM)["url"]
    landing = accept(requests.Session(), link, ATTACKER, "US")
    assert "Authorization received" in landing.text
    assert [p.selling_partner_id for p in pending_rows(server)] == [ATTACKER]
