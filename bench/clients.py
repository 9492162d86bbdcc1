"""Real SP-API client libraries against the simulator, unmodified and only configured:
python-amazon-sp-api 2.1.35, amzn-sp-api 1.13.0 and requests-oauthlib 2.0.0, each asked for a
refreshed access token, a grantless token, getMarketplaceParticipations and getAccount.

python-amazon-sp-api and requests-oauthlib cannot be given another Amazon URL, so they reach
the simulator through its HTTPS proxy (``HTTPS_PROXY`` and ``SSL_CERT_FILE`` only, see
``auth/simulator/proxy.py``); amzn-sp-api takes its token and API URLs as settings. The
libraries are installed into a scratch folder, never into the project's environment, and
each runs in its own process.

Run: .venv/bin/python bench/clients.py
Target (issue 10): every cell "ok".
"""

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scratch import installed  # noqa: E402

LIBRARIES = {
    "python-amazon-sp-api": "python-amazon-sp-api==2.1.35",
    "amzn-sp-api": "amzn-sp-api==1.13.0",
    "requests-oauthlib": "requests-oauthlib==2.0.0",
}
OPERATIONS = ("refresh", "grantless", "getMarketplaceParticipations", "getAccount")
SELLING_PARTNER = "A1CLIENTSELLER"

# Each script records every operation's outcome with attempt() and prints them as JSON.
ATTEMPT = """
import json, sys
out = {}
def attempt(name, call):
    try:
        out[name] = "ok: " + str(call())[:60]
    except Exception as error:  # the table reports any failure, whatever its type
        out[name] = f"error: {type(error).__name__}: {error}"[:300]
"""
PREAMBLE = (
    ATTEMPT
    + """
CLIENT_ID, SECRET, REFRESH, SIMULATOR = sys.argv[1:5]
TOKEN_URL = SIMULATOR + "/simulator/api.amazon.com/auth/o2/token"
SPAPI_URL = SIMULATOR + "/simulator/sellingpartnerapi-na.amazon.com"
"""
)

SCRIPTS = {
    "python-amazon-sp-api": """
        from sp_api.api import Notifications, Sellers
        from sp_api.base import Marketplaces
        credentials = dict(refresh_token=REFRESH, lwa_app_id=CLIENT_ID, lwa_client_secret=SECRET)
        sellers = Sellers(marketplace=Marketplaces.US, credentials=credentials)
        attempt("refresh", lambda: sellers.auth.access_token[:5])
        attempt("grantless", lambda: Notifications(credentials=credentials).grantless_auth.access_token[:5])
        attempt("getMarketplaceParticipations", lambda: sellers.get_marketplace_participation().payload[0]["marketplace"]["countryCode"])
        attempt("getAccount", lambda: sellers.get_account().payload["sellingPlan"])
    """,
    "amzn-sp-api": """
        from spapi.api.sellers_v1.sellers_api import SellersApi
        from spapi.auth.credentials import SPAPIConfig
        from spapi.client import SPAPIClient
        client = SPAPIClient(SPAPIConfig(CLIENT_ID, SECRET, refresh_token=REFRESH, region="NA"), oauth_endpoint=TOKEN_URL, endpoint=SPAPI_URL)
        grantless = SPAPIClient(SPAPIConfig(CLIENT_ID, SECRET, region="NA", scope="sellingpartnerapi::notifications"), oauth_endpoint=TOKEN_URL, endpoint=SPAPI_URL)
        sellers = SellersApi(client.api_client)
        attempt("refresh", lambda: client.access_token_cache.get_lwa_access_token()[:5])
        attempt("grantless", lambda: grantless.access_token_cache.get_lwa_access_token()[:5])
        attempt("getMarketplaceParticipations", lambda: sellers.get_marketplace_participations().payload[0].marketplace.country_code)
        attempt("getAccount", lambda: sellers.get_account().payload.selling_plan)
    """,
    "requests-oauthlib": """
        import requests
        from oauthlib.oauth2 import BackendApplicationClient
        from requests_oauthlib import OAuth2Session
        LWA = "https://api.amazon.com/auth/o2/token"
        SPAPI = "https://sellingpartnerapi-na.amazon.com"
        expired = {"access_token": "x", "refresh_token": REFRESH, "token_type": "bearer", "expires_in": -1}
        session = OAuth2Session(CLIENT_ID, token=expired)
        token = {}
        def refresh():
            token.update(session.refresh_token(LWA, refresh_token=REFRESH, client_id=CLIENT_ID, client_secret=SECRET))
            return token["access_token"][:5]
        def grantless():
            backend = OAuth2Session(client=BackendApplicationClient(client_id=CLIENT_ID))
            return backend.fetch_token(LWA, client_secret=SECRET, scope=["sellingpartnerapi::notifications"])["access_token"][:5]
        def call(path):
            answer = requests.get(SPAPI + path, headers={"x-amz-access-token": token["access_token"]}, timeout=30)
            answer.raise_for_status()
            return answer.json()["payload"]
        attempt("refresh", refresh)
        attempt("grantless", grantless)
        attempt("getMarketplaceParticipations", lambda: call("/sellers/v1/marketplaceParticipations")[0]["marketplace"]["countryCode"])
        attempt("getAccount", lambda: call("/sellers/v1/account")["sellingPlan"])
    """,
}


