"""Evidence calls that fail (timeout, 403, 500, garbage) never lose the new token and never
replace a verified one; and the storing rules, case by case."""

import time
from types import SimpleNamespace

import pytest
from werkzeug import Response

from app import create_app
from auth.clients import sellers
from auth.oauth.evidence import Evidence
from auth.oauth.evidence import account_fingerprint
from auth.oauth.evidence import decide
from auth.vault.store import list_pending
from tests.conftest import PARTICIPATIONS_PATH
from tests.conftest import STUB_PARTICIPATIONS
from tests.conftest import base_config
from tests.helpers import CODE
from tests.helpers import SELLING_PARTNER_ID
from tests.helpers import authorizations
from tests.helpers import lwa_success
from tests.helpers import start_website_flow

LISTINGS_PATH = f"/listings/2021-08-01/items/{SELLING_PARTNER_ID}"


@pytest.fixture
def verifying_app(tmp_path, lwa_url, spapi_stub):
    """An app with the seller-ID check on, talking to the LWA and SP-API stand-ins."""
    config = base_config(
        tmp_path, LWA_TOKEN_URL=lwa_url, SPAPI_API_URL=spapi_stub.url_for(""), SPAPI_VERIFY_SELLER_ID="1"
    )
    app = create_app(config)
    yield app
    app.extensions["spapi"].engine.dispose()


def authorize(app, httpserver, refresh_token: str, code: str = CODE):
    """One complete website flow through the test client, LWA answering ``refresh_token``."""
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(
        lwa_success(refresh_token=refresh_token)
    )
    client = app.test_client()
    state = start_website_flow(client)
    answer = client.get(
        "/oauth/redirect",
        query_string={"state": state, "selling_partner_id": SELLING_PARTNER_ID, "spapi_oauth_code": code},
    )
    assert answer.status_code == 303, answer.data
    return client.get("/oauth/complete").get_data(as_text=True)


def pending(app):
    with app.extensions["spapi"].sessions() as db:
        return list_pending(db)


def sleepy(_request):
    time.sleep(1.5)
    return Response("{}", content_type="application/json")


FAILURES = {
    "timeout": lambda stub, path: stub.expect_request(path).respond_with_handler(sleepy),
    "403": lambda stub, path: stub.expect_request(path).respond_with_json(
        {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]},
        status=403,
    ),
    "500": lambda stub, path: stub.expect_request(path).respond_with_data("oops", status=500),
    "not-json": lambda stub, path: stub.expect_request(path).respond_with_data("<html>", status=200),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_failing_evidence_keeps_a_new_token_as_claimed(app, httpserver, spapi_stub, failure, monkeypatch):
    monkeypatch.setattr(sellers, "EVIDENCE_TIMEOUT", (1, 0.5))
    spapi_stub.clear()
    FAILURES[failure](spapi_stub, PARTICIPATIONS_PATH)
    page = authorize(app, httpserver, "Atzr|first-token-0123456789")
    assert "You're connected" in page
    [row] = authorizations(app)
    assert row.trust == "claimed" and row.account_fingerprint is None
    assert app.extensions["spapi"].vault.open(row.refresh_token_encrypted, row.selling_partner_id, "NA")


