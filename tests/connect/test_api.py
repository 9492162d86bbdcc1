"""The connect API's answers to bad, missing, oversized and hostile input: a 4xx in the API's
shape naming the field, never a 500, and a return_url outside the allow-list refused at once."""

import os

import pytest

from app import create_app
from auth.security.api_keys import create_key
from tests.conftest import base_config

RETURN = "https://product.example.test/app"
GOOD = {"customer_ref": "cust-1", "return_url": f"{RETURN}/done"}


@pytest.fixture
def app(tmp_path):
    app = create_app(base_config(tmp_path, SPAPI_RETURN_URLS=f"{RETURN}, http://127.0.0.1:8123/cb"))
    yield app
    app.extensions["spapi"].engine.dispose()


def key(app, operations=("connect",), partners=None) -> dict:
    with app.extensions["spapi"].sessions() as db:
        made = create_key(db, "backend", partners, list(operations))
    return {"Authorization": f"Bearer {made.bearer}"}


def post(client, headers, body=None, **kwargs):
    return client.post("/api/v1/connect-sessions", json=body, headers=headers, **kwargs)


def test_a_session_is_created_and_read_back(app):
    client, headers = app.test_client(), key(app)
    created = post(client, headers, {**GOOD, "tags": {"plan": "pro"}, "marketplace": "UK", "expires_in": 60})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["url"].startswith("https://app.example.test/connect/") and body["id"].startswith("cs_")
    read = client.get(f"/api/v1/connect-sessions/{body['id']}", headers=headers)
    assert read.status_code == 200 and read.headers["Cache-Control"] == "no-store"
    assert set(read.json) == {
        "id", "status", "customer_ref", "tags", "created_at", "expires_at", "completed_at",
        "selling_partner_id", "region", "authorization_status", "last_error",
    }  # fmt: skip
    assert (read.json["status"], read.json["tags"]) == ("open", {"plan": "pro"})
    assert body["url"].rsplit("/", 1)[1] not in read.get_data(as_text=True)


def test_keys_without_connect_or_without_a_secret_are_refused(app):
    client = app.test_client()
    assert post(client, {}, GOOD).status_code == 401
    assert (
        post(client, {"Authorization": "Bearer spak_x.nope"}, GOOD).json["error"]["code"] == "invalid_client"
    )
    refused = post(client, key(app, operations=("access_tokens",)), GOOD)
    assert refused.status_code == 403 and "connect" in refused.json["error"]["message"]
    narrow = key(app, partners=["APARTNER000001"])
    assert post(client, narrow, {**GOOD, "expected_partner": "AOTHER00000001"}).status_code == 403
    assert post(client, narrow, GOOD).status_code == 403  # an unbound session could be anyone's
    assert post(client, narrow, {**GOOD, "expected_partner": "APARTNER000001"}).status_code == 201


BAD = [
    ({"return_url": f"{RETURN}/x"}, "customer_ref"),
    ({"customer_ref": ""}, "customer_ref"),
    ({"customer_ref": "x" * 129}, "customer_ref"),
    ({"customer_ref": "tab\there"}, "customer_ref"),
    ({"customer_ref": 42}, "customer_ref"),
    ({"customer_ref": "c", "tags": "plan=pro"}, "tags"),
    ({"customer_ref": "c", "tags": {f"k{i}": "v" for i in range(21)}}, "tags"),
    ({"customer_ref": "c", "tags": {"k" * 65: "v"}}, "tags"),
    ({"customer_ref": "c", "tags": {"k": "v" * 257}}, "tags"),
    ({"customer_ref": "c", "tags": {"k": 1}}, "tags"),
    ({"customer_ref": "c", "marketplace": "Atlantis"}, "marketplace"),
    ({"customer_ref": "c", "marketplace": ["US"]}, "marketplace"),
    ({"customer_ref": "c", "account": "admin"}, "account"),
    ({"customer_ref": "c", "marketplace": "IE", "account": "vendor"}, "marketplace"),
    ({"customer_ref": "c", "expected_partner": "not an id!"}, "expected_partner"),
    ({"customer_ref": "c", "expires_in": 59}, "expires_in"),
    ({"customer_ref": "c", "expires_in": 604801}, "expires_in"),
    ({"customer_ref": "c", "expires_in": "3600"}, "expires_in"),
    ({"customer_ref": "c", "expires_in": True}, "expires_in"),
    ({"customer_ref": "c", "expires_in": 99.5}, "expires_in"),
    ({"customer_ref": "c", "admin": True}, "admin"),
    ({"selling_partner_id": "APARTNER000001"}, "region"),
    ({"selling_partner_id": "APARTNER000001", "region": "XX"}, "region"),
    ({"selling_partner_id": "bad id", "region": "EU"}, "selling_partner_id"),
]
HOSTILE_RETURNS = [
    "https://product.example.test.evil.example/app",  # a string prefix, another host
    "https://product.example.test/apple",  # a string prefix, another path
    "https://product.example.test/app/../admin",
    "https://product.example.test/app/%2e%2e/admin",
    "https://product.example.test//evil.example/app",
    "https://user@product.example.test/app",
    "https://product.example.test:444/app",
    "http://product.example.test/app",  # plain http off loopback
    "http://127.0.0.1:8124/cb",  # another port
    "javascript:alert(1)//product.example.test/app",
    "/app/relative",
    "https://product.example.test/app#frag",
    "https://product.example.test/app\\@evil.example",
    "https://product.example.test/app/" + "x" * 2100,
    ["https://product.example.test/app"],
]