# The same libraries, pointed at spapi-auth's token service instead of LWA: the client ID and
# secret are an API key's, the refresh token is a handle; only the token URL changes.
SERVICE_PREAMBLE = (
    ATTEMPT
    + """
KEY_ID, KEY_SECRET, HANDLE, APP = sys.argv[1:5]
TOKEN_URL = APP + "/api/lwa/o2/token"
SPAPI_URL = APP + "/simulator/sellingpartnerapi-na.amazon.com"
"""
)

SERVICE_SCRIPTS = {
    "python-amazon-sp-api": """
        from urllib.parse import urlsplit
        from sp_api.api import Sellers
        from sp_api.auth import AccessTokenClient
        from sp_api.base import Marketplaces
        url = urlsplit(TOKEN_URL)

        class ServiceTokens(AccessTokenClient):  # the library's own extension point: its token URL
            scheme, host, path = url.scheme + "://", url.netloc, url.path

        credentials = dict(refresh_token=HANDLE, lwa_app_id=KEY_ID, lwa_client_secret=KEY_SECRET)
        sellers = Sellers(marketplace=Marketplaces.US, credentials=credentials, auth_token_client_class=ServiceTokens)
        attempt("refresh", lambda: sellers.auth.access_token[:5])
        attempt("getMarketplaceParticipations", lambda: sellers.get_marketplace_participation().payload[0]["marketplace"]["countryCode"])
        # The library caches tokens by refresh token alone: the wrong key asks for another handle.
        wrong = dict(credentials, lwa_app_id="spak_0000000000000000", refresh_token=HANDLE[:-2] + "EU")
        attempt("wrong key", lambda: Sellers(credentials=wrong, auth_token_client_class=ServiceTokens).auth.access_token)
    """,
    "amzn-sp-api": """
        from spapi.api.sellers_v1.sellers_api import SellersApi
        from spapi.auth.credentials import SPAPIConfig
        from spapi.client import SPAPIClient
        client = SPAPIClient(SPAPIConfig(KEY_ID, KEY_SECRET, refresh_token=HANDLE, region="NA"), oauth_endpoint=TOKEN_URL, endpoint=SPAPI_URL)
        attempt("refresh", lambda: client.access_token_cache.get_lwa_access_token()[:5])
        attempt("getMarketplaceParticipations", lambda: SellersApi(client.api_client).get_marketplace_participations().payload[0].marketplace.country_code)
        from spapi.auth.lwa_request import AccessTokenCache
        # amzn-sp-api 1.13.0 retries a 401 three times (14 s) and then reports "server_error":
        # it tests the error response's truth value, which is False for any 4xx. One attempt here.
        wrong = AccessTokenCache(KEY_ID, "wrong", refresh_token=HANDLE, oauth_endpoint=TOKEN_URL, max_retries=0)
        attempt("wrong key", wrong.get_lwa_access_token)
    """,
}