@pytest.mark.parametrize("failure", sorted(FAILURES))
@pytest.mark.parametrize("broken", [PARTICIPATIONS_PATH, LISTINGS_PATH])
def test_failing_evidence_never_replaces_a_verified_token(
    verifying_app, httpserver, spapi_stub, failure, broken, monkeypatch
):
    monkeypatch.setattr(sellers, "EVIDENCE_TIMEOUT", (1, 0.5))
    spapi_stub.expect_request(LISTINGS_PATH).respond_with_json({"numberOfResults": 0, "items": []})
    authorize(verifying_app, httpserver, "Atzr|verified-token-0123456789")
    [verified] = authorizations(verifying_app)
    assert verified.trust == "verified"

    spapi_stub.clear()
    FAILURES[failure](spapi_stub, broken)
    spapi_stub.expect_request(PARTICIPATIONS_PATH).respond_with_json(STUB_PARTICIPATIONS)
    spapi_stub.expect_request(LISTINGS_PATH).respond_with_json({"numberOfResults": 0, "items": []})
    page = authorize(verifying_app, httpserver, "Atzr|second-token-0123456789", code="ANsecondCode0000000")
    assert "Authorization received" in page
    [still] = authorizations(verifying_app)
    assert still.fingerprint == verified.fingerprint
    [kept] = pending(verifying_app)
    assert verifying_app.extensions["spapi"].vault.open(
        kept.refresh_token_encrypted, SELLING_PARTNER_ID, "NA"
    ) == ("Atzr|second-token-0123456789")


def test_account_fingerprint_ignores_order_and_sees_store_names():
    one = {
        "payload": [
            {"marketplace": {"id": "A"}, "storeName": "S"},
            {"marketplace": {"id": "B"}, "storeName": "S"},
        ]
    }
    two = {"payload": list(reversed(one["payload"]))}
    other = {
        "payload": [
            {"marketplace": {"id": "A"}, "storeName": "T"},
            {"marketplace": {"id": "B"}, "storeName": "S"},
        ]
    }
    assert account_fingerprint(one) == account_fingerprint(two)
    assert account_fingerprint(one)[0] != account_fingerprint(other)[0]
    assert account_fingerprint({"payload": "nonsense"}) == (None, [])
    assert account_fingerprint(None) == (None, [])


def row(trust="claimed", fingerprint="acct:1", label=None):
    return SimpleNamespace(trust=trust, account_fingerprint=fingerprint, customer_label=label)


def invitation(label="Acme", expected=None):
    return SimpleNamespace(label=label, expected_partner_id=expected, id=1)


@pytest.mark.parametrize(
    ("existing", "evidence", "invited", "activate", "trust"),
    [
        (None, Evidence("acct:1"), None, True, "claimed"),
        (None, Evidence("acct:1", seller_id_check="verified"), None, True, "verified"),
        (None, Evidence("acct:1", seller_id_check="mismatch"), None, False, "claimed"),
        (None, Evidence(None), invitation(), True, "invited"),
        (None, Evidence("acct:1"), invitation(expected="AOTHER"), False, "invited"),
        # A matching fingerprint is built from public facts: alone it never displaces (issue 18).
        (row(), Evidence("acct:1"), None, False, "claimed"),
        (row(), Evidence("acct:2"), None, False, "claimed"),
        (row(), Evidence(None), None, False, "claimed"),
        (row("verified"), Evidence("acct:1"), None, False, "claimed"),
        # "Same customer" is decided by the partner ID the link is bound to, never by its label.
        (row("invited", label="Acme"), Evidence("acct:9"), invitation("Acme"), False, "invited"),
        (row("invited", label="Acme"), Evidence("acct:9"), invitation("Other"), False, "invited"),
        (row("invited"), Evidence("acct:1"), invitation("Acme", SELLING_PARTNER_ID), True, "invited"),
        (row("invited"), Evidence(None), invitation("Acme", SELLING_PARTNER_ID), True, "invited"),
        (row("invited"), Evidence("acct:9"), invitation("Acme", SELLING_PARTNER_ID), False, "invited"),
        (row("invited"), Evidence("acct:1"), invitation("Acme", "AOTHERPARTNER1"), False, "invited"),
        # "Both unknown" is never "the same account" (issue 23).
        (row(fingerprint=None), Evidence(None), None, False, "claimed"),
        # A claimed-only token never displaces an invited or verified one, even with a matching fingerprint.
        (row("invited"), Evidence("acct:1"), None, False, "claimed"),
        (row("verified"), Evidence("acct:9", seller_id_check="verified"), None, True, "verified"),
        (row("verified"), Evidence("acct:1", seller_id_check="failed"), None, False, "claimed"),
        (row("invited"), Evidence("acct:1"), invitation("Other"), False, "invited"),
    ],
)
def test_storing_rules(existing, evidence, invited, activate, trust):
    decision = decide(existing, evidence, invited, SELLING_PARTNER_ID)
    assert (decision.activate, decision.trust) == (activate, trust), decision.reason


