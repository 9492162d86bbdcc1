"""A forged selling_partner_id never takes over a stored authorization: the three attacks of
issue 8 played over real HTTP against the simulator, and a legitimate re-authorization."""

from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import requests

from auth.vault.audit import detail_of
from auth.vault.audit import events_for
from auth.vault.store import list_pending
from tests.conftest import live_simulator
from tests.helpers import authorizations
from tests.helpers import query_of
from tests.live import parse_form

VICTIM = "AVICTIM0000001"
ATTACKER = "AATTACKER00001"


def with_param(url: str, **changes) -> str:
    """``url`` with some query parameters replaced, as an attacker edits the address bar."""
    parts = urlsplit(url)
    query = {**query_of(url), **changes}
    return parts._replace(query=urlencode(query)).geturl()


def confirm_on_amazon(server, browser, account: str, marketplace: str = "US") -> str:
    """Start the website workflow and confirm as ``account``; return Amazon's Redirect URI call."""
    consent = browser.get(f"{server.url}/authorize?marketplace={marketplace}&account=seller", timeout=10)
    form = parse_form(consent.text)
    fields = {**form["fields"], "decision": "confirm", "selling_partner_id": account}
    answer = browser.post(
        urljoin(consent.url, form["action"]), data=fields, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["Location"]


def authorize(server, account: str, marketplace: str = "US"):
    """A seller authorizes honestly; return the landing page."""
    browser = requests.Session()
    return browser.get(confirm_on_amazon(server, browser, account, marketplace), timeout=10)


def victim_row(server):
    rows = [r for r in authorizations(server.app) if r.selling_partner_id == VICTIM]
    return rows[0] if rows else None


def pending_rows(server):
    with server.app.extensions["spapi"].sessions() as db:
        return list_pending(db)


def audit_actions(server, partner=VICTIM):
    with server.app.extensions["spapi"].sessions() as db:
        return [(e.action, detail_of(e)) for e in reversed(events_for(db, partner))]


@pytest.fixture(params=["seller-id-check", "fingerprint-only"])
def server(request, tmp_path):
    """The simulator, with the seller-ID check (the app has the Listings role) or without it."""
    verify = "1" if request.param == "seller-id-check" else "0"
    with live_simulator(tmp_path, SPAPI_VERIFY_SELLER_ID=verify) as live:
        yield live


def test_website_attack_edits_the_id_and_ends_pending(server):
    assert "You're connected" in authorize(server, VICTIM).text
    before = victim_row(server).fingerprint
    attacker = requests.Session()
    forged = with_param(confirm_on_amazon(server, attacker, ATTACKER), selling_partner_id=VICTIM)
    landing = attacker.get(forged, timeout=10)
    assert landing.status_code == 200 and "Authorization received" in landing.text
    assert "You're connected" not in landing.text and VICTIM not in landing.text
    assert victim_row(server).fingerprint == before
    [pending] = pending_rows(server)
    assert pending.selling_partner_id == VICTIM and pending.fingerprint != before
    actions = [a for a, _ in audit_actions(server)]
    assert actions == ["stored", "pending"]


def test_appstore_attack_through_the_login_uri_ends_pending(server):
    assert "You're connected" in authorize(server, VICTIM, "JP").text
    before = victim_row(server).fingerprint
    attacker = requests.Session()
    store = f"{server.url}/simulator/sellercentral.amazon.co.jp/apps/authorize/consent"
    consent = attacker.get(f"{store}?{urlencode(_appstore_query(server))}", timeout=10)
    form = parse_form(consent.text)
    fields = {**form["fields"], "decision": "appstore", "selling_partner_id": ATTACKER}
    to_login = attacker.post(
        urljoin(consent.url, form["action"]), data=fields, allow_redirects=False, timeout=10
    )
    login_call = with_param(to_login.headers["Location"], selling_partner_id=VICTIM)
    to_confirm = attacker.get(login_call, allow_redirects=False, timeout=10)
    assert to_confirm.status_code == 302
    to_redirect = attacker.get(to_confirm.headers["Location"], allow_redirects=False, timeout=10)
    callback = to_redirect.headers["Location"]
    assert query_of(callback)["selling_partner_id"] == ATTACKER  # Amazon names the real account
    landing = attacker.get(with_param(callback, selling_partner_id=VICTIM), timeout=10)
    assert "Authorization received" in landing.text
    assert victim_row(server).fingerprint == before
    assert [p.selling_partner_id for p in pending_rows(server)] == [VICTIM]


def _appstore_query(server) -> dict:
    """The consent page's query when "Authorize now" is pressed on the app's Appstore page."""
    application_id = server.app.extensions["spapi"].settings.application_id
    return {"application_id": application_id, "version": "beta", "workflow": "appstore"}


def test_pre_emption_with_the_seller_id_check_never_activates_the_attackers_token(tmp_path):
    with live_simulator(tmp_path, SPAPI_VERIFY_SELLER_ID="1") as server:
        attacker = requests.Session()
        forged = with_param(confirm_on_amazon(server, attacker, ATTACKER), selling_partner_id=VICTIM)
        assert "Authorization received" in attacker.get(forged, timeout=10).text
        assert victim_row(server) is None
        [pending] = pending_rows(server)
        assert "another seller" in pending.reason
        assert "You're connected" in authorize(server, VICTIM).text
        row = victim_row(server)
        assert row.trust == "verified" and row.fingerprint != pending.fingerprint
        actions = audit_actions(server)
        assert [a for a, _ in actions] == ["pending", "stored"]
        assert actions[0][1]["evidence"]["seller_id_check"] == "mismatch"


def test_pre_emption_without_the_check_is_claimed_only_and_cannot_displace_later(tmp_path):
    # Without the Listings role nothing shows the ID is wrong: the row is active but marked
    # "claimed", and the real seller's later token waits for the administrator.
    with live_simulator(tmp_path, SPAPI_VERIFY_SELLER_ID="0") as server:
        attacker = requests.Session()
        forged = with_param(confirm_on_amazon(server, attacker, ATTACKER), selling_partner_id=VICTIM)
        attacker.get(forged, timeout=10)
        claimed = victim_row(server)
        assert claimed.trust == "claimed"
        assert "Authorization received" in authorize(server, VICTIM).text
        assert victim_row(server).fingerprint == claimed.fingerprint
        assert [p.selling_partner_id for p in pending_rows(server)] == [VICTIM]


def test_a_verified_reauthorization_replaces_the_token_and_keeps_the_old_one(tmp_path):
    with live_simulator(tmp_path, SPAPI_VERIFY_SELLER_ID="1") as server:
        authorize(server, VICTIM)
        first = victim_row(server)
        again = authorize(server, VICTIM)
        assert "You're connected" in again.text
        second = victim_row(server)
        assert second.fingerprint != first.fingerprint and second.id == first.id
        assert pending_rows(server) == []
        actions = audit_actions(server)
        assert [a for a, _ in actions] == ["stored", "previous_kept", "replaced"]
        assert actions[1][1]["token"] == first.fingerprint


def test_audit_trail_holds_fingerprints_and_never_a_token(server):
    authorize(server, VICTIM)
    attacker = requests.Session()
    attacker.get(
        with_param(confirm_on_amazon(server, attacker, ATTACKER), selling_partner_id=VICTIM), timeout=10
    )
    text = repr(audit_actions(server))
    assert "Atzr|" not in text and "Atza|" not in text
    assert victim_row(server).fingerprint in text
