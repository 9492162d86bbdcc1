"""The JSON API's listing of authorizations, entry by entry, and grantless tokens with every
outcome in the key's audit trail (LWA a loopback stand-in)."""

import json

import pytest
from sqlalchemy import select
from sqlalchemy import update

from auth.vault.models import AuditEvent
from auth.vault.models import Authorization
from auth.vault.models import utcnow
from tests.api.test_token_service import LWA_BODY
from tests.api.test_token_service import OTHER_PARTNER
from tests.api.test_token_service import bearer
from tests.api.test_token_service import new_key
from tests.api.test_token_service import stored  # noqa: F401 (the fixture, used by name)
from tests.helpers import SELLING_PARTNER_ID

pytestmark = pytest.mark.usefixtures("stored")
NOTIFICATIONS = "sellingpartnerapi::notifications"


def grantless_uses(app, key):
    with app.extensions["spapi"].sessions() as db:
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.actor == f"api-key:{key.id}").order_by(AuditEvent.id)
        )
        return [(e.action, json.loads(e.detail)) for e in events]


def test_each_listed_authorization_says_everything_a_worker_needs(app, client):
    key = new_key(app)
    listed = {
        a["selling_partner_id"]: a
        for a in client.get("/api/v1/authorizations", headers=bearer(key)).get_json()["authorizations"]
    }
    ours = listed[SELLING_PARTNER_ID]
    authorized_at = ours.pop("authorized_at")
    assert ours == {
        "selling_partner_id": SELLING_PARTNER_ID,
        "region": "NA",
        "account_type": "seller",
        "status": "active",
        "handle": f"spapi-auth:{SELLING_PARTNER_ID}:NA",
        "customer_ref": None,
        "tags": {},
        "health": "ok",
        "last_checked_at": None,
    }
    assert utcnow().fromisoformat(authorized_at) <= utcnow()
    assert listed[OTHER_PARTNER]["region"] == "EU" and "A3PENDINGONLY" not in listed
    checked = utcnow()
    with app.extensions["spapi"].sessions() as db:
        db.execute(
            update(Authorization)
            .where(Authorization.selling_partner_id == SELLING_PARTNER_ID)
            .values(needs_reauthorization=True, last_checked_at=checked)
        )
        db.commit()
    [again] = [
        a
        for a in client.get("/api/v1/authorizations", headers=bearer(key)).get_json()["authorizations"]
        if a["selling_partner_id"] == SELLING_PARTNER_ID
    ]
    assert again["status"] == "needs_reauthorization"
    assert utcnow().fromisoformat(again["last_checked_at"]) == checked


def test_a_key_limited_to_one_partner_lists_only_it(app, client):
    key = new_key(app, partners=[OTHER_PARTNER])
    listed = client.get("/api/v1/authorizations", headers=bearer(key)).get_json()["authorizations"]
    assert [a["selling_partner_id"] for a in listed] == [OTHER_PARTNER]


def ask(client, key, scope):
    return client.post("/api/v1/grantless-tokens", json={"scope": scope}, headers=bearer(key))


def test_a_grantless_token_and_its_use(app, client, httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    key = new_key(app, grantless_scopes=["notifications"])
    answer = ask(client, key, NOTIFICATIONS)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["access_token"] == LWA_BODY["access_token"] and body["scope"] == NOTIFICATIONS
    assert body["token_type"] == "bearer" and 3500 < body["expires_in"] <= 3600
    [request] = [r for r, _ in httpserver.log if r.form.get("grant_type") == "client_credentials"]
    assert request.form["scope"] == NOTIFICATIONS
    assert grantless_uses(app, key) == [("token:grantless", {"outcome": "ok", "scope": NOTIFICATIONS})]


def test_grantless_refusals_say_why_and_are_recorded(app, client, httpserver):
    key = new_key(app, grantless_scopes=["notifications"])
    bad = ask(client, key, "profile")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "invalid_scope"
    assert bad.get_json()["error"]["message"] == "The request has an invalid parameter : scope"
    rotation = "sellingpartnerapi::client_credential:rotation"
    refused = ask(client, key, rotation)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["message"] == f"This API key may not get {rotation}"
    assert [(a, d["outcome"]) for a, d in grantless_uses(app, key)] == [
        ("token:grantless", "invalid_scope"),
        ("token:grantless", "unauthorized_client"),
    ]


def test_a_failing_lwa_behind_a_grantless_request_is_a_502_and_recorded(app, client, httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_data("<html>down</html>", status=500)
    key = new_key(app, grantless_scopes=["notifications"])
    answer = ask(client, key, NOTIFICATIONS)
    assert answer.status_code == 502
    assert answer.get_json()["error"]["message"] == "LWA failed: http_error"
    assert [(a, d["outcome"]) for a, d in grantless_uses(app, key)] == [("token:grantless", "lwa_http_error")]
