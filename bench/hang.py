"""A hanging Amazon must not take the site down: `GET /` latency while 50 Redirect URI calls
wait on an LWA that never answers, against the same measurement without them, on gunicorn as
the README deploys it (gunicorn.conf.py: gthread workers).

Prints p50 and p99 of `GET /` before and during the hang, their ratio, and how the hanging
callbacks ended (status and longest duration, bounded by the app's LWA deadline).

Run: .venv/bin/python bench/hang.py [--callbacks N] [--requests N]
"""

import argparse
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

from bench.harness import GunicornProcess  # noqa: E402

APPLICATION_ID = "amzn1.sp.solution.0bf296b5-36a6-4942-a13e-0123456789ab"


class SilentServer:
    """Accepts connections on 127.0.0.1:0 and never answers (an LWA that hangs)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list[socket.socket] = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self):
        self.running = False
        self.sock.close()
        for connection in self.held:
            connection.close()


def latencies(base: str, count: int, threads: int = 4) -> list[float]:
    """Seconds each of ``count`` GET / took, over ``threads`` keep-alive clients."""
    results, lock, counter = [], threading.Lock(), iter(range(count))

    def client():
        with requests.Session() as session:
            while True:
                with lock:
                    if next(counter, None) is None:
                        return
                started = time.perf_counter()
                session.get(f"{base}/", timeout=60)
                with lock:
                    results.append(time.perf_counter() - started)

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0..1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def hanging_callback(base: str, outcomes: list, index: int):
    """Start a flow and call the Redirect URI; LWA never answers the code exchange."""
    with requests.Session() as browser:
        start = browser.get(f"{base}/authorize?marketplace=US", allow_redirects=False, timeout=30)
        state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
        started = time.perf_counter()
        answer = browser.get(
            f"{base}/oauth/redirect",
            params={
                "state": state,
                "selling_partner_id": f"AHANG{index:05d}",
                "spapi_oauth_code": f"ANhang{index}",
            },
            timeout=90,
        )
        outcomes.append((answer.status_code, time.perf_counter() - started))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callbacks", type=int, default=50)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="5 hanging callbacks, 40 requests")
    args = parser.parse_args()
    if args.quick:
        args.callbacks, args.requests = 5, 40
    silent = SilentServer()
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            "SPAPI_APPLICATION_ID": APPLICATION_ID,
            "SPAPI_APP_STATUS": "draft",
            "LWA_CLIENT_ID": "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef",
            "LWA_CLIENT_SECRET": "bench-secret",
            "LWA_TOKEN_URL": silent.url + "/auth/o2/token",
            "SPAPI_API_URL": silent.url,
            "DATABASE_URL": f"sqlite:///{workdir}/hang.sqlite",
            "SECRET_KEY": secrets.token_hex(32),
            "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "SPAPI_INSTANCE_PATH": workdir,
            "SPAPI_STATES_PER_MINUTE": "0",
        }
        server = GunicornProcess("app:create_app()", env, workers=4, config=True, log_dir=workdir)
        try:
            latencies(server.url, 50)  # warm up every worker
            before = latencies(server.url, args.requests)
            outcomes: list = []
            hanging = [
                threading.Thread(target=hanging_callback, args=(server.url, outcomes, i))
                for i in range(args.callbacks)
            ]
            for thread in hanging:
                thread.start()
            time.sleep(1.0)  # every callback is now waiting on LWA
            during = latencies(server.url, args.requests)
            for thread in hanging:
                thread.join()
        finally:
            server.close()
            silent.close()
    print(f"GET / with {args.callbacks} callbacks hanging on LWA (gunicorn.conf.py: 4 workers, gthread)")
    print(f"{'':8} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'before':8} {statistics.median(before) * 1000:8.1f} {percentile(before, 0.99) * 1000:8.1f}")
    print(f"{'during':8} {statistics.median(during) * 1000:8.1f} {percentile(during, 0.99) * 1000:8.1f}")
    print(f"p99 ratio during/before: {percentile(during, 0.99) / percentile(before, 0.99):.2f}")
    statuses = sorted({status for status, _ in outcomes})
    longest = max(seconds for _, seconds in outcomes)
    waves = sorted({round(seconds / 5) * 5 for _, seconds in outcomes})
    print(f"callbacks: {len(outcomes)} answered, statuses {statuses}, longest {longest:.1f} s")
    print(f"callback durations rounded to 5 s: {waves}")
    # A bench that could not run its step fails: every callback must have been answered, by a
    # page (4xx/502), never a 500 or no answer, within the app's own deadline.
    bad = [status for status, _ in outcomes if not isinstance(status, int) or status >= 500 and status != 502]
    if len(outcomes) != args.callbacks or bad or longest > 30:
        print(
            f"FAILED: {len(outcomes)}/{args.callbacks} answered, bad statuses {bad}, longest {longest:.1f} s"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
