"""Restricted Data Tokens through the JSON API: asked of the Tokens API (a loopback stand-in)
with the right partner's access token, Amazon's answer passed on, and every outcome, refusals
included, in the key's audit trail under the partner and region it concerned."""

import json

import pytest
from sqlalchemy import select
from werkzeug import Response

from auth.vault.models import AuditEvent
from tests.api.test_token_service import LWA_BODY
from tests.api.test_token_service import OTHER_PARTNER
from tests.api.test_token_service import bearer
from tests.api.test_token_service import new_key
from tests.api.test_token_service import stored  # noqa: F401 (the fixture, used by name)
from tests.helpers import REFRESH_TOKEN
from tests.helpers import SELLING_PARTNER_ID

RDT_PATH = "/tokens/2021-03-01/restrictedDataToken"
RESOURCES = [
    {"method": "GET", "path": "/orders/v0/orders/902-1234567-1234567", "dataElements": ["buyerInfo"]}
]
RDT = "Atz.sprdt|IwEBIA-restricted-data-token"

pytestmark = pytest.mark.usefixtures("stored")


class TokensApi:
    """The Tokens API stand-in: keeps each request, answers ``status`` with ``body``."""

    def __init__(self, spapi_stub, status=200, body=None):
        self.status, self.body, self.requests = status, body, []
        spapi_stub.expect_request(RDT_PATH, method="POST").respond_with_handler(self.answer)

    def answer(self, request):
        self.requests.append((request.headers.get("x-amz-access-token"), json.loads(request.get_data())))
        body = self.body if self.body is not None else {"restrictedDataToken": RDT, "expiresIn": 3600}
        return Response(json.dumps(body), status=self.status, content_type="application/json")


def ask(client, key, **body):
    payload = {"selling_partner_id": SELLING_PARTNER_ID, "region": "NA", "restricted_resources": RESOURCES}
    payload.update(body)
    return client.post(
        "/api/v1/restricted-data-tokens",
        json={k: v for k, v in payload.items() if v is not None},
        headers=bearer(key),
    )


def uses(app, key):
    """The key's audit trail: (action, outcome, partner, region) per use, oldest first."""
    with app.extensions["spapi"].sessions() as db:
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.actor == f"api-key:{key.id}").order_by(AuditEvent.id)
        )
        return [(e.action, json.loads(e.detail)["outcome"], e.selling_partner_id, e.region) for e in events]


def refresh_tokens_sent(httpserver):
    return [request.form["refresh_token"] for request, _ in httpserver.log]


def test_an_rdt_is_asked_with_the_partners_token_and_passed_on(app, client, httpserver, spapi_stub):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    tokens_api = TokensApi(spapi_stub)
    key = new_key(app)
    answer = ask(client, key, target_application="amzn1.sellerapps.app.target")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"restricted_data_token": RDT, "expires_in": 3600}
    assert answer.headers["Cache-Control"] == "no-store"
    assert refresh_tokens_sent(httpserver) == [REFRESH_TOKEN + SELLING_PARTNER_ID]
    assert tokens_api.requests == [
        (
            LWA_BODY["access_token"],
            {"restrictedResources": RESOURCES, "targetApplication": "amzn1.sellerapps.app.target"},
        )
    ]
    assert uses(app, key) == [("token:restricted_data_tokens", "ok", SELLING_PARTNER_ID, "NA")]


def test_the_other_regions_authorization_gets_its_own_token(app, client, httpserver, spapi_stub):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    tokens_api = TokensApi(spapi_stub)
    key = new_key(app)
    answer = ask(client, key, selling_partner_id=OTHER_PARTNER, region="EU")
    assert answer.status_code == 200 and answer.get_json()["restricted_data_token"] == RDT
    assert refresh_tokens_sent(httpserver) == [REFRESH_TOKEN + OTHER_PARTNER]
    assert tokens_api.requests == [(LWA_BODY["access_token"], {"restrictedResources": RESOURCES})]
    assert uses(app, key) == [("token:restricted_data_tokens", "ok", OTHER_PARTNER, "EU")]


def test_amazons_refusal_is_passed_on_and_recorded(app, client, httpserver, spapi_stub):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    errors = [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]
    TokensApi(spapi_stub, status=403, body={"errors": errors})
    key = new_key(app)
    answer = ask(client, key)
    assert answer.status_code == 403
    error = answer.get_json()["error"]
    assert error["code"] == "amazon_error" and "denied" in json.dumps(answer.get_json())
    assert uses(app, key) == [("token:restricted_data_tokens", "amazon_403", SELLING_PARTNER_ID, "NA")]


@pytest.mark.parametrize("resources", [None, "GET /orders", [], [RESOURCES[0]] * 51])
def test_unusable_resources_are_refused_before_any_token_is_asked(
    app, client, httpserver, spapi_stub, resources
):
    tokens_api = TokensApi(spapi_stub)
    key = new_key(app)
    answer = ask(client, key, restricted_resources=resources)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"] == "restricted_resources must be a list of 1 to 50 resources"
    assert httpserver.log == [] and tokens_api.requests == []
    assert uses(app, key) == [("token:restricted_data_tokens", "invalid_request", None, None)]


def test_fifty_resources_are_still_asked_for(app, client, httpserver, spapi_stub):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    tokens_api = TokensApi(spapi_stub)
    assert ask(client, new_key(app), restricted_resources=[RESOURCES[0]] * 50).status_code == 200
    assert len(tokens_api.requests[0][1]["restrictedResources"]) == 50


def test_a_key_without_the_operation_or_the_partner_gets_nothing(app, client, httpserver, spapi_stub):
    tokens_api = TokensApi(spapi_stub)
    access_only = new_key(app, operations=["access_tokens"])
    answer = ask(client, access_only)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "unauthorized_client"
    assert error["message"] == "This API key may not get restricted data tokens"
    assert uses(app, access_only) == [("token:restricted_data_tokens", "unauthorized_client", None, None)]
    other_only = new_key(app, partners=[OTHER_PARTNER])
    answer = ask(client, other_only)
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_grant"
    assert uses(app, other_only) == [
        ("token:restricted_data_tokens", "invalid_grant", SELLING_PARTNER_ID, "NA")
    ]
    assert httpserver.log == [] and tokens_api.requests == []


def test_an_unknown_partner_is_an_invalid_grant(app, client, httpserver, spapi_stub):
    tokens_api = TokensApi(spapi_stub)
    key = new_key(app)
    answer = ask(client, key, selling_partner_id="A9NOSUCHPARTNER")
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_grant"
    assert uses(app, key) == [("token:restricted_data_tokens", "invalid_grant", "A9NOSUCHPARTNER", "NA")]
    assert httpserver.log == [] and tokens_api.requests == []


def test_a_key_over_its_rate_is_recorded_under_the_partner_it_asked_for(app, client, httpserver, spapi_stub):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    TokensApi(spapi_stub)
    key = new_key(app, rate_per_minute=1)
    assert ask(client, key).status_code == 200
    answer = ask(client, key, selling_partner_id=OTHER_PARTNER, region="EU")
    assert answer.status_code == 429 and answer.get_json()["error"]["code"] == "rate_limited"
    assert uses(app, key) == [
        ("token:restricted_data_tokens", "ok", SELLING_PARTNER_ID, "NA"),
        ("token:restricted_data_tokens", "rate_limited", OTHER_PARTNER, "EU"),
    ]