@pytest.mark.parametrize(
    ("existing", "evidence", "why"),
    [
        # "Both unknown" is not "the same account": the reason says Amazon showed nothing.
        (row(fingerprint=None), Evidence(None), "could not show whose token"),
        (row(), Evidence("acct:1"), "same account fingerprint"),
        (row("invited"), Evidence("acct:1"), "never displaces a invited"),
        (row("verified"), Evidence("acct:1"), "never displaces a verified"),
        (row(), Evidence("acct:2"), "different account"),
    ],
)
def test_a_pending_token_says_why_it_waits(existing, evidence, why):
    decision = decide(existing, evidence, None, SELLING_PARTNER_ID)
    assert not decision.activate and why in decision.reason


@pytest.mark.parametrize(
    ("existing", "evidence", "invited", "expected"),
    [
        (
            None,
            Evidence("acct:1", seller_id_check="mismatch"),
            invitation("Acme"),
            (
                False,
                "invited",
                "Amazon refused the seller-ID check: the token belongs to another seller",
                "Acme",
            ),
        ),
        (
            None,
            Evidence("acct:1"),
            invitation("Acme", "AOTHERPARTNER1"),
            (False, "invited", "the invitation expected another selling partner ID", "Acme"),
        ),
        (None, Evidence(None), invitation("Acme"), (True, "invited", "new authorization (invited)", "Acme")),
        (
            row("claimed", label="Old label"),
            Evidence("acct:9", seller_id_check="verified"),
            None,
            (True, "verified", "re-authorization (seller ID verified)", "Old label"),
        ),
        (
            row("invited", label="Old label"),
            Evidence("acct:9", seller_id_check="verified"),
            invitation("New label"),
            (True, "verified", "re-authorization (seller ID verified)", "New label"),
        ),
        (
            row("invited", label="Old label"),
            Evidence("acct:9"),
            invitation("Acme", SELLING_PARTNER_ID),
            (False, "invited", "the re-authorization link's token opens a different account", "Acme"),
        ),
        (
            row("invited", label="Old label"),
            Evidence("acct:1"),
            invitation("Acme", SELLING_PARTNER_ID),
            (True, "invited", "re-authorization (link bound to this partner)", "Acme"),
        ),
        (
            row("invited"),
            Evidence("acct:1"),
            invitation("Acme"),
            (
                False,
                "invited",
                "the invitation is not bound to this partner ID, and an authorization is already stored",
                "Acme",
            ),
        ),
        (
            row(),
            Evidence("acct:1"),
            None,
            (
                False,
                "claimed",
                "same account fingerprint, but no verified seller ID or bound link: waits for approval",
                None,
            ),
        ),
        (
            row(),
            Evidence(None),
            None,
            (
                False,
                "claimed",
                "Amazon could not show whose token this is, and an authorization is already stored",
                None,
            ),
        ),
        (
            row(fingerprint=None),
            Evidence("acct:1"),
            None,
            (
                False,
                "claimed",
                "Amazon could not show whose token this is, and an authorization is already stored",
                None,
            ),
        ),
        (
            row(),
            Evidence("acct:2"),
            None,
            (False, "claimed", "the token opens a different account than the stored authorization", None),
        ),
    ],
)
def test_each_decision_as_the_administrator_reads_it(existing, evidence, invited, expected):
    # The reason and the customer label are what the console and the audit trail show.
    decision = decide(existing, evidence, invited, SELLING_PARTNER_ID)
    assert (decision.activate, decision.trust, decision.reason, decision.customer_label) == expected
