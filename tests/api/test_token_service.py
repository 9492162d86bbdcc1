"""The token service over HTTP: the LWA-compatible endpoint answers in LWA's shapes, the JSON
API with bearer keys; keys are scoped, revocable, expiring, rate-limited, audited, hashed."""

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import text

from auth.security.api_keys import create_key
from auth.vault.models import ApiKey
from auth.vault.models import AuditEvent
from auth.vault.models import utcnow
from tests.factories import pending_authorization
from tests.factories import stored_authorization
from tests.helpers import REFRESH_TOKEN
from tests.helpers import SELLING_PARTNER_ID

ON_BOTH_DATABASES = True
OTHER_PARTNER = "A2OTHERPARTNER"
HANDLE = f"spapi-auth:{SELLING_PARTNER_ID}:NA"
LWA_BODY = {"access_token": "Atza|from-lwa-0123456789", "token_type": "bearer", "expires_in": 3600}


@pytest.fixture
def stored(app):
    """Two stored authorizations (ours in NA, another partner's in EU) and a pending one."""
    for partner, region in ((SELLING_PARTNER_ID, "NA"), (OTHER_PARTNER, "EU")):
        stored_authorization(
            app, partner, region=region, workflow="self", refresh_token=REFRESH_TOKEN + partner
        )
    pending_authorization(app, "A3PENDINGONLY", region="FE", refresh_token=REFRESH_TOKEN + "pending")


def new_key(app, **options):
    with app.extensions["spapi"].sessions() as db:
        return create_key(db, options.pop("label", "worker"), **options)


def lwa_token(client, key, **form):
    body = {
        "grant_type": "refresh_token",
        "refresh_token": HANDLE,
        "client_id": key.id,
        "client_secret": key.secret,
    }
    body.update(form)
    return client.post("/api/lwa/o2/token", data={k: v for k, v in body.items() if v is not None})


def bearer(key):
    return {"Authorization": f"Bearer {key.id}.{key.secret}"}


def test_the_lwa_compatible_endpoint_answers_like_lwa(app, client, httpserver, stored):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    key = new_key(app)
    answer = lwa_token(client, key)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["access_token"] == LWA_BODY["access_token"] and body["refresh_token"] == HANDLE
    assert 3500 < body["expires_in"] <= 3600
    # LWA got the real refresh token and client secret; the worker never saw them.
    [request, _] = httpserver.log[0]
    assert request.form["refresh_token"] == REFRESH_TOKEN + SELLING_PARTNER_ID
    assert REFRESH_TOKEN not in answer.get_data(as_text=True)
    # Again: from the cache, no second LWA request.
    assert lwa_token(client, key).status_code == 200 and len(httpserver.log) == 1


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "spak_0000000000000000"}, 401, "invalid_client"),
        ({"refresh_token": "Atzr|a-real-looking-token"}, 400, "invalid_grant"),
        ({"refresh_token": "spapi-auth:A9UNKNOWN:NA"}, 400, "invalid_grant"),
        ({"refresh_token": "spapi-auth:A3PENDINGONLY:FE"}, 400, "invalid_grant"),
        ({"refresh_token": f"spapi-auth:{SELLING_PARTNER_ID}:EU"}, 400, "invalid_grant"),
        ({"grant_type": None}, 400, "invalid_request"),
        ({"grant_type": "authorization_code"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "scope": "profile"}, 400, "invalid_scope"),
    ],
)
def test_refusals_use_lwas_shapes_and_statuses(app, client, httpserver, stored, change, status, error):
    key = new_key(app, grantless_scopes=["notifications"])
    answer = lwa_token(client, key, **change)
    assert answer.status_code == status
    assert answer.get_json()["error"] == error and answer.get_json()["error_description"]
    assert set(answer.get_json()) == {"error", "error_description"}
    assert httpserver.log == []


