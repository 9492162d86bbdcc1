"""Fixtures of the connect tests: the developer's app and spapi-auth (simulator on) wired
to each other on loopback, and an API key with the ``connect`` operation."""

import json

import pytest

from tests.conftest import live_simulator
from tests.connect.developer import WEBHOOK_SECRET
from tests.connect.developer import DeveloperApp


def make_key(app, *args) -> str:
    """Create an API key with the CLI, as the developer would; return its bearer value."""
    result = app.test_cli_runner().invoke(
        args=["spapi", "api-keys", "create", "--label", "product backend", *args, "--json"]
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    return f"{created['id']}.{created['secret']}"


@pytest.fixture
def developer():
    """The developer's product, before spapi-auth knows it."""
    with DeveloperApp() as app:
        yield app


def wired(tmp_path, developer, **overrides):
    """spapi-auth with the simulator, returning to and signing in on the developer's app."""
    settings = {
        "SPAPI_RETURN_URLS": f"{developer.url}/app",
        "SPAPI_WEBHOOK_URL": f"{developer.url}/hooks/spapi",
        "SPAPI_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "SPAPI_APP_NAME": "Acme Repricer",
        "SPAPI_SUPPORT_URL": "https://support.acme.example/help",
        **overrides,
    }
    return live_simulator(tmp_path, **settings)


@pytest.fixture
def spapi(tmp_path, developer):
    """spapi-auth wired to ``developer``, with a ``connect`` key in the developer's hands."""
    with wired(tmp_path, developer) as server:
        developer.spapi_url = server.url
        developer.key = make_key(server.app, "--operation", "connect", "--operation", "access_tokens")
        yield server


def deliver_webhooks(server) -> None:
    """Deliver the outbox now, as ``flask spapi events deliver`` (or the worker) does."""
    result = server.app.test_cli_runner().invoke(args=["spapi", "events", "deliver", "--once", "--json"])
    assert result.exit_code == 0, result.output
