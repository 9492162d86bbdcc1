"""Reliability: N complete authorizations against gunicorn (4 gthread workers, the simulator on
loopback) on SQLite and on PostgreSQL, under a fault in the middle of the run:

- ``kill``: a worker is killed with SIGKILL;
- ``db-stop``: the database stops answering for a while: PostgreSQL refuses every connection
  (and its open ones are ended) for ``--db-seconds``; SQLite's write lock is held by another
  process for longer than the app's 15 s busy timeout.

Prints, per database: flows/s, flows that ended on the success page, rows stored, rows that do
not decrypt, LWA token requests, HTTP 500 answers, and lost flows (reported as a success but not
stored). The pass line is ``0 lost`` with ``0 unreadable`` and ``0 HTTP 500``.

Run: .venv/bin/python bench/soak.py [--flows N] [--threads T] [--seconds S]
     [--fault kill|db-stop] [--database sqlite|postgresql|both] [--db-seconds S]
"""

import argparse
import os
import re
import secrets
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
import requests  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

from auth.vault.crypto import TokenVault  # noqa: E402
from auth.vault.db import make_engine  # noqa: E402
from auth.vault.db import make_sessions  # noqa: E402
from auth.vault.store import list_authorizations  # noqa: E402
from bench.harness import GunicornProcess  # noqa: E402
from tests.live import parse_form  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402


def one_flow(base: str, partner: str, statuses: list[int]) -> bool:
    """Start, confirm on the simulated consent page, land; True on the success page. Every
    status seen on the way (redirects included) is appended to ``statuses``."""
    browser = requests.Session()
    browser.hooks["response"].append(lambda r, *a, **k: statuses.append(r.status_code))
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


class DatabaseStop:
    """The database stops answering for ``seconds``, then comes back (in a thread)."""

    def __init__(self, database_url: str, seconds: float, postgres: PostgresServer | None):
        self.database_url, self.seconds, self.postgres = database_url, seconds, postgres
        self.thread = threading.Thread(target=self._guarded)
        self.error: BaseException | None = None

    def start(self) -> None:
        self.thread.start()

    def join(self) -> None:
        """Wait for the database to come back; a fault that could not be applied fails the run."""
        self.thread.join()
        if self.error is not None:
            raise SystemExit(f"the db-stop fault could not run ({self.error!r}): this run proves nothing")

    def _guarded(self) -> None:
        try:
            self._run()
        except Exception as error:  # reported by join(): the bench must not pass without its fault
            self.error = error

    def _run(self) -> None:
        if self.database_url.startswith("sqlite"):
            holder = sqlite3.connect(self.database_url.split("///", 1)[1], isolation_level=None, timeout=30)
            holder.execute("BEGIN EXCLUSIVE")  # longer than the app's busy timeout
            time.sleep(self.seconds)
            holder.rollback()
            holder.close()
            return
        name = urlsplit(self.database_url).path.lstrip("/")
        with psycopg.connect(self.postgres.url("postgres", driver=False), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )
            time.sleep(self.seconds)
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def soak(
    database_url: str,
    flows: int,
    threads: int,
    seconds: float,
    workdir: str,
    fault: str = "kill",
    db_seconds: float = 5.0,
    postgres: PostgresServer | None = None,
) -> dict:
    """Run the flows on one database under ``fault`` and count what happened."""
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
    statuses: list[int] = []
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
            if one_flow(server.url, partner, statuses):
                with lock:
                    succeeded.add(partner)

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    time.sleep(min(2.0, seconds / 4))
    victim, stop = None, None
    if fault == "kill":
        pids = server.worker_pids()
        if not pids:
            raise SystemExit("the kill fault found no worker to kill: this run proves nothing")
        victim = pids[0]
        os.kill(victim, signal.SIGKILL)  # a worker dies mid-run; the master starts another
    else:
        stop = DatabaseStop(database_url, db_seconds, postgres)
        stop.start()
    for thread in pool:
        thread.join()
    if stop is not None:
        stop.join()
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
        "http_500": sum(1 for status in statuses if status >= 500 and status != 503 and status != 502),
        "http_503": statuses.count(503),
        "killed_worker": victim,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0, help="stop starting flows after this long")
    parser.add_argument("--fault", choices=("kill", "db-stop"), default="kill")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--db-seconds",
        type=float,
        default=None,
        help="how long the database stops (default: 5 s, SQLite 17 s)",
    )
    parser.add_argument("--quick", action="store_true", help="30 flows on SQLite, a worker killed")
    args = parser.parse_args()
    if args.quick:
        args.flows, args.threads, args.seconds, args.database = 30, 4, 15.0, "sqlite"
    postgres = PostgresServer() if args.database in ("postgresql", "both") else None
    options = dict(fault=args.fault, postgres=postgres)
    try:
        results = {}
        if args.database in ("sqlite", "both"):
            with tempfile.TemporaryDirectory() as sqlite_dir:
                results["sqlite"] = soak(
                    f"sqlite:///{sqlite_dir}/soak.sqlite",
                    args.flows,
                    args.threads,
                    args.seconds,
                    sqlite_dir,
                    db_seconds=args.db_seconds or 17.0,  # past the 15 s busy timeout
                    **options,
                )
        if postgres is not None:
            with tempfile.TemporaryDirectory() as pg_dir:
                results["postgresql"] = soak(
                    postgres.new_database(),
                    args.flows,
                    args.threads,
                    args.seconds,
                    pg_dir,
                    db_seconds=args.db_seconds or 5.0,
                    **options,
                )
    finally:
        if postgres is not None:
            postgres.stop()
    columns = ("flows/s", "succeeded", "stored", "unreadable", "lwa req", "HTTP 500", "HTTP 503", "lost")
    print(f"fault: {args.fault}")
    print(f"{'database':11} " + " ".join(f"{c:>10}" for c in columns))
    for name, r in results.items():
        print(
            f"{name:11} {r['flows/s']:10.1f} {r['succeeded']:10d} {r['stored']:10d} {r['unreadable']:10d}"
            f" {r['lwa_requests']:10d} {r['http_500']:10d} {r['http_503']:10d} {r['lost']:10d}"
        )
    lost = sum(r["lost"] + r["unreadable"] for r in results.values())
    errors = sum(r["http_500"] for r in results.values())
    print(f"{lost} lost, {errors} HTTP 500" + ("" if lost or errors else " (pass)"))
    return 1 if lost or errors else 0


if __name__ == "__main__":
    sys.exit(main())
