"""`check --all` over many simulated authorizations against refreshing them one by one, in
the same run: LWA requests and wall time of each.

The simulated LWA is the app's own simulator served by gunicorn (4 workers, 2 with --quick,
SQLite); both
sides run in this process over the same stored authorizations: the check (paced, concurrent,
``auth.operations.check``) and, as the baseline, ``refresh_stored`` for each row in turn with a
forced refresh (what a loop over ``flask spapi refresh`` or a first token request does).

Run: .venv/bin/python bench/check.py [--quick] [--json]
(--quick: 100 authorizations, well under 30 s; default 1,000.)
"""

import argparse
import json
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402

from bench.harness import GunicornProcess  # noqa: E402

CONCURRENCY = 8
RATE = 1000  # the bench measures our side, not a pace LWA never published


def environment(directory: str) -> dict[str, str]:
    """A production-like set-up with the simulator on loopback, on an SQLite file."""
    return {
        "SPAPI_APPLICATION_ID": "amzn1.sp.solution.0bf296b5-36a6-4942-a13e-0123456789ab",
        "SPAPI_APP_STATUS": "draft",
        "LWA_CLIENT_ID": "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef",
        "LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1." + secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite",
        "SECRET_KEY": secrets.token_hex(32),
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SPAPI_INSTANCE_PATH": directory,
        "SPAPI_SIMULATOR": "1",
        "SPAPI_SIMULATOR_ON_LOOPBACK": "1",
        "LWA_TOKEN_URL": "",
    }


def seed(app, count: int) -> None:
    """``count`` partners self-authorize in the simulator; their tokens are stored."""
    from auth.vault.store import save_authorization
    from web.simulator.instance import amazon

    services = app.extensions["spapi"]
    with app.app_context():
        tokens = [(f"A1BENCH{n:07d}", amazon().self_authorize(f"A1BENCH{n:07d}")) for n in range(count)]
    with services.sessions() as db:
        for partner, token in tokens:
            save_authorization(
                db,
                services.vault,
                selling_partner_id=partner,
                region="NA",
                account_type="seller",
                workflow="self",
                refresh_token=token,
            )


class Requests:
    """Counts this process's requests to LWA, by outcome."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_outcome: dict[str, int] = {}

    def __call__(self, _grant_type: str, outcome: str) -> None:
        with self.lock:
            self.by_outcome[outcome] = self.by_outcome.get(outcome, 0) + 1

    def take(self) -> dict[str, int]:
        with self.lock:
            found, self.by_outcome = self.by_outcome, {}
        return found


def run_check(app) -> dict:
    from auth.operations.check import Checker

    services = app.extensions["spapi"]
    checker = Checker(
        services.sessions, services.vault, services.lwa, services.token_cache.shared, RATE, CONCURRENCY
    )
    started = time.perf_counter()
    results = checker.run()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "ok": sum(r.result == "ok" for r in results), "rows": len(results)}


def run_one_by_one(app) -> dict:
    from sqlalchemy import select

    from auth.clients.lwa import LwaError
    from auth.clients.refresh import refresh_stored
    from auth.vault.models import Authorization

    services = app.extensions["spapi"]
    started = time.perf_counter()
    ok = 0
    with services.sessions() as db:
        for row in list(db.scalars(select(Authorization).order_by(Authorization.id))):
            try:
                refresh_stored(db, services.vault, services.token_cache, row, force=True)
                ok += 1
            except LwaError:
                pass
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "ok": ok, "rows": ok}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 authorizations (< 30 s)")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    count = options.count or (100 if options.quick else 1000)

    from app import create_app
    from auth.clients import lwa

    with tempfile.TemporaryDirectory() as directory:
        env = environment(directory)
        from auth.vault.db import make_engine
        from auth.vault.schema import upgrade

        engine = make_engine(env["DATABASE_URL"])
        upgrade(engine)  # here, rather than in a `flask spapi db upgrade` process: faster
        engine.dispose()
        workers = 2 if options.quick else 4
        server = GunicornProcess(
            "app:create_app()", env, workers=workers, config=False, migrate=False, log_dir=directory
        )
        app = create_app({**env, "PUBLIC_URL": server.url, "TESTING": True})
        counter = Requests()
        lwa.OBSERVERS.append(counter)
        try:
            seed(app, count)
            counter.take()
            one_by_one = run_one_by_one(app) | {"lwa_requests": counter.take()}
            check = run_check(app) | {"lwa_requests": counter.take(), "concurrency": CONCURRENCY}
        finally:
            lwa.OBSERVERS.remove(counter)
            app.extensions["spapi"].engine.dispose()
            server.close()
    report = {
        "authorizations": count,
        "gunicorn_workers": workers,
        "check_all": check,
        "one_by_one": one_by_one,
        "speedup": round(one_by_one["seconds"] / check["seconds"], 2) if check["seconds"] else None,
    }
    if options.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{count} authorizations, simulated LWA under gunicorn ({report['gunicorn_workers']} workers)")
        for name in ("check_all", "one_by_one"):
            side = report[name]
            print(
                f"  {name:11s} {side['seconds']:7.2f} s  LWA requests {side['lwa_requests']}  ok {side['ok']}"
            )
        print(f"  check --all is {report['speedup']}x faster")
    return report


if __name__ == "__main__":
    main()
