"""When Amazon cannot be reached the check says so (exit 2, API 503 with Retry-After), and
the simulator's rehearsal page lists every account."""

import requests

from auth.security.api_keys import create_key
from auth.simulator import associates as sim
from tests.associates.conftest import add_account
from tests.associates.conftest import json_of
from tests.conftest import live_simulator


def test_amazon_unreachable_is_exit_2_and_a_503(tmp_path):
    # Nothing listens on port 9: every Associates request fails to connect.
    with live_simulator(
        tmp_path, SPAPI_ASSOCIATES_URL="http://127.0.0.1:9", SPAPI_ASSOCIATES_COOLDOWN="0"
    ) as server:
        credential = add_account(server.app, "creators-ok")
        result = server.app.test_cli_runner().invoke(
            args=["spapi", "associates", "check", str(credential), "--json"]
        )
        report = json_of(result.output)
        assert result.exit_code == 2
        assert (report["result"], report["failed_step"], report["kind"]) == ("FAIL", "token", "unreachable")
        assert "could not be reached" in report["summary"]
        with server.app.extensions["spapi"].sessions() as db:
            key = create_key(db, "plugin", operations=["associates"]).bearer
        answer = requests.post(
            f"{server.url}/api/v1/associates/{credential}/check",
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
        assert answer.json()["exit_code"] == 2


def test_the_rehearsal_page_lists_every_account(simulator):
    index = requests.get(f"{simulator.url}/simulator/", timeout=10).text
    assert 'href="/simulator/associates/"' in index
    page = requests.get(f"{simulator.url}/simulator/associates/", timeout=10)
    assert page.status_code == 200
    for account in sim.ACCOUNTS:
        assert f'data-account="{account.name}"' in page.text
    assert "--credential-secret" not in page.text  # the command asks for the secret instead


def test_simulated_token_endpoints_refuse_unknown_hosts_and_clients(simulator):
    base = f"{simulator.url}/simulator/associates"
    assert (
        requests.post(
            f"{base}/creatorsapi.auth.mars-1.amazoncognito.com/oauth2/token", timeout=10
        ).status_code
        == 404
    )
    assert requests.post(f"{base}/api.amazon.de/auth/o2/token", timeout=10).status_code == 404
    refused = requests.post(
        f"{base}/api.amazon.com/auth/o2/token",
        json={
            "grant_type": "client_credentials",
            "client_id": "x",
            "client_secret": "y",
            "scope": "creatorsapi::default",
        },
        timeout=10,
    )
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    no_token = requests.post(f"{base}/creatorsapi.amazon/catalog/v1/getItems", json={}, timeout=10)
    assert no_token.status_code == 401


def test_pa_api_unreachable_fails_at_the_call_step(tmp_path):
    with live_simulator(tmp_path, SPAPI_ASSOCIATES_URL="http://127.0.0.1:9") as server:
        credential = add_account(server.app, "paapi-ok")
        result = server.app.test_cli_runner().invoke(
            args=["spapi", "associates", "check", str(credential), "--json"]
        )
        report = json_of(result.output)
        assert result.exit_code == 2
        assert [s["name"] for s in report["steps"]] == ["consistency", "call"]
        assert report["failed_step"] == "call" and report["credential"]["last_result"] == "FAIL"
