"""The token service as a fleet: 2 app processes x 4 gunicorn workers on one database, 256
concurrent cold callers asking for one authorization's access token through
``POST /api/lwa/o2/token``, against an LWA stand-in that answers after 100 ms and counts.

Prints, for PostgreSQL and for SQLite (one machine):
- LWA requests for the 256 callers (target 1), beside python-amazon-sp-api and amzn-sp-api
  asking LWA directly with the same 256 cold callers;
- a lease holder killed with SIGKILL in the middle of its LWA request: how long the others
  waited (target: within the lease, 15 s, plus one request) and the LWA requests made;
- requests per second of a cached access token through ``POST /api/v1/access-tokens`` and
  through ``POST /api/lwa/o2/token``, each as a ratio to a bare Flask JSON route served the
  same way (target at least 0.5).

Run: .venv/bin/python bench/fleet.py [--callers 256] [--requests 3000] [--rounds 3]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fleet_callers import HANDLE  # noqa: E402
from bench.fleet_callers import LATENCY  # noqa: E402
from bench.fleet_callers import PARTNER  # noqa: E402
from bench.fleet_callers import REGION  # noqa: E402
from bench.fleet_callers import counting_lwa  # noqa: E402
from bench.fleet_callers import direct_clients  # noqa: E402
from bench.fleet_callers import lwa_call  # noqa: E402
from bench.fleet_callers import post  # noqa: E402
from bench.fleet_callers import seed  # noqa: E402
from bench.fleet_callers import storm  # noqa: E402
from bench.flow import our_settings  # noqa: E402
from bench.harness import HEADER  # noqa: E402
from bench.harness import GunicornProcess  # noqa: E402
from bench.harness import ServerProcess  # noqa: E402
from bench.harness import ratio_rounds  # noqa: E402
from bench.tokens import install_libraries  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

# The waiters' bound: the lease (15 s) plus one LWA request (its 10 s deadline).
WAIT_BOUND = 15.0 + 10.0


def kill_failures(killed: dict, bound: float = WAIT_BOUND) -> list[str]:
    """Why the killed-lease-holder step does not prove anything, or missed its targets."""
    problems = []
    if killed["victim"] is None:
        problems.append("no lease holder was found to kill (the step did not run)")
    if killed["ok"] != killed["callers"]:
        problems.append(f"{killed['callers'] - killed['ok']} waiting callers got no token")
    if killed["slowest"] > bound:
        problems.append(f"the slowest waited {killed['slowest']:.1f} s, over the {bound:.0f} s bound")
    return problems


def worker_with_port(servers: list[GunicornProcess], port: int) -> int | None:
    """The gunicorn worker whose socket has local port ``port`` (the one LWA saw)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port:
            inodes.add(fields[9])
    for server in servers:
        for pid in server.worker_pids():
            try:
                links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
            except OSError:
                continue
            if any(f"socket:[{inode}]" in links for inode in inodes):
                return pid
    return None


def fleet_run(database_url: str, workdir: str, callers: int, lwa) -> dict:
    """The cold storm and the killed lease holder, on one database."""
    env = {**our_settings(lwa.url + "/auth/o2/token", workdir), "DATABASE_URL": database_url}
    apps = [GunicornProcess("app:create_app()", env, workers=4, config=True, log_dir=None)]
    apps.append(GunicornProcess("app:create_app()", {**env}, workers=4, config=True, migrate=False))
    try:
        key = seed({**os.environ, **env})
        urls = [a.url for a in apps]
        lwa_call(lwa, "/reset")
        started = time.monotonic()
        outcomes = storm(urls, key, callers)
        cold = {
            "lwa_requests": lwa_call(lwa, "/count")["count"],
            "ok": sum(1 for status, _ in outcomes if status == 200),
            "seconds": time.monotonic() - started,
        }
        # Killing the lease holder: forget the token everywhere, make LWA hang the next request.
        forget = "DELETE FROM shared_access_tokens"
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"from sqlalchemy import text; from auth.vault.db import make_engine; "
                f"e = make_engine({database_url!r}); c = e.connect(); c.execute(text({forget!r})); c.commit()",
            ],
            cwd=Path(__file__).resolve().parent.parent,
            check=True,
        )
        for server in apps:  # a fresh first tier in every worker: restart them all
            os.kill(server.pid, signal.SIGHUP)
        time.sleep(3)
        lwa_call(lwa, "/reset")
        lwa_call(lwa, "/hang-next")
        results: list[tuple[int, float]] = []
        runner = threading.Thread(target=lambda: results.extend(storm(urls, key, 32)))
        started = time.monotonic()
        runner.start()
        victim = None
        # A loaded machine may take a while to bring the restarted workers to LWA.
        while victim is None and time.monotonic() - started < 30:
            time.sleep(0.05)
            port = lwa_call(lwa, "/count")["port"]
            victim = worker_with_port(apps, port) if port else None
        if victim:
            os.kill(victim, signal.SIGKILL)
        runner.join()
        # Callers whose request was inside the killed worker lose their connection with it
        # (status 0); every other caller must get its token.
        survivors = [(status, seconds) for status, seconds in results if status != 0]
        killed = {
            "victim": victim,
            "ok": sum(1 for status, _ in survivors if status == 200),
            "callers": len(survivors),
            "lost_with_worker": len(results) - len(survivors),
            "slowest": max(seconds for _, seconds in survivors) if survivors else 0.0,
            "lwa_requests": lwa_call(lwa, "/count")["count"],
        }
        return {"cold": cold, "killed": killed}
    finally:
        for server in apps:
            server.close()


