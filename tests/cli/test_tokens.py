"""The token, doctor and key commands of flask spapi, over real HTTP to the simulator."""

import json

import pytest
import requests
from cryptography.fernet import Fernet

from app import create_app
from auth.security.passwords import verify_password
from auth.vault.store import save_authorization
from tests.conftest import base_config
from tests.factories import stored_authorization
from tests.helpers import REFRESH_TOKEN
from tests.helpers import authorizations


@pytest.fixture
def sim_runner(simulator):
    """A CLI runner for the live simulator app, and the simulated Amazon behind it."""
    requests.get(f"{simulator.url}/simulator/", timeout=10)
    return simulator.app.test_cli_runner(), simulator.app.extensions["spapi"].simulator


def invoke_json(runner, *args, input=None):
    result = runner.invoke(args=["spapi", *args, "--json"], input=input)
    return result.exit_code, json.loads(result.output)


def test_auth_url(runner):
    code, data = invoke_json(runner, "auth-url", "--marketplace", "GB", "--account", "vendor")
    assert code == 0 and data["region"] == "EU" and data["draft"]
    assert data["uri"].startswith("https://vendorcentral.amazon.co.uk/apps/authorize/consent?application_id=")
    text = runner.invoke(args=["spapi", "auth-url", "--status", "published"])
    assert "version=beta" not in text.output and text.output.startswith("https://sellercentral.amazon.com/")
    bad = runner.invoke(args=["spapi", "auth-url", "--marketplace", "XX"])
    assert bad.exit_code == 1 and "unknown marketplace" in bad.output


def test_exchange_refresh_and_test(simulator, sim_runner):
    runner, amazon = sim_runner
    code = amazon.issue_code("A1CLIEXCHANGE1", simulator.app.extensions["spapi"].settings.redirect_uri)
    exit_code, stored = invoke_json(
        runner, "exchange", code, "--selling-partner-id", "A1CLIEXCHANGE1", "--region", "EU"
    )
    assert exit_code == 0 and stored["refresh_token_fingerprint"].startswith("sha256:")
    [row] = authorizations(simulator.app)
    assert row.workflow == "cli"
    exit_code, refreshed = invoke_json(
        runner, "refresh", "--selling-partner-id", "A1CLIEXCHANGE1", "--region", "EU"
    )
    assert exit_code == 0 and refreshed["expires_in"] == 3600 and refreshed["fetched"]
    exit_code, called = invoke_json(
        runner, "test", "--selling-partner-id", "A1CLIEXCHANGE1", "--region", "EU"
    )
    assert exit_code == 0 and called["status"] == 200 and called["request_id"]
    text = runner.invoke(args=["spapi", "test", "--selling-partner-id", "A1CLIEXCHANGE1", "--region", "EU"])
    assert "HTTP 200" in text.output and "Atz" not in text.output
    again = runner.invoke(
        args=["spapi", "exchange", code, "--selling-partner-id", "A1CLIEXCHANGE1", "--region", "EU"]
    )
    assert again.exit_code == 1 and "invalid_grant" in again.output


def test_refresh_of_a_revoked_token_marks_it(simulator, sim_runner):
    runner, amazon = sim_runner
    token = amazon.self_authorize("A1CLIREVOKED1")
    stored_authorization(simulator.app, "A1CLIREVOKED1", workflow="self", refresh_token=token)
    amazon.revoke(token)
    exit_code, data = invoke_json(
        runner, "refresh", "--selling-partner-id", "A1CLIREVOKED1", "--region", "NA"
    )
    assert exit_code == 1 and data["kind"] == "invalid_grant"
    assert "flask spapi explain invalid_grant-refresh_token" in data["explain"]
    assert authorizations(simulator.app)[0].needs_reauthorization


def test_grantless(sim_runner):
    runner, _ = sim_runner
    exit_code, data = invoke_json(runner, "grantless", "sellingpartnerapi::notifications")
    assert exit_code == 0 and data["access_token_fingerprint"].startswith("sha256:")
    assert runner.invoke(args=["spapi", "grantless", "profile"]).exit_code == 2


def test_unknown_authorization(runner):
    result = runner.invoke(args=["spapi", "refresh", "--selling-partner-id", "A1NONE", "--region", "NA"])
    assert result.exit_code == 1 and "no stored authorization" in result.output


def test_doctor_exit_codes(runner, tmp_path, lwa_url):
    result = runner.invoke(args=["spapi", "doctor"])
    assert result.exit_code == 0 and "No errors." in result.output
    old = create_app(base_config(tmp_path, LWA_TOKEN_URL=lwa_url, LWA_CLIENT_SECRET_CREATED="2020-01-01"))
    failing = old.test_cli_runner().invoke(args=["spapi", "doctor"])
    assert (
        failing.exit_code == 1
        and "180-day" in failing.output
        and "Unauthorized-expired-secret" in failing.output
    )


def test_rotate_keys_makes_old_rows_readable_with_the_new_key_alone(tmp_path, lwa_url):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    first = create_app(base_config(tmp_path, LWA_TOKEN_URL=lwa_url, TOKEN_ENCRYPTION_KEYS=old_key))
    services = first.extensions["spapi"]
    with services.sessions() as db:
        # One transaction for 450 rows (the factory commits each), more than two batches.
        for i in range(450):
            save_authorization(
                db,
                services.vault,
                selling_partner_id=f"A1ROT{i:04d}",
                region="EU",
                account_type="seller",
                workflow="website",
                refresh_token=f"{REFRESH_TOKEN}{i}",
            )
    both = create_app(
        base_config(tmp_path, LWA_TOKEN_URL=lwa_url, TOKEN_ENCRYPTION_KEYS=f"{new_key},{old_key}")
    )
    exit_code, report = invoke_json(both.test_cli_runner(), "rotate-keys")
    assert exit_code == 0 and report == {"rotated": 450, "unreadable": []}
    newest = create_app(base_config(tmp_path, LWA_TOKEN_URL=lwa_url, TOKEN_ENCRYPTION_KEYS=new_key))
    vault = newest.extensions["spapi"].vault
    rows = authorizations(newest)
    assert len(rows) == 450
    assert all(
        vault.open(r.refresh_token_encrypted, r.selling_partner_id, r.region).startswith("Atzr|")
        for r in rows
    )


def test_rotate_keys_reports_unreadable_rows(tmp_path, lwa_url):
    first = create_app(base_config(tmp_path, LWA_TOKEN_URL=lwa_url))
    stored_authorization(first, "A1LOST", workflow="self")
    other = create_app(
        base_config(tmp_path, LWA_TOKEN_URL=lwa_url, TOKEN_ENCRYPTION_KEYS=Fernet.generate_key().decode())
    )
    result = other.test_cli_runner().invoke(args=["spapi", "rotate-keys"])
    assert result.exit_code == 1 and "A1LOST" in result.output and "re-authorization" in result.output


def test_set_admin_password_prints_a_hash_only(runner):
    result = runner.invoke(
        args=["spapi", "set-admin-password"], input="a long enough secret\na long enough secret\n"
    )
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("ADMIN_PASSWORD_HASH=scrypt:")
    assert verify_password(line.split("=", 1)[1], "a long enough secret")
    assert "a long enough secret" not in line
    short = runner.invoke(args=["spapi", "set-admin-password", "--password", "short"])
    assert short.exit_code == 1
