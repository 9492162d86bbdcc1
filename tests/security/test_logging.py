"""No secret in any log line, across every flow, at DEBUG level."""

import logging
import re

import requests

from tests.conftest import CLIENT_SECRET
from tests.conftest import live_login
from tests.conftest import post_form
from tests.helpers import authorizations
from tests.live import parse_form

TOKEN = re.compile(r"Atz[ar]\|[A-Za-z0-9_-]{6}")
UNREDACTED = re.compile(
    r"(?i)\b(state|spapi_oauth_code|code|amazon_state|refresh_token|client_secret)=(?!\[redacted\])[^&\s\"']+"
)


def test_logs_hold_no_secret_across_all_flows(simulator, caplog):
    caplog.set_level(logging.DEBUG)
    base = simulator.url
    # Website workflow through the simulated consent page.
    seller = requests.Session()
    consent = seller.get(f"{base}/authorize?marketplace=FR", timeout=10)
    form = parse_form(consent.text)
    seller.post(f"{base}{form['action']}", data={**form["fields"], "decision": "confirm"}, timeout=10)
    # A refused reuse of a state, and a cancelled flow.
    seller.get(f"{base}/oauth/redirect?state=" + "s" * 43, timeout=10)
    amazon = simulator.app.extensions["spapi"].simulator
    refresh_token = amazon.self_authorize("A1LOGGING0001")
    # Console: self-test with a pasted token, a stored one, grantless.
    admin = live_login(simulator)
    post_form(
        admin,
        f"{base}/console/self-test",
        f"{base}/console/self-test",
        refresh_token=refresh_token,
        region="EU",
        account="seller",
        environment="production",
        save="yes",
        selling_partner_id="A1LOGGING0001",
    )
    stored = [row for row in authorizations(simulator.app) if row.selling_partner_id == "A1LOGGING0001"][0]
    post_form(admin, f"{base}/console/authorizations/{stored.id}/test", f"{base}/console/authorizations")
    post_form(
        admin,
        f"{base}/console/grantless",
        f"{base}/console/grantless",
        scope="sellingpartnerapi::notifications",
    )
    # CLI: exchange, refresh, test, grantless.
    runner = simulator.app.test_cli_runner()
    code = amazon.issue_code("A1LOGGING0002", simulator.app.extensions["spapi"].settings.redirect_uri)
    runner.invoke(args=["spapi", "exchange", code, "--selling-partner-id", "A1LOGGING0002", "--region", "NA"])
    runner.invoke(args=["spapi", "refresh", "--selling-partner-id", "A1LOGGING0002", "--region", "NA"])
    runner.invoke(args=["spapi", "test", "--selling-partner-id", "A1LOGGING0002", "--region", "NA"])
    runner.invoke(args=["spapi", "grantless", "sellingpartnerapi::client_credential:rotation"])

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/oauth/redirect" in text and "/console/self-test" in text  # the flows did log
    assert not TOKEN.search(text), TOKEN.search(text)
    assert not UNREDACTED.search(text), UNREDACTED.search(text)
    # Access tokens are caught by the TOKEN pattern above (Atza|…), whichever process issued them.
    for secret in (refresh_token, code, CLIENT_SECRET):
        assert secret not in text
