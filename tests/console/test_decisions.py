"""The administrator's decisions on pending authorizations, in the CLI, the console and
Chromium; the invitations and audit pages."""

import json
import re

import pytest
import requests

from auth.simulator.accounts import account_for
from auth.vault.store import list_pending
from tests.conftest import ADMIN_PASSWORD
from tests.conftest import live_login
from tests.conftest import live_simulator
from tests.conftest import post_form
from tests.helpers import authorizations
from tests.helpers import element_text
from tests.oauth.test_takeover import ATTACKER
from tests.oauth.test_takeover import VICTIM
from tests.oauth.test_takeover import authorize
from tests.oauth.test_takeover import confirm_on_amazon
from tests.oauth.test_takeover import with_param


def attack(server) -> str:
    """The victim authorizes, the attacker forges the ID; return the victim's fingerprint."""
    authorize(server, VICTIM)
    attacker = requests.Session()
    attacker.get(
        with_param(confirm_on_amazon(server, attacker, ATTACKER), selling_partner_id=VICTIM), timeout=10
    )
    return authorizations(server.app)[0].fingerprint


def pending_rows(server):
    with server.app.extensions["spapi"].sessions() as db:
        return list_pending(db)


def cli(server, *args):
    result = server.app.test_cli_runner().invoke(args=["spapi", *args])
    return result


@pytest.fixture
def server(tmp_path):
    with live_simulator(tmp_path) as live:
        yield live


def test_cli_lists_pending_rows_and_approves(server):
    before = attack(server)
    rows = json.loads(cli(server, "authorizations", "--json").output)
    statuses = {(r["selling_partner_id"], r["status"], r["trust"]) for r in rows}
    assert statuses == {(VICTIM, "active", "verified"), (VICTIM, "pending", "claimed")}
    [waiting] = [r for r in rows if r["status"] == "pending"]
    assert waiting["id"].startswith("p") and "another seller" in waiting["reason"]
    text = cli(server, "authorizations").output
    assert f"pending {waiting['id']}" in text and "Atzr|" not in text
    approved = cli(server, "approve", waiting["id"], "--json")
    assert approved.exit_code == 0 and json.loads(approved.output)["fingerprint"] == waiting["fingerprint"]
    [row] = authorizations(server.app)
    assert row.fingerprint == waiting["fingerprint"] != before
    assert pending_rows(server) == []
    again = cli(server, "approve", waiting["id"])
    assert again.exit_code == 1 and "no pending authorization" in again.output


def test_cli_rejects_and_the_active_token_stays(server):
    before = attack(server)
    [waiting] = pending_rows(server)
    result = cli(server, "reject", f"p{waiting.id}")
    assert result.exit_code == 0 and "Rejected" in result.output
    assert pending_rows(server) == [] and authorizations(server.app)[0].fingerprint == before
    assert cli(server, "reject", "nonsense").exit_code == 1
    actions = [e["action"] for e in _audit_json(server)]
    assert actions[-1] == "rejected"


def _audit_json(server):
    from auth.vault.audit import events_for

    with server.app.extensions["spapi"].sessions() as db:
        return [{"action": e.action} for e in reversed(events_for(db, VICTIM))]


def test_pending_rows_never_serve_tokens(server):
    attack(server)
    [waiting] = pending_rows(server)
    tested = cli(server, "test", "--selling-partner-id", VICTIM, "--region", "NA", "--json")
    assert tested.exit_code == 0, tested.output
    # The call ran on the victim's account (the active row), never on the pending token's.
    assert account_for(VICTIM).store_name in tested.output
    assert account_for(ATTACKER).store_name not in tested.output
    assert waiting.fingerprint not in tested.output


def test_console_audit_and_invitations_pages(server):
    attack(server)
    browser = live_login(server)
    audit = browser.get(f"{server.url}/console/audit", params={"partner": VICTIM}, timeout=10)
    assert audit.status_code == 200
    assert re.findall(r'data-action="(\w+)"', audit.text) == ["pending", "stored"]
    assert "Atzr|" not in audit.text
    created = post_form(
        browser, f"{server.url}/console/invitations", label="Beta Shop", days="3", account="seller"
    )
    assert created.status_code == 201
    url = element_text(created.text, "invitation-url")
    assert url.startswith(f"{server.url}/invite/")
    listing = browser.get(f"{server.url}/console/invitations", timeout=10)
    assert "Beta Shop" in listing.text and url not in listing.text
    refused = post_form(browser, f"{server.url}/console/invitations", label="", days="3")
    assert refused.status_code == 400 and "Give the customer" in refused.text


@pytest.mark.browser
def test_approve_and_reject_in_the_console(tmp_path, page):
    with live_simulator(tmp_path) as server:
        attack(server)
        attacker = requests.Session()
        forged = confirm_on_amazon(server, attacker, "AOTHERATTACK01")
        attacker.get(with_param(forged, selling_partner_id=VICTIM), timeout=10)
        first, second = sorted(pending_rows(server), key=lambda r: r.id)
        page.goto(f"{server.url}/console/login")
        page.fill("#password", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{server.url}/console/authorizations")
        assert page.locator("#pending tr[data-pending]").count() == 2
        page.click(f"tr[data-pending='p{second.id}'] button.reject")
        assert f"Rejected and deleted p{second.id}" in page.inner_text("main")
        page.click(f"tr[data-pending='p{first.id}'] button.approve")
        assert f"Approved p{first.id}" in page.inner_text("main")
        assert page.locator("#pending").count() == 0
        [row] = authorizations(server.app)
        assert row.fingerprint == first.fingerprint
        assert "Atzr|" not in page.content()