@pytest.mark.parametrize("body, field", BAD)
def test_bad_fields_are_named(app, body, field):
    answer = post(app.test_client(), key(app), body)
    assert answer.status_code == 400, answer.json
    assert answer.json["error"]["field"] == field and answer.json["error"]["code"] == "invalid_request"
    assert field in answer.json["error"]["message"]


def test_hostile_return_urls_are_refused_when_the_session_is_created(app):
    client, headers = app.test_client(), key(app)
    for url in HOSTILE_RETURNS:
        answer = post(client, headers, {"customer_ref": "c", "return_url": url})
        assert answer.status_code == 400 and answer.json["error"]["field"] == "return_url", url
    for url in (RETURN, f"{RETURN}/", f"{RETURN}/done?x=1", "http://127.0.0.1:8123/cb/here"):
        assert post(client, headers, {"customer_ref": "c", "return_url": url}).status_code == 201, url


def test_bodies_that_are_not_json_objects_or_too_large(app):
    client, headers = app.test_client(), key(app)
    for data in (b"", b"not json", b"[1, 2]", b'"text"', b"[" * 100000 + b"]" * 100000):
        answer = client.post(
            "/api/v1/connect-sessions", data=data, headers={**headers, "Content-Type": "application/json"}
        )
        assert answer.status_code == 400 and "JSON object" in answer.json["error"]["message"]
    big = client.post(
        "/api/v1/connect-sessions",
        data=b'{"customer_ref": "' + b"x" * (3 * 1024 * 1024) + b'"}',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert big.status_code == 413 and big.is_json  # refused before any view reads it


def test_reading_unknown_malformed_or_foreign_sessions(app):
    client, headers = app.test_client(), key(app)
    for value in ("cs_nope", "x" * 300, "CS_UPPER", "cs_%27%20or%201=1"):
        answer = client.get(f"/api/v1/connect-sessions/{value}", headers=headers)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
    narrow = key(app, partners=["APARTNER000001"])
    mine = post(client, headers, GOOD).json["id"]
    assert client.get(f"/api/v1/connect-sessions/{mine}", headers=narrow).status_code == 404


def test_a_reauthorization_needs_a_stored_authorization(app):
    answer = post(app.test_client(), key(app), {"selling_partner_id": "APARTNER000001", "region": "EU"})
    assert answer.status_code == 404 and answer.json["error"]["field"] == "selling_partner_id"


def test_a_database_outage_is_a_503_with_retry_after(app):
    client, headers = app.test_client(), key(app)
    app.extensions["spapi"].engine.dispose()
    path = app.extensions["spapi"].engine.url.database
    os.rename(path, path + ".gone")
    os.mkdir(path)  # a directory where the database was: every connection fails
    try:
        answer = post(client, headers, GOOD)
    finally:
        os.rmdir(path)
        os.rename(path + ".gone", path)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.json["error"]["code"] == "temporarily_unavailable"


def test_an_expired_session_says_so_and_its_link_is_refused(app):
    from sqlalchemy import update

    from auth.vault.models import ConnectSession
    from auth.vault.models import Invitation
    from auth.vault.models import utcnow

    client, headers = app.test_client(), key(app)
    created = post(client, headers, GOOD).json
    with app.extensions["spapi"].sessions() as db:
        for table in (ConnectSession, Invitation):
            db.execute(update(table).values(expires_at=utcnow()))
        db.commit()
    assert (
        client.get(f"/api/v1/connect-sessions/{created['id']}", headers=headers).json["status"] == "expired"
    )
    page = client.get(created["url"].replace("https://app.example.test", ""))
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)


def test_hostile_links_and_continues_are_explained_pages(app):
    client = app.test_client()
    for path in ("/connect/x", "/connect/" + "a" * 5000, "/connect/%00%ff", "/connect/..%2f..%2fadmin"):
        answer = client.get(path)
        assert answer.status_code in (404, 410), path
        assert "<h1>" in answer.get_data(as_text=True)
    for query in ("", "?login_session=", "?login_session=ls_" + "0" * 500, "?login_session[]=x"):
        answer = client.get(f"/oauth/login/continue{query}")
        assert answer.status_code == 400 and "Location" not in answer.headers, query
