"""LWA requests caused by 64 concurrent callers asking for one access token at a cold cache:
our AccessTokenCache against the token clients of python-amazon-sp-api and amzn-sp-api, all
pointed at one loopback LWA stand-in that answers after 100 ms, in one run.

The two libraries are installed for this benchmark only, into a scratch directory, and each
runs in its own process so that neither touches the project's environment.

Run: .venv/bin/python bench/tokens.py
Target (issue 4): ours makes exactly 1 request.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ServerProcess  # noqa: E402
from bench.scratch import installed  # noqa: E402

CALLERS = 64
LATENCY = 0.1
LIBRARIES = {"python-amazon-sp-api": "python-amazon-sp-api==2.1.35", "amzn-sp-api": "amzn-sp-api==1.13.0"}
CLIENT_ID = "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef"
REFRESH = "Atzr|bench-refresh-token"


def slow_lwa(_url):
    """A token endpoint that answers after 100 ms and counts the requests it gets."""
    lock, state = threading.Lock(), {"count": 0}

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/count":
            body = json.dumps(state).encode()
        elif environ["PATH_INFO"] == "/reset":
            with lock:
                state["count"] = 0
            body = b"{}"
        else:
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            with lock:
                state["count"] += 1
            time.sleep(LATENCY)
            body = json.dumps(
                {
                    "access_token": "Atza|bench",
                    "token_type": "bearer",
                    "expires_in": 3600,
                    "refresh_token": REFRESH,
                }
            ).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app


# Each script starts CALLERS threads at one barrier; each asks for the access token once.
RUNNER = textwrap.dedent("""
    import sys, threading, time
    CALLERS, URL, CLIENT_ID, REFRESH = {callers}, {url!r}, {client_id!r}, {refresh!r}
    {setup}
    barrier, errors = threading.Barrier(CALLERS), []
    def caller():
        barrier.wait()
        try:
            get_token()
        except Exception as error:
            errors.append(type(error).__name__)
    threads = [threading.Thread(target=caller) for _ in range(CALLERS)]
    start = time.perf_counter()
    [t.start() for t in threads]
    [t.join() for t in threads]
    print(f"{{time.perf_counter() - start:.3f}} {{len(errors)}}")
""")

SETUPS = {
    "spapi-auth (ours)": """
        from auth.clients.lwa import LwaClient
        from auth.clients.token_cache import AccessTokenCache
        cache = AccessTokenCache(LwaClient(URL, CLIENT_ID, "secret"))
        def get_token():
            cache.for_refresh_token(REFRESH)
    """,
    "python-amazon-sp-api": """
        from types import SimpleNamespace
        from sp_api.auth import AccessTokenClient
        credentials = SimpleNamespace(lwa_app_id=CLIENT_ID, lwa_client_secret="secret", refresh_token=REFRESH)
        host = URL.split("//")[1].split("/")[0]
        def get_token():
            # One client per caller, as per-request API objects create them; the cache is module-wide.
            client = AccessTokenClient(refresh_token=REFRESH, credentials=credentials)
            client.scheme, client.host = "http://", host
            client.get_auth()
    """,
    "amzn-sp-api": """
        from spapi.auth.lwa_request import AccessTokenCache
        shared = AccessTokenCache(CLIENT_ID, "secret", refresh_token=REFRESH, oauth_endpoint=URL)
        def get_token():
            shared.get_lwa_access_token()
    """,
}


def install_libraries() -> Path:
    """The two libraries (and their dependencies) in a scratch folder, never the project's."""
    return installed(LIBRARIES.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="our client only, 16 callers: checks the bench runs (no installs)",
    )
    args = parser.parse_args()
    callers = 16 if args.quick else CALLERS
    setups = {k: v for k, v in SETUPS.items() if k.startswith("spapi-auth")} if args.quick else SETUPS
    root = Path(__file__).resolve().parent.parent
    scratch = install_libraries() if not args.quick else Path(tempfile.mkdtemp(prefix="spapi-bench-libs-"))
    lwa = ServerProcess(slow_lwa)
    url = lwa.url + "/auth/o2/token"
    rows = []
    try:
        for name, setup in setups.items():
            urllib.request.urlopen(lwa.url + "/reset").read()  # noqa: S310 (our loopback stand-in)
            script = RUNNER.format(
                callers=callers, url=url, client_id=CLIENT_ID, refresh=REFRESH, setup=textwrap.dedent(setup)
            )
            path = str(root) if name.startswith("spapi-auth") else f"{scratch}"
            done = subprocess.run(
                [sys.executable, "-c", script],
                capture_output=True,
                text=True,
                cwd=root,
                env={"PYTHONPATH": path, "PATH": "/usr/bin:/bin"},
                timeout=300,
            )
            if done.returncode:
                raise RuntimeError(f"{name} failed: {done.stderr[-2000:]}")
            seconds, errors = done.stdout.split()[-2:]
            count = json.loads(urllib.request.urlopen(lwa.url + "/count").read())["count"]  # noqa: S310
            rows.append((name, count, int(errors), float(seconds)))
    finally:
        lwa.close()
    latency = f"{LATENCY * 1000:.0f} ms"
    print(f"{callers} concurrent callers, cold cache, one refresh token, LWA stand-in latency {latency}")
    print(f"{'client':24} {'LWA requests':>12} {'errors':>7} {'wall s':>7}")
    for name, count, errors, seconds in rows:
        print(f"{name:24} {count:12d} {errors:7d} {seconds:7.2f}")
    ours = rows[0][1]
    print("target: ours makes exactly 1 request:", "met" if ours == 1 else f"MISSED ({ours})")
    return 0 if ours == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
