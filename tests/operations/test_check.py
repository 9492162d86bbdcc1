"""flask spapi check over the simulated LWA (real HTTP): revoked is told from unreachable, the
row's health follows, the token service refuses a revoked partner at once, and the events
come once."""

import json

import pytest
import requests

from tests.conftest import live_simulator
from tests.operations.support import api_key
from tests.operations.support import authorize
from tests.operations.support import events
from tests.operations.support import rows
from tests.operations.support import spapi

PARTNERS = ["A1CHECKONE0001", "A1CHECKTWO0002", "A1CHECKTHREE03"]


@pytest.fixture
def server(tmp_path):
    with live_simulator(tmp_path) as live:
        authorize(live.app, PARTNERS)
        yield live


def lwa_token(server, key, partner):
    return requests.post(
        f"{server.url}/api/lwa/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": f"spapi-auth:{partner}:NA",
            "client_id": key.id,
            "client_secret": key.secret,
        },
        timeout=20,
    )


def check(runner, *args):
    result = spapi(runner, "check", *args, "--json")
    return result.exit_code, json.loads(result.output)


def test_all_ok_exits_0_and_every_row_is_checked(server):
    runner = server.app.test_cli_runner()
    code, report = check(runner, "--all")
    assert code == 0
    assert sorted(r["selling_partner_id"] for r in report) == sorted(PARTNERS)
    assert {(r["region"], r["result"]) for r in report} == {("NA", "ok")}
    assert all(row.health == "ok" and row.last_checked_at for row in rows(server.app).values())
    listed = json.loads(spapi(runner, "authorizations", "--json").output)
    assert {r["health"] for r in listed} == {"ok"} and all(r["last_checked_at"] for r in listed)


def test_a_revocation_exits_1_marks_the_row_and_the_token_service_refuses_at_once(server):
    runner = server.app.test_cli_runner()
    key = api_key(server.app)
    revoked = PARTNERS[0]
    assert lwa_token(server, key, revoked).status_code == 200  # a cached access token now exists
    assert spapi(runner, "simulator", "revoke", revoked).exit_code == 0
    code, report = check(runner, "--all")
    assert code == 1
    by_partner = {r["selling_partner_id"]: r for r in report}
    assert by_partner[revoked]["result"] == "revoked"
    assert "invalid_grant" in by_partner[revoked]["detail"]
    assert {by_partner[p]["result"] for p in PARTNERS[1:]} == {"ok"}
    assert rows(server.app)[revoked].health == "revoked"
    # The cached token is no longer served: LWA's own answer for a revoked grant.
    answer = lwa_token(server, key, revoked)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    assert lwa_token(server, key, PARTNERS[1]).status_code == 200
    listed = requests.get(
        f"{server.url}/api/v1/authorizations", headers={"Authorization": f"Bearer {key.id}.{key.secret}"}
    ).json()["authorizations"]
    assert {a["selling_partner_id"]: a["health"] for a in listed}[revoked] == "revoked"
    # Checked again: still revoked (exit 1), but reported once.
    assert check(runner, "--all")[0] == 1
    assert [e["selling_partner_id"] for e in events(server.app, "authorization.revoked")] == [revoked]


def test_an_outage_is_failing_never_revoked_and_recovers(server):
    runner = server.app.test_cli_runner()
    assert spapi(runner, "simulator", "outage", "--seconds", "600").exit_code == 0
    for _round in range(3):
        code, report = check(runner, "--all")
        assert code == 2
        assert {r["result"] for r in report} == {"unreachable"}
        assert all("temporarily_unavailable" in r["detail"] for r in report)
    states = rows(server.app)
    assert {row.health for row in states.values()} == {"failing"}
    assert {row.health_failures for row in states.values()} == {3}
    assert not any(row.needs_reauthorization for row in states.values())
    assert events(server.app, "authorization.revoked") == []
    assert spapi(runner, "simulator", "outage", "--seconds", "0").exit_code == 0
    code, report = check(runner, "--all")
    assert code == 0 and {r["detail"] for r in report} == {"recovered"}
    assert {row.health for row in rows(server.app).values()} == {"ok"}
    recovered = events(server.app, "authorization.recovered")
    assert sorted(e["selling_partner_id"] for e in recovered) == sorted(PARTNERS)
    assert {e["was"] for e in recovered} == {"failing"}


def test_revoked_and_unreachable_together_exit_1(server):
    runner = server.app.test_cli_runner()
    spapi(runner, "simulator", "revoke", PARTNERS[0])
    assert check(runner, "--partner", PARTNERS[0])[0] == 1
    spapi(runner, "simulator", "outage", "--seconds", "600")
    code, report = check(runner, "--all")
    assert code == 1
    assert {r["selling_partner_id"]: r["result"] for r in report} == {
        PARTNERS[0]: "revoked",
        PARTNERS[1]: "unreachable",
        PARTNERS[2]: "unreachable",
    }
    assert rows(server.app)[PARTNERS[0]].health == "revoked"  # an outage never un-revokes


def test_reauthorization_makes_a_revoked_row_ok_again(server):
    runner = server.app.test_cli_runner()
    spapi(runner, "simulator", "revoke", PARTNERS[0])
    assert check(runner, "--all")[0] == 1
    authorize(server.app, [PARTNERS[0]])  # the partner authorizes again: a new token
    assert rows(server.app)[PARTNERS[0]].health == "ok"
    assert check(runner, "--all")[0] == 0


def test_partner_selection_and_bad_input(server):
    runner = server.app.test_cli_runner()
    code, report = check(runner, "--partner", PARTNERS[1])
    assert code == 0 and [r["selling_partner_id"] for r in report] == [PARTNERS[1]]
    unknown = spapi(runner, "check", "--partner", "A9NOSUCHPARTNER")
    assert unknown.exit_code == 3 and "A9NOSUCHPARTNER" in unknown.output
    both = spapi(runner, "check", "--all", "--partner", PARTNERS[1])
    assert both.exit_code == 3 and "not both" in both.output
    text = spapi(runner, "check")
    assert text.exit_code == 0 and text.output.count("\tok\t") == 3
    assert "Atzr|" not in text.output and "Atza|" not in text.output


def test_a_database_outage_exits_2_without_a_traceback(tmp_path):
    from app import create_app
    from auth.vault.db import make_engine
    from tests.conftest import base_config

    app = create_app(base_config(tmp_path))
    # The database goes away after start-up: nothing listens on port 9.
    app.extensions["spapi"].sessions.configure(
        bind=make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    )
    result = spapi(app.test_cli_runner(), "check", "--all", "--json")
    assert result.exit_code == 2
    assert "database is unavailable" in json.loads(result.output)["error"]
    app.extensions["spapi"].engine.dispose()