def hot_path(database_url: str, workdir: str, lwa, requests: int, rounds: int) -> dict:
    """Cached-token requests a second, as ratios to a bare Flask JSON route served alike."""
    env = {**our_settings(lwa.url + "/auth/o2/token", workdir), "DATABASE_URL": database_url}
    ours = GunicornProcess("app:create_app()", env, workers=4, config=True)
    bare = GunicornProcess(
        "bench.baseline:app", {}, workers=4, config=True, migrate=False, ready_path="/json"
    )
    try:
        key = seed({**os.environ, **env})
        form = urlencode(
            {
                "grant_type": "refresh_token",
                "refresh_token": HANDLE,
                "client_id": key[0],
                "client_secret": key[1],
            }
        ).encode()
        form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
        api_body = json.dumps({"selling_partner_id": PARTNER, "region": REGION}).encode()
        api_headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key[0]}.{key[1]}"}
        post(ours.url, "/api/v1/access-tokens", api_body, api_headers, 50)  # warm every tier
        baseline = lambda: post(bare.url, "/json", b"{}", {"Content-Type": "application/json"}, requests)  # noqa: E731
        return {
            "POST /api/v1/access-tokens": ratio_rounds(
                lambda: post(ours.url, "/api/v1/access-tokens", api_body, api_headers, requests),
                baseline,
                rounds,
            ),
            "POST /api/lwa/o2/token": ratio_rounds(
                lambda: post(ours.url, "/api/lwa/o2/token", form, form_headers, requests), baseline, rounds
            ),
        }
    finally:
        ours.close()
        bare.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callers", type=int, default=256)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="32 callers, 200 requests, 1 round, no third-party clients"
    )
    args = parser.parse_args()
    if args.quick:
        args.callers, args.requests, args.rounds = 32, 200, 1
    lwa = ServerProcess(counting_lwa)
    postgres = PostgresServer()
    scratch = install_libraries() if not args.quick else Path(tempfile.mkdtemp(prefix="spapi-bench-libs-"))
    results, hot = {}, {}
    try:
        # The suite's quick run keeps to SQLite: fewer processes beside the rest of the suite.
        if not args.quick:
            with tempfile.TemporaryDirectory() as work:
                results["postgresql"] = fleet_run(postgres.new_database(), work, args.callers, lwa)
        with tempfile.TemporaryDirectory() as work:
            results["sqlite"] = fleet_run(f"sqlite:///{work}/fleet.sqlite", work, args.callers, lwa)
        direct = {} if args.quick else direct_clients(args.callers, lwa, scratch)
        if not args.quick:
            with tempfile.TemporaryDirectory() as work:
                hot["postgresql"] = hot_path(postgres.new_database(), work, lwa, args.requests, args.rounds)
        with tempfile.TemporaryDirectory() as work:
            hot["sqlite"] = hot_path(f"sqlite:///{work}/hot.sqlite", work, lwa, args.requests, args.rounds)
    finally:
        postgres.stop()
        lwa.close()
    print(
        f"{args.callers} concurrent cold callers for one authorization, LWA stand-in latency {LATENCY * 1000:.0f} ms"
    )
    print(f"{'who':46} {'LWA requests':>12} {'200s':>6}")
    for db, r in results.items():
        print(
            f"{'spapi-auth, 2 processes x 4 workers, ' + db:46} {r['cold']['lwa_requests']:12d} {r['cold']['ok']:6d}"
        )
    for name, count in direct.items():
        print(f"{name + ' directly to LWA':46} {count:12d}")
    print("\nLease holder killed (SIGKILL) mid-request, 32 callers waiting:")
    for db, r in results.items():
        k = r["killed"]
        print(
            f"  {db:10} killed pid {k['victim']} ({k['lost_with_worker']} requests died with it); "
            f"{k['ok']}/{k['callers']} others got a token, slowest {k['slowest']:.1f} s, LWA requests {k['lwa_requests']}"
        )
    print("\nCached-token throughput, ratio to a bare Flask JSON route (4 gunicorn workers each):")
    print(HEADER)
    for db, rows in hot.items():
        for name, ratio in rows.items():
            print(ratio.row(f"{name} ({db})"))
    failed = [db for db, r in results.items() if r["cold"]["lwa_requests"] != 1]
    for db, r in results.items():
        # A quick run shares the machine with the rest of the suite: it proves the waiters are
        # released (twice the bound); the 25 s bound itself is judged by a full run.
        for problem in kill_failures(r["killed"], WAIT_BOUND * (2 if args.quick else 1)):
            print(f"  {db}: lease-holder step FAILED: {problem}")
            failed.append(db)
    slow = [f"{n} ({db})" for db, rows in hot.items() for n, r in rows.items() if r.median < 0.5]
    print(
        "\ntarget 1 LWA request, waiters within the bound:",
        "met" if not failed else f"MISSED on {sorted(set(failed))}",
    )
    if args.quick:
        # A quick run proves every step ran (the LWA count and the kill are exact); the ratio
        # is judged by a full run only.
        broken = [f"{n} ({db})" for db, rows in hot.items() for n, r in rows.items() if not r.median > 0]
        print("quick mode: ratio not judged", f"; FAILED: nothing measured for {broken}" if broken else "")
        return 1 if failed or broken else 0
    print("target ratio >= 0.5:", "met" if not slow else f"MISSED for {slow}")
    return 1 if failed or slow else 0


if __name__ == "__main__":
    sys.exit(main())
