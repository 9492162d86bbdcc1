"""python-amazon-sp-api and amzn-sp-api, unmodified, get their access tokens from the token
service with only their token URL changed (and an API key and a handle in place of the
client secret and refresh token), then call the simulator's getMarketplaceParticipations."""

import pytest

from auth.security.api_keys import create_key
from auth.simulator.proxy import SimulatorProxy
from auth.tokens.handles import make_handle
from bench.clients import install_libraries
from bench.clients import run_service_matrix
from tests.factories import stored_authorization

PARTNER = "A1SERVICECLIENT"


@pytest.fixture(scope="module")
def libraries():
    """The real clients, installed once into a scratch folder the benches share."""
    return install_libraries()


def test_real_clients_through_the_token_service(simulator, tmp_path, libraries):
    simulator.app.test_client().get("/simulator/")
    refresh = simulator.app.extensions["spapi"].simulator.self_authorize(PARTNER)
    stored_authorization(simulator.app, PARTNER, workflow="self", refresh_token=refresh)
    with simulator.app.extensions["spapi"].sessions() as db:
        key = create_key(db, "real clients")
    proxy = SimulatorProxy(simulator.url, tmp_path / "proxy").start()
    try:
        results = run_service_matrix(
            simulator.url, key.id, key.secret, make_handle(PARTNER, "NA"), libraries, proxy
        )
    finally:
        proxy.close()
    for client, row in results.items():
        assert row["refresh"].startswith("ok"), (client, row)
        assert row["getMarketplaceParticipations"].startswith("ok"), (client, row)
        assert row["wrong key"].startswith("error"), (client, row)
    # python-amazon-sp-api reports LWA's error as it came; amzn-sp-api 1.13.0 says "server_error"
    # for any 4xx (it tests the error response's truth value), whatever the body says.
    assert "invalid_client" in results["python-amazon-sp-api"]["wrong key"]
