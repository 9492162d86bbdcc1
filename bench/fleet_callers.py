"""The fleet benchmark's callers: an LWA stand-in that counts what reaches it, the seeded
authorization and key, one token request, a storm of them released at once, and the
third-party clients asking LWA directly."""

import http.client
import json
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode
from urllib.parse import urlsplit

from bench.harness import throughput
from bench.tokens import CLIENT_ID
from bench.tokens import REFRESH
from bench.tokens import RUNNER
from bench.tokens import SETUPS

PARTNER, REGION = "A1FLEETPARTNER", "NA"
HANDLE = f"spapi-auth:{PARTNER}:{REGION}"
LATENCY = 0.1


def counting_lwa(_url):
    """LWA after 100 ms; ``/hang-next`` makes the next request hang 30 s (its caller is the
    one to kill); ``/count``, ``/reset`` and ``/last-port`` let the benchmark read it."""
    lock = threading.Lock()
    state = {"count": 0, "hang": False, "port": None}

    def app(environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/count":
            body = json.dumps(state).encode()
        elif path == "/reset":
            with lock:
                state.update(count=0, hang=False, port=None)
            body = b"{}"
        elif path == "/hang-next":
            with lock:
                state["hang"] = True
            body = b"{}"
        else:
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            with lock:
                state["count"] += 1
                hang, state["hang"] = state["hang"], False
                if hang:
                    state["port"] = int(environ["REMOTE_PORT"])
            time.sleep(30 if hang else LATENCY)
            body = json.dumps(
                {
                    "access_token": "Atza|fleet",
                    "token_type": "bearer",
                    "expires_in": 3600,
                    "refresh_token": REFRESH,
                }
            ).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app


def lwa_call(lwa, path: str) -> dict:
    return json.loads(urllib.request.urlopen(lwa.url + path).read())  # noqa: S310 (loopback stand-in)


def seed(env: dict[str, str]) -> tuple[str, str]:
    """Store the authorization and create an API key (with no rate limit to speak of)."""
    script = textwrap.dedent(f"""
        import json
        from auth.security.api_keys import create_key
        from auth.vault.crypto import TokenVault
        from auth.vault.db import make_engine, make_sessions
        from auth.vault.store import save_authorization
        engine = make_engine({env["DATABASE_URL"]!r})
        with make_sessions(engine)() as db:
            save_authorization(db, TokenVault([{env["TOKEN_ENCRYPTION_KEYS"]!r}]), selling_partner_id={PARTNER!r},
                region={REGION!r}, account_type="seller", workflow="self", refresh_token={REFRESH!r})
            key = create_key(db, "fleet", rate_per_minute=100000)
        print(json.dumps([key.id, key.secret]))
    """)
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, env=env, check=True
    )
    return tuple(json.loads(done.stdout.strip().splitlines()[-1]))


def token_request(url: str, key: tuple[str, str]) -> tuple[int, float]:
    body = urlencode(
        {"grant_type": "refresh_token", "refresh_token": HANDLE, "client_id": key[0], "client_secret": key[1]}
    )
    connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=60)
    started = time.monotonic()
    try:
        connection.request(
            "POST", "/api/lwa/o2/token", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started
    finally:
        connection.close()


def storm(urls: list[str], key, callers: int) -> list[tuple[int, float]]:
    """``callers`` threads released at once, spread over the app processes."""
    barrier, results, lock = threading.Barrier(callers), [], threading.Lock()

    def caller(index):
        barrier.wait()
        outcome = token_request(urls[index % len(urls)], key)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(callers)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results


def direct_clients(callers: int, lwa, scratch: Path) -> dict[str, int]:
    """python-amazon-sp-api and amzn-sp-api asking the LWA stand-in directly, cold."""
    root = Path(__file__).resolve().parent.parent
    counts = {}
    for name in ("python-amazon-sp-api", "amzn-sp-api"):
        lwa_call(lwa, "/reset")
        script = RUNNER.format(
            callers=callers,
            url=lwa.url + "/auth/o2/token",
            client_id=CLIENT_ID,
            refresh=REFRESH,
            setup=textwrap.dedent(SETUPS[name]),
        )
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={"PYTHONPATH": str(scratch), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        counts[name] = lwa_call(lwa, "/count")["count"]
    return counts


def post(url: str, path: str, body: bytes, headers: dict, count: int, concurrency: int = 8) -> float:
    """``count`` POSTs over keep-alive connections; requests a second."""
    return throughput(
        url, lambda _: path, count, concurrency, lambda _: headers, expect=(200,), method="POST", body=body
    )
