"""Requests per second of /authorize, /oauth/login and /oauth/redirect, as ratios to a bare
Flask route that returns a redirect, all served the same way on loopback in one run.

Run: .venv/bin/python bench/flow.py [--requests N] [--rounds R]
Target (issue 2): at least 0.5 for /authorize and /oauth/login.
"""

import argparse
import http.client
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402

from bench.harness import HEADER  # noqa: E402
from bench.harness import GunicornProcess  # noqa: E402
from bench.harness import ServerProcess  # noqa: E402
from bench.harness import ratio_rounds  # noqa: E402
from bench.harness import throughput  # noqa: E402

APPLICATION_ID = "amzn1.sp.solution.0bf296b5-36a6-4942-a13e-0123456789ab"
TOKEN_BODY = json.dumps(
    {"access_token": "Atza|bench", "refresh_token": "Atzr|bench", "token_type": "bearer", "expires_in": 3600}
).encode()


def instant_lwa(_url):
    def app(environ, start_response):
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(TOKEN_BODY)))]
        )
        return [TOKEN_BODY]

    return app


def our_settings(lwa_url: str, workdir: str) -> dict[str, str]:
    """Production-mode settings (no TESTING) pointing at the instant LWA stand-in."""
    return {
        "SPAPI_APPLICATION_ID": APPLICATION_ID,
        "SPAPI_APP_STATUS": "draft",
        "LWA_CLIENT_ID": "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef",
        "LWA_CLIENT_SECRET": "bench-secret",
        "LWA_TOKEN_URL": lwa_url,
        # The evidence calls after each code exchange go to the same instant stand-in.
        "SPAPI_API_URL": lwa_url.rsplit("/auth/o2/token", 1)[0],
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite",
        "SECRET_KEY": secrets.token_hex(32),
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SPAPI_INSTANCE_PATH": workdir,
        # One load generator on one address starts thousands of flows a minute.
        "SPAPI_STATES_PER_MINUTE": "0",
    }


def issue_states(base_url: str, count: int) -> tuple[str, list[str]]:
    """Start ``count`` flows with one browser cookie; return the cookie and the states."""
    connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=30)
    cookie, states = "", []
    for _ in range(count):
        connection.request("GET", "/authorize?marketplace=US", headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        cookie = cookie or response.getheader("Set-Cookie").split(";")[0]
        states.append(parse_qs(urlsplit(response.getheader("Location")).query)["state"][0])
    return cookie, states


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="a short run that checks every step works")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.rounds = 40, 1
    n = args.requests
    workdir = tempfile.mkdtemp(prefix="spapi-bench-")
    lwa = ServerProcess(instant_lwa)
    # Both served alike: gunicorn, two sync workers, as in production (README).
    ours = GunicornProcess("app:create_app()", our_settings(lwa.url + "/auth/o2/token", workdir))
    base = GunicornProcess("bench.baseline:app")
    callback = f"https://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}"
    login_query = urlencode(
        {
            "amazon_callback_uri": callback,
            "amazon_state": "bench",
            "selling_partner_id": "A1BENCH",
            "version": "beta",
        }
    )
    try:

        def baseline():
            return throughput(base.url, lambda i: "/go", n)

        results = {}
        results["/authorize"] = ratio_rounds(
            lambda: throughput(ours.url, lambda i: "/authorize?marketplace=US", n), baseline, args.rounds
        )
        results["/oauth/login"] = ratio_rounds(
            lambda: throughput(ours.url, lambda i: f"/oauth/login?{login_query}", n), baseline, args.rounds
        )

        def redirect_round():
            cookie, states = issue_states(ours.url, n // 4)
            query = [
                urlencode(
                    {
                        "state": s,
                        "selling_partner_id": "A1BENCH",
                        "spapi_oauth_code": f"ANbench{os.urandom(8).hex()}",
                    }
                )
                for s in states
            ]
            return throughput(
                ours.url,
                lambda i: f"/oauth/redirect?{query[i]}",
                len(states),
                headers=lambda i: {"Cookie": cookie},
                expect=(303,),
            )

        results["/oauth/redirect (whole exchange)"] = ratio_rounds(redirect_round, baseline, args.rounds)
    finally:
        for server in (ours, base, lwa):
            server.close()
    print(
        f"{args.rounds} interleaved rounds of {n} requests; gunicorn, 2 sync workers each; 4 client threads"
    )
    print(HEADER)
    for route, result in results.items():
        print(result.row(route))
    broken = [route for route, result in results.items() if not result.median > 0]
    if broken:
        print("FAILED: no requests measured for", broken)
        return 1
    if args.quick:
        print("quick mode: every step ran; the target is judged only by a full run")
        return 0
    failed = [r for r in ("/authorize", "/oauth/login") if results[r].median < 0.5]
    print("target >= 0.5 for /authorize and /oauth/login:", "met" if not failed else f"MISSED for {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
