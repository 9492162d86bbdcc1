"""Which grantless scopes, operations and partners an API key may use, asked through the JSON
API (LWA a loopback stand-in): rotation is only ever named and never on a partner-limited key,
old keys with a bare ``grantless`` keep notifications only, and refusals name the key's state."""

import json

import pytest
from sqlalchemy import update

from auth.security.api_keys import allows
from auth.security.api_keys import allows_scope
from auth.security.api_keys import create_key
from auth.security.api_keys import revoke
from auth.vault.audit import detail_of
from auth.vault.audit import events_for
from auth.vault.models import ApiKey
from tests.api.test_token_service import LWA_BODY
from tests.api.test_token_service import bearer
from tests.api.test_token_service import new_key

NOTIFICATIONS = "sellingpartnerapi::notifications"
ROTATION = "sellingpartnerapi::client_credential:rotation"


def grantless(client, key, scope):
    answer = client.post("/api/v1/grantless-tokens", json={"scope": scope}, headers=bearer(key))
    return answer.status_code, (answer.get_json().get("error") or {}).get("code")


def rewrite(app, key, operations=None, partners=None):
    """What a key made by an older version holds (create_key no longer makes these)."""
    values = {}
    if operations is not None:
        values["operations"] = operations
    if partners is not None:
        values["partners"] = json.dumps(partners)
    with app.extensions["spapi"].sessions() as db:
        db.execute(update(ApiKey).where(ApiKey.id == key.id).values(**values))
        db.commit()


@pytest.fixture
def lwa(httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    return httpserver


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        (["notifications"], {NOTIFICATIONS}),
        (["client_credential:rotation"], {ROTATION}),
        (["notifications", "client_credential:rotation"], {NOTIFICATIONS, ROTATION}),
    ],
)
def test_a_key_gets_exactly_the_scopes_it_names(app, client, lwa, scopes, allowed):
    key = new_key(app, grantless_scopes=scopes)
    for scope in (NOTIFICATIONS, ROTATION):
        expected = (200, None) if scope in allowed else (400, "unauthorized_client")
        assert grantless(client, key, scope) == expected, scope


def test_an_old_key_with_a_bare_grantless_keeps_notifications_only(app, client, lwa):
    key = new_key(app, grantless_scopes=["notifications"])
    rewrite(app, key, operations="access_tokens,grantless")
    assert grantless(client, key, NOTIFICATIONS) == (200, None)
    assert grantless(client, key, ROTATION) == (400, "unauthorized_client")


def test_a_partner_limited_key_never_rotates_but_may_get_notifications(app, client, lwa):
    key = new_key(app, grantless_scopes=["notifications", "client_credential:rotation"])
    rewrite(app, key, partners=["A1LIMITED"])
    assert grantless(client, key, NOTIFICATIONS) == (200, None)
    assert grantless(client, key, ROTATION) == (400, "unauthorized_client")


def test_a_named_scope_without_the_grantless_operation_gives_nothing(app, client, lwa):
    key = new_key(app, grantless_scopes=["notifications"])
    rewrite(app, key, operations="access_tokens,grantless:notifications")
    asked = len(lwa.log)
    assert grantless(client, key, NOTIFICATIONS) == (400, "unauthorized_client")
    assert len(lwa.log) == asked


@pytest.mark.parametrize(
    ("operations", "scope", "partner_limited", "expected"),
    [
        (["grantless", "grantless:notifications"], "profile", False, False),
        (["grantless", "grantless:notifications"], "", False, False),
        (["grantless"], NOTIFICATIONS, True, True),
        (["grantless"], ROTATION, False, False),
        (["grantless", "grantless:client_credential:rotation"], ROTATION, False, True),
        (["grantless", "grantless:client_credential:rotation"], ROTATION, True, False),
        (["grantless", "grantless:client_credential:rotation"], NOTIFICATIONS, False, False),
        (["access_tokens"], NOTIFICATIONS, False, False),
    ],
)
def test_the_scope_rule_case_by_case(operations, scope, partner_limited, expected):
    assert allows_scope(operations, scope, partner_limited) is expected


@pytest.mark.parametrize("state", ["unknown", "revoked", "expired"])
def test_a_refused_key_is_told_which_state_it_is_in(app, client, lwa, state):
    key = new_key(app)
    if state == "unknown":
        key = type(key)(key.id, "not-the-secret")
    elif state == "revoked":
        with app.extensions["spapi"].sessions() as db:
            assert revoke(db, key.id)
    else:
        with app.extensions["spapi"].sessions() as db:
            db.execute(update(ApiKey).where(ApiKey.id == key.id).values(expires_at=ApiKey.created_at))
            db.commit()
    answer = client.post("/api/v1/grantless-tokens", json={"scope": NOTIFICATIONS}, headers=bearer(key))
    assert answer.status_code == 401
    assert answer.get_json()["error"]["message"] == f"Client authentication failed ({state} key)"


def test_a_revocation_by_an_actor_is_audited_once_and_the_key_stays_revoked(app):
    with app.extensions["spapi"].sessions() as db:
        key = create_key(db, "audited")
        assert revoke(db, key.id, actor="admin:cli") is True
        first = db.get(ApiKey, key.id).revoked_at
        assert revoke(db, key.id) is True and db.get(ApiKey, key.id).revoked_at == first
        assert revoke(db, "spak_nosuchkey00000") is False
        [event] = [e for e in events_for(db, actor="admin:cli") if e.action == "api_key_revoked"]
        assert detail_of(event) == {"key_id": key.id}


def test_operations_and_partners_are_checked_together(app):
    with app.extensions["spapi"].sessions() as db:
        everyone = create_key(db, "all", operations=["connect"])
        some = create_key(db, "some", operations=["connect", "access_tokens"], partners=["A1MINE"])
        rows = {k.id: db.get(ApiKey, k.id) for k in (everyone, some)}
    anyone, limited = rows[everyone.id], rows[some.id]
    assert allows(anyone, "connect") and allows(anyone, "connect", "A1ANYONE")
    assert not allows(anyone, "access_tokens") and not allows(anyone, "access_tokens", "A1ANYONE")
    assert allows(limited, "connect", "A1MINE") and allows(limited, "access_tokens", "A1MINE")
    assert not allows(limited, "connect", "A2NOTMINE") and allows(limited, "connect")
    assert not allows(limited, "grantless", "A1MINE")


@pytest.mark.parametrize(
    "credentials",
    [
        {"client_id": "spak_" + "0" * 40},
        {"client_secret": "s" * 201},
    ],
)
def test_missing_or_absurd_credentials_are_an_unknown_key(app, client, lwa, credentials):
    key = new_key(app)
    form = {"grant_type": "client_credentials", "scope": NOTIFICATIONS, "client_id": key.id}
    form["client_secret"] = key.secret
    form.update(credentials)
    asked = len(lwa.log)
    answer = client.post("/api/lwa/o2/token", data={k: v for k, v in form.items() if v is not None})
    assert answer.status_code == 401
    assert answer.get_json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed (unknown key)",
    }
    assert len(lwa.log) == asked
