"""Real SP-API client libraries, unmodified and only configured, against the simulator
(``bench/clients.py``): installed into a scratch folder for this test run, never into the
project's environment."""

import socket

import pytest

from auth.simulator.proxy import SimulatorProxy
from auth.simulator.proxy import simulated_hosts
from bench.clients import OPERATIONS
from bench.clients import SELLING_PARTNER
from bench.clients import install_libraries
from bench.clients import run_matrix
from tests.conftest import CLIENT_ID
from tests.conftest import CLIENT_SECRET


@pytest.fixture(scope="module")
def libraries():
    """The real clients, installed once into a scratch folder the benches share."""
    return install_libraries()


@pytest.fixture
def proxy(simulator, tmp_path):
    running = SimulatorProxy(simulator.url, tmp_path / "proxy").start()
    yield running
    running.close()


def test_real_clients_refresh_grantless_and_call_the_simulator(simulator, proxy, libraries):
    simulator.app.test_client().get("/simulator/")
    refresh = simulator.app.extensions["spapi"].simulator.self_authorize(SELLING_PARTNER)
    results = run_matrix(simulator.url, CLIENT_ID, CLIENT_SECRET, refresh, libraries, proxy)
    assert set(results) == {"python-amazon-sp-api", "amzn-sp-api", "requests-oauthlib"}
    for client, row in results.items():
        assert set(row) == set(OPERATIONS)
        assert all(value.startswith("ok") for value in row.values()), (client, row)
    # amzn-sp-api deserialises the model strictly: the answer's fields are all there.
    assert results["amzn-sp-api"]["getMarketplaceParticipations"].removeprefix("ok: ") in {
        "US",
        "CA",
        "MX",
        "BR",
    }


def connect(proxy, target: str) -> bytes:
    host, port = proxy.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        return sock.recv(1024)


def test_the_proxy_reaches_only_the_hosts_it_simulates(proxy):
    assert connect(proxy, "evil.example:443").startswith(b"HTTP/1.1 403")
    assert connect(proxy, "api.amazon.com:80").startswith(b"HTTP/1.1 403")
    assert connect(proxy, "api.amazon.com:443").startswith(b"HTTP/1.1 200")
    assert "sandbox.sellingpartnerapi-fe.amazon.com" in simulated_hosts()
    assert "sellercentral.amazon.com" not in simulated_hosts()