def test_revoked_expired_and_out_of_scope_keys(app, client, runner, httpserver, stored):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    revoked, expired = new_key(app), new_key(app, expires_days=1)
    scoped = new_key(app, partners=[OTHER_PARTNER])
    no_tokens = new_key(app, operations=["grantless"], grantless_scopes=["notifications"])
    assert runner.invoke(args=["spapi", "api-keys", "revoke", revoked.id]).exit_code == 0
    with app.extensions["spapi"].sessions() as db:
        db.get(ApiKey, expired.id).expires_at = utcnow() - timedelta(seconds=1)
        db.commit()
    assert lwa_token(client, revoked).get_json()["error"] == "invalid_client"
    assert lwa_token(client, expired).status_code == 401
    assert lwa_token(client, scoped).get_json()["error"] == "invalid_grant"  # learns nothing of others
    assert lwa_token(client, scoped, refresh_token=f"spapi-auth:{OTHER_PARTNER}:EU").status_code == 200
    assert lwa_token(client, no_tokens).get_json()["error"] == "unauthorized_client"


def test_http_basic_client_authentication_and_grantless(app, client, httpserver, stored):
    httpserver.expect_request("/auth/o2/token").respond_with_json(
        {**LWA_BODY, "scope": "sellingpartnerapi::notifications"}
    )
    key = new_key(app, grantless_scopes=["notifications"])
    answer = client.post(
        "/api/lwa/o2/token",
        data={"grant_type": "client_credentials", "scope": "sellingpartnerapi::notifications"},
        auth=(key.id, key.secret),
    )
    assert answer.status_code == 200 and answer.get_json()["scope"] == "sellingpartnerapi::notifications"
    assert httpserver.log[0][0].form["grant_type"] == "client_credentials"


def test_a_key_over_its_rate_gets_429_with_retry_after(app, client, httpserver, stored):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    key = new_key(app, rate_per_minute=3)
    statuses = [lwa_token(client, key).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    limited = lwa_token(client, key)
    assert limited.get_json()["error"] == "temporarily_unavailable"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_amazons_429_is_passed_on_with_its_retry_after(app, client, httpserver, stored):
    httpserver.expect_request("/auth/o2/token").respond_with_json(
        {"error": "rate_limited"}, status=429, headers={"Retry-After": "1"}
    )
    from auth.clients.token_cache import RetryPolicy

    app.extensions["spapi"].token_cache.retry = RetryPolicy(attempts=1)  # the 429 reaches the caller
    answer = lwa_token(client, new_key(app))
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "1"


def test_every_use_is_audited_and_no_secret_is_stored_or_logged(app, client, httpserver, stored, caplog):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    caplog.set_level(logging.DEBUG)
    key = new_key(app)
    lwa_token(client, key)
    lwa_token(client, key, client_secret="wrong")
    lwa_token(client, key, refresh_token="spapi-auth:A9UNKNOWN:NA")
    with app.extensions["spapi"].sessions() as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.actor == f"api-key:{key.id}")).all()
        dump = json.dumps([[str(c) for c in row] for row in db.execute(text("SELECT * FROM api_keys"))])
        audit_dump = " ".join(e.detail for e in events)
    assert [json.loads(e.detail)["outcome"] for e in events] == ["ok", "invalid_grant"]
    assert (
        key.secret not in dump and key.secret not in audit_dump and LWA_BODY["access_token"] not in audit_dump
    )
    assert key.secret not in caplog.text and LWA_BODY["access_token"] not in caplog.text