def run_service_matrix(app_url: str, key_id: str, secret: str, handle: str, libraries: Path, proxy) -> dict:
    """Run each library against the token service; {client: {operation: "ok: …" or "error: …"}}."""
    results = {}
    for name, body in SERVICE_SCRIPTS.items():
        script = SERVICE_PREAMBLE + textwrap.dedent(body) + "\nprint(json.dumps(out))\n"
        done = subprocess.run(
            [sys.executable, "-c", script, key_id, secret, handle, app_url],
            capture_output=True,
            text=True,
            env=_client_env(libraries, proxy),
            timeout=180,
        )
        lines = done.stdout.strip().splitlines()
        try:
            results[name] = json.loads(lines[-1])
        except (IndexError, ValueError):
            results[name] = {"refresh": f"error: the script failed: {done.stderr[-300:]}"}
    return results


def _client_env(libraries: Path, proxy) -> dict:
    return {
        "PYTHONPATH": str(libraries),
        "PATH": "/usr/bin:/bin",
        "HTTPS_PROXY": proxy.url,
        "SSL_CERT_FILE": str(proxy.ca_path),
        "REQUESTS_CA_BUNDLE": str(proxy.ca_path),
        "NO_PROXY": "127.0.0.1",
    }


def install_libraries() -> Path:
    """The three libraries (and their dependencies) in a scratch folder, never the project's."""
    return installed(LIBRARIES.values())


def run_matrix(
    simulator_url: str, client_id: str, secret: str, refresh_token: str, libraries: Path, proxy
) -> dict:
    """Run every client's script; return {client: {operation: "ok: ..." or "error: ..."}}."""
    results = {}
    for name, body in SCRIPTS.items():
        script = PREAMBLE + textwrap.dedent(body) + "\nprint(json.dumps(out))\n"
        env = _client_env(libraries, proxy)
        done = subprocess.run(
            [sys.executable, "-c", script, client_id, secret, refresh_token, simulator_url],
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
        )
        lines = done.stdout.strip().splitlines()
        try:
            results[name] = json.loads(lines[-1])
        except (IndexError, ValueError):
            results[name] = {op: f"error: the script failed: {done.stderr[-300:]}" for op in OPERATIONS}
    return results


def table(results: dict) -> str:
    """The client x operation table, one line per client."""
    lines = [f"{'client':22} " + " ".join(f"{op:>28}" for op in OPERATIONS)]
    for client, row in results.items():
        cells = [("ok" if row.get(op, "").startswith("ok") else "FAIL") for op in OPERATIONS]
        lines.append(f"{client:22} " + " ".join(f"{c:>28}" for c in cells))
    return "\n".join(lines)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="requests-oauthlib only (one small install)")
    if parser.parse_args().quick:
        for name in ("python-amazon-sp-api", "amzn-sp-api"):
            LIBRARIES.pop(name)
            SCRIPTS.pop(name, None)
    from auth.simulator.proxy import SimulatorProxy
    from tests.conftest import CLIENT_ID
    from tests.conftest import CLIENT_SECRET
    from tests.conftest import live_simulator

    workdir = Path(tempfile.mkdtemp(prefix="spapi-bench-clients-"))
    libraries = install_libraries()
    with live_simulator(workdir) as server:
        server.app.test_client().get("/simulator/")  # the simulator is created on first use
        refresh = server.app.extensions["spapi"].simulator.self_authorize(SELLING_PARTNER)
        proxy = SimulatorProxy(server.url, workdir / "proxy").start()
        try:
            results = run_matrix(server.url, CLIENT_ID, CLIENT_SECRET, refresh, libraries, proxy)
        finally:
            proxy.close()
    print(table(results))
    failures = [(c, op, v) for c, row in results.items() for op, v in row.items() if not v.startswith("ok")]
    for client, op, value in failures:
        print(f"{client} {op}: {value}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
