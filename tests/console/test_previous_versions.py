"""Nothing overwritten is gone: an approval keeps the displaced token as a previous version,
listed in the audit trail and restorable from the CLI and the console (issue 18)."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from auth.vault.models import PreviousAuthorization
from auth.vault.models import utcnow
from tests.conftest import live_login
from tests.conftest import live_simulator
from tests.conftest import post_form
from tests.console.test_decisions import attack
from tests.console.test_decisions import cli
from tests.console.test_decisions import pending_rows
from tests.helpers import authorizations
from tests.oauth.test_takeover import VICTIM
from tests.oauth.test_takeover import audit_actions


@pytest.fixture
def server(tmp_path):
    with live_simulator(tmp_path) as live:
        yield live


def approve_the_attackers_token(server) -> tuple[str, str]:
    """The wrong approval: return the victim's and the attacker's fingerprints."""
    victim = attack(server)
    [waiting] = pending_rows(server)
    assert cli(server, "approve", f"p{waiting.id}").exit_code == 0
    assert authorizations(server.app)[0].fingerprint == waiting.fingerprint
    return victim, waiting.fingerprint


def test_a_wrong_approval_is_undone_with_the_cli(server):
    victim, attacker = approve_the_attackers_token(server)
    [kept] = json.loads(cli(server, "authorizations", "--previous", "--json").output)
    assert (kept["fingerprint"], kept["status"], kept["replaced_by"]) == (victim, "previous", attacker)
    assert "Atzr|" not in cli(server, "authorizations", "--previous").output
    assert [d["previous"] for a, d in audit_actions(server) if a == "previous_kept"] == [kept["id"]]
    restored = cli(server, "authorizations", "restore", kept["id"], "--json")
    assert restored.exit_code == 0, restored.output
    assert authorizations(server.app)[0].fingerprint == victim
    # The restore is itself undoable: the attacker's token is now the previous version.
    [now_kept] = json.loads(cli(server, "authorizations", "--previous", "--json").output)
    assert now_kept["fingerprint"] == attacker
    again = cli(server, "authorizations", "restore", kept["id"])
    assert again.exit_code == 1 and "no previous version" in again.output
    # The listing of the contract is unchanged.
    assert cli(server, "authorizations").output.count("\n") == 1


def test_an_expired_previous_version_is_gone_and_cannot_be_restored(server):
    approve_the_attackers_token(server)
    with server.app.extensions["spapi"].sessions() as db:
        db.execute(update(PreviousAuthorization).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert json.loads(cli(server, "authorizations", "--previous", "--json").output) == []
    assert cli(server, "authorizations", "restore", "v1").exit_code == 1
    assert cli(server, "authorizations", "restore", "not-an-id").exit_code == 1


def test_the_console_restores_with_a_button(server):
    victim, _attacker = approve_the_attackers_token(server)
    browser = live_login(server)
    page = browser.get(f"{server.url}/console/authorizations", timeout=10).text
    [previous_id] = re.findall(r'data-previous="v(\d+)"', page)
    answer = post_form(
        browser,
        f"{server.url}/console/previous/{previous_id}/restore",
        form_page=f"{server.url}/console/authorizations",
    )
    assert answer.status_code == 200 and f"Restored v{previous_id}" in answer.text
    assert authorizations(server.app)[0].fingerprint == victim
    assert [r.selling_partner_id for r in authorizations(server.app)] == [VICTIM]


def test_retention_setting_zero_keeps_nothing(tmp_path):
    with live_simulator(tmp_path, SPAPI_PREVIOUS_VERSION_DAYS="0") as server:
        approve_the_attackers_token(server)
        assert json.loads(cli(server, "authorizations", "--previous", "--json").output) == []
