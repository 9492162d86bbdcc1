"""Production guards: development features refused, weak or malformed settings named, and the
small hygiene items of a public deployment."""

import os
import stat
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from app import create_app
from auth.config.settings import ConfigError
from auth.oauth.state import FlowContext
from auth.oauth.state import issue_state
from auth.oauth.state import prune
from auth.oauth.tables import OAuthState
from auth.oauth.tables import UsedCode
from auth.vault.models import utcnow
from tests.conftest import base_config
from tests.conftest import live_simulator
from tests.test_factory import PRODUCTION
from tests.test_factory import environ  # noqa: F401  (fixture)


def refused(**settings) -> str:
    """Create a production app from the environment and return why it refused to start."""
    with pytest.raises(SystemExit) as stop:
        create_app()
    return str(stop.value)


def test_flask_debug_is_refused_outside_development(environ, monkeypatch):  # noqa: F811
    environ(**PRODUCTION)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert "FLASK_DEBUG" in refused()
    monkeypatch.setenv("SPAPI_ENV", "development")
    assert create_app().debug


@pytest.mark.parametrize(
    ("extra", "allowed"),
    [
        ({}, False),
        ({"SPAPI_SIMULATOR_ON_LOOPBACK": "1"}, False),  # PUBLIC_URL is not loopback
        ({"PUBLIC_URL": "http://127.0.0.1:8000"}, False),  # no explicit second setting
        ({"PUBLIC_URL": "http://127.0.0.1:8000", "SPAPI_SIMULATOR_ON_LOOPBACK": "1"}, True),
    ],
)
def test_the_simulator_is_refused_in_production_unless_on_loopback(environ, extra, allowed):  # noqa: F811
    environ(**{**PRODUCTION, "SPAPI_SIMULATOR": "1", **extra})
    if allowed:
        assert create_app().extensions["spapi"].settings.simulator
    else:
        assert "SPAPI_SIMULATOR" in refused()


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("SECRET_KEY", "a" * 40, "does not look random"),
        ("SECRET_KEY", "short", "at least 32"),
        ("SECRET_KEY", "password" * 5, "does not look random"),
        ("TRUST_PROXY_HOPS", "abc", "TRUST_PROXY_HOPS"),
        ("TRUST_PROXY_HOPS", "-1", "TRUST_PROXY_HOPS"),
        ("PUBLIC_URL", "https://admin:hunter2@spapi.example.com", "user name or password"),
        ("PUBLIC_URL", "https://spapi.example.com:99999", "invalid port"),
        ("TOKEN_ENCRYPTION_KEYS", "A" * 43 + "=", "not random"),
        ("SPAPI_VERIFY_SELLER_ID", "maybe", "SPAPI_VERIFY_SELLER_ID"),
        ("SPAPI_STATES_PER_MINUTE", "lots", "SPAPI_STATES_PER_MINUTE"),
    ],
)
def test_malformed_or_weak_settings_are_named(tmp_path, name, value, words):
    with pytest.raises(ConfigError) as error:
        create_app(base_config(tmp_path, **{name: value}))
    assert name in str(error.value) and words in str(error.value)
    # Secrets are named, never echoed.
    assert "hunter2" not in str(error.value)
    if name in ("SECRET_KEY", "TOKEN_ENCRYPTION_KEYS"):
        assert value not in str(error.value)


def test_the_host_port_must_be_the_public_one(environ):  # noqa: F811
    environ(**PRODUCTION)
    app = create_app()
    app.test_cli_runner().invoke(args=["spapi", "db", "upgrade"])
    client = app.test_client()
    assert client.get("/", headers={"Host": "spapi.example.com"}).status_code == 200
    assert client.get("/", headers={"Host": "spapi.example.com:443"}).status_code == 200
    assert client.get("/", headers={"Host": "spapi.example.com:8443"}).status_code == 400
    assert client.get("/", headers={"Host": "evil.example:443"}).status_code == 400


def test_console_pages_are_never_cached(client, admin):
    admin.login()
    for path in ("/console/", "/console/authorizations", "/console/login"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_the_sqlite_file_is_private(app, tmp_path):
    mode = stat.S_IMODE(os.stat(tmp_path / "spapi.sqlite").st_mode)
    assert mode == 0o600


@pytest.mark.parametrize("path", ["/api/explain", "/explain"])
def test_deeply_nested_json_is_not_a_500(client, path):
    body = "[" * 100_000 + "]" * 100_000
    answer = client.post(path, data=body, headers={"Content-Type": "text/plain"})
    assert answer.status_code in (200, 400), answer.status_code


def test_an_unexpected_error_has_a_clear_title_in_html_and_json(app, client, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("boom with a secret Atzr|xyz")

    monkeypatch.setattr("web.explainer.pages.diagnose", explode)
    page = client.get("/explain?q=MD1000")
    assert page.status_code == 500 and b"<title>Internal Server Error" in page.data
    assert b"property object" not in page.data and b"Atzr" not in page.data
    api = client.get("/api/explain?q=MD1000")
    assert api.status_code == 500 and api.get_json()["error"] == "Internal Server Error"


def test_bodies_over_the_cap_are_refused_chunked_or_not(tmp_path):
    big = b"x" * (3 * 1024 * 1024)
    with live_simulator(tmp_path) as server:
        plain = requests.post(f"{server.url}/api/explain", data=big, timeout=20)
        assert plain.status_code == 413

        def chunks(data=big, size=65536):
            for start in range(0, len(data), size):
                yield data[start : start + size]

        chunked = requests.post(f"{server.url}/api/explain", data=chunks(), timeout=20)
        assert chunked.status_code == 413 and chunked.json()["error"] == "Content Too Large"
        small = requests.post(f"{server.url}/api/explain", data=chunks(b"MD1000"), timeout=20)
        assert small.status_code == 200 and small.json()["recognised"]


def test_states_are_purged_at_expiry_and_codes_once_they_cannot_be_replayed(app):
    engine = app.extensions["spapi"].engine
    now = utcnow()
    context = FlowContext("website", "seller", "NA")
    old = issue_state(engine, "b", context, now=now - timedelta(minutes=11))
    fresh = issue_state(engine, "b", context, now=now)
    with app.extensions["spapi"].sessions() as db:
        db.add_all(
            [
                UsedCode(code_hash="old", seen_at=now - timedelta(hours=2)),
                UsedCode(code_hash="new", seen_at=now),
            ]
        )
        db.commit()
        prune(db, now)
        db.commit()
        assert len(db.scalars(select(OAuthState)).all()) == 1
        assert [c.code_hash for c in db.scalars(select(UsedCode))] == ["new"]
    assert old != fresh


def test_one_address_cannot_flood_the_state_table(tmp_path, lwa_url):
    app = create_app(base_config(tmp_path, LWA_TOKEN_URL=lwa_url, SPAPI_STATES_PER_MINUTE="3"))
    client = app.test_client()
    for _ in range(3):
        assert client.get("/authorize?marketplace=US").status_code == 302
    flooded = client.get("/authorize?marketplace=US")
    assert flooded.status_code == 429 and b"Wait a minute" in flooded.data
    other = app.test_client().get("/authorize?marketplace=US", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 302
    app.extensions["spapi"].engine.dispose()
