"""Reliability: N complete authorizations against gunicorn (4 gthread workers, the simulator on
loopback) on SQLite and on PostgreSQL, while a worker is killed with SIGKILL mid-run.

Prints, per database: flows/s, flows that ended on the success page, rows stored, rows that do
not decrypt, LWA token requests, and lost flows (reported as a success but not stored). The pass
line is ``0 lost`` with ``0 unreadable``.

Run: .venv/bin/python bench/soak.py [--flows N] [--threads T] [--seconds S]
"""

import argparse
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

from auth.vault.crypto import TokenVault  # noqa: E402
from auth.vault.db import make_engine  # noqa: E402
from auth.vault.db import make_sessions  # noqa: E402
from auth.vault.store import list_authorizations  # noqa: E402
from bench.harness import GunicornProcess  # noqa: E402
from tests.live import parse_form  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402


def one_flow(base: str, partner: str) -> bool:
    """Start, confirm on the simulated consent page, land; True on the success page."""
    browser = requests.Session()
    try:
        consent = browser.get(f"{base}/authorize?marketplace=US", timeout=30)
        form = parse_form(consent.text)
        fields = {**form["fields"], "decision": "confirm", "selling_partner_id": partner}
        landing = browser.post(urljoin(consent.url, form["action"]), data=fields, timeout=30)
        return landing.status_code == 200 and "You're connected" in landing.text
    except (requests.RequestException, IndexError, KeyError):
        return False
    finally:
        browser.close()


def soak(database_url: str, flows: int, threads: int, seconds: float, workdir: str) -> dict:
    """Run the flows on one database and count what happened."""
    keys = Fernet.generate_key().decode()
    env = {
        "SPAPI_SIMULATOR": "1",
        "SPAPI_SIMULATOR_ON_LOOPBACK": "1",
        "LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1." + secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "TOKEN_ENCRYPTION_KEYS": keys,
        "SPAPI_INSTANCE_PATH": workdir,
        "SPAPI_STATES_PER_MINUTE": "0",
    }
    server = GunicornProcess("app:create_app()", env, workers=4, config=True, log_dir=workdir)
    succeeded: set[str] = set()
    counter = iter(range(flows))
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker():
        while time.monotonic() < stop_at:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            partner = f"ASOAK{index:08d}"
            if one_flow(server.url, partner):
                with lock:
                    succeeded.add(partner)

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    time.sleep(min(2.0, seconds / 4))
    victim = server.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)  # a worker dies mid-run; the master starts another
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    logs = server.logs()
    server.close()

    engine = make_engine(database_url)
    vault = TokenVault((keys,))
    with make_sessions(engine)() as db:
        rows = list_authorizations(db)
        unreadable = 0
        for row in rows:
            try:
                vault.open(row.refresh_token_encrypted, row.selling_partner_id, row.region)
            except Exception:  # any failure to open is what we count
                unreadable += 1
    engine.dispose()
    stored = {row.selling_partner_id for row in rows}
    return {
        "flows/s": len(succeeded) / elapsed,
        "succeeded": len(succeeded),
        "stored": len(rows),
        "unreadable": unreadable,
        "lwa_requests": len(re.findall(r'"POST /simulator/api\.amazon\.com/auth/o2/token ', logs)),
        "lost": len(succeeded - stored),
        "killed_worker": victim,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0, help="stop starting flows after this long")
    args = parser.parse_args()
    postgres = PostgresServer()
    try:
        results = {}
        with tempfile.TemporaryDirectory() as sqlite_dir:
            results["sqlite"] = soak(
                f"sqlite:///{sqlite_dir}/soak.sqlite", args.flows, args.threads, args.seconds, sqlite_dir
            )
        with tempfile.TemporaryDirectory() as pg_dir:
            results["postgresql"] = soak(
                postgres.new_database(), args.flows, args.threads, args.seconds, pg_dir
            )
    finally:
        postgres.stop()
    columns = ("flows/s", "succeeded", "stored", "unreadable", "lwa req", "lost")
    print(f"{'database':11} " + " ".join(f"{c:>10}" for c in columns))
    for name, r in results.items():
        print(
            f"{name:11} {r['flows/s']:10.1f} {r['succeeded']:10d} {r['stored']:10d} {r['unreadable']:10d}"
            f" {r['lwa_requests']:10d} {r['lost']:10d}"
        )
    lost = sum(r["lost"] + r["unreadable"] for r in results.values())
    print(f"{lost} lost" + ("" if lost else " (pass)"))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