def test_the_json_api(app, client, httpserver, stored):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    key = new_key(app, partners=[SELLING_PARTNER_ID])
    listed = client.get("/api/v1/authorizations", headers=bearer(key)).get_json()["authorizations"]
    assert [(a["selling_partner_id"], a["handle"]) for a in listed] == [(SELLING_PARTNER_ID, HANDLE)]
    issued = client.post(
        "/api/v1/access-tokens",
        json={"selling_partner_id": SELLING_PARTNER_ID, "region": "NA"},
        headers=bearer(key),
    )
    assert issued.status_code == 200 and issued.get_json()["access_token"] == LWA_BODY["access_token"]
    refused = client.post(
        "/api/v1/access-tokens",
        json={"selling_partner_id": OTHER_PARTNER, "region": "EU"},
        headers=bearer(key),
    )
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_grant"


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status", "code"),
    [
        ("get", "/api/v1/authorizations", {}, None, 401, "invalid_client"),
        ("get", "/api/v1/authorizations", {"Authorization": "Bearer spak_x.y"}, None, 401, "invalid_client"),
        ("post", "/api/v1/access-tokens", "key", "not json", 400, "invalid_request"),
        (
            "post",
            "/api/v1/access-tokens",
            "key",
            {"selling_partner_id": "A1", "region": "XX"},
            400,
            "invalid_request",
        ),
        ("post", "/api/v1/grantless-tokens", "key", {"scope": "profile"}, 400, "invalid_scope"),
        (
            "post",
            "/api/v1/restricted-data-tokens",
            "key",
            {"selling_partner_id": SELLING_PARTNER_ID, "region": "NA"},
            400,
            "invalid_request",
        ),
        ("get", "/api/v1/nothing", {}, None, 404, "not_found"),
        ("get", "/api/v1/access-tokens", {}, None, 405, "method_not_allowed"),
    ],
)
def test_json_api_errors_are_json(app, client, stored, method, path, headers, body, status, code):
    key = new_key(app, grantless_scopes=["notifications"])
    headers = bearer(key) if headers == "key" else headers
    kwargs = {"json": body} if isinstance(body, dict) else {"data": body} if body else {}
    answer = getattr(client, method)(path, headers=headers, **kwargs)
    assert answer.status_code == status and answer.get_json()["error"]["code"] == code


def test_the_openapi_description_is_valid_and_names_every_route(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert set(document["paths"]) == {
        "/api/v1/authorizations",
        "/api/v1/access-tokens",
        "/api/v1/restricted-data-tokens",
        "/api/v1/grantless-tokens",
        "/api/v1/associates/{credential_id}/check",
        "/api/v1/connect-sessions",
        "/api/v1/connect-sessions/{id}",
        "/api/v1/login-sessions/{id}",
        "/api/lwa/o2/token",
    }


def test_the_cli_creates_lists_and_revokes_keys(app, runner):
    created = runner.invoke(
        args=[
            "spapi",
            "api-keys",
            "create",
            "--label",
            "cron",
            "--partner",
            SELLING_PARTNER_ID,
            "--expires",
            "30",
            "--json",
        ]
    )
    assert created.exit_code == 0, created.output
    key = json.loads(created.output)
    assert set(key) == {"id", "secret"}
    listed = json.loads(runner.invoke(args=["spapi", "api-keys", "--json"]).output)
    assert [(k["id"], k["status"], k["partners"]) for k in listed] == [
        (key["id"], "active", [SELLING_PARTNER_ID])
    ]
    assert key["secret"] not in json.dumps(listed)
    assert runner.invoke(args=["spapi", "api-keys", "revoke", key["id"], "--json"]).exit_code == 0
    assert json.loads(runner.invoke(args=["spapi", "api-keys", "--json"]).output)[0]["status"] == "revoked"
    assert runner.invoke(args=["spapi", "api-keys", "revoke", "spak_nope"]).exit_code == 1
    bad = runner.invoke(args=["spapi", "api-keys", "create", "--label", "x", "--partner", "bad id!"])
    assert bad.exit_code == 1


def test_under_load_a_revocation_or_deletion_in_this_process_applies_at_once(
    app, client, runner, httpserver, stored
):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    key = new_key(app)
    for _ in range(3):  # back-to-back requests: the process reads from its 1-second snapshots
        assert lwa_token(client, key).status_code == 200
    assert runner.invoke(args=["spapi", "api-keys", "revoke", key.id]).exit_code == 0
    assert lwa_token(client, key).get_json()["error"] == "invalid_client"
    other = new_key(app)
    assert lwa_token(client, other).status_code == 200
    with app.extensions["spapi"].sessions() as db:
        from auth.vault.store import find_authorization

        db.delete(find_authorization(db, SELLING_PARTNER_ID, "NA"))
        db.commit()
    assert lwa_token(client, other).get_json()["error"] == "invalid_grant"


def test_grouped_uses_are_written_within_a_fraction_of_a_second(app, client, httpserver, stored):
    import time

    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    key = new_key(app)
    for _ in range(6):
        assert lwa_token(client, key).status_code == 200
    time.sleep(0.6)  # the background writer writes groups once they are 0.2 s old
    with app.extensions["spapi"].sessions() as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.actor == f"api-key:{key.id}")).all()
        assert len(events) == 6 and db.get(ApiKey, key.id).last_used_at is not None
