"""flask spapi check and worker: every authorization's health, and the one background worker."""

import json
import logging
import os
import signal
import sys

import click
from flask.cli import with_appcontext

from web.cli.output import emit
from web.shared.services import services

USAGE_ERROR = 3  # 1 and 2 are check's answers (revoked, unreachable)


def checker(rate: int | None = None, concurrency: int | None = None):
    """A checker over this app's vault, LWA client and shared token cache."""
    from auth.operations.check import Checker

    svc = services()
    return Checker(
        svc.sessions,
        svc.vault,
        svc.lwa,
        svc.token_cache.shared,
        rate=rate or svc.settings.check_rate,
        concurrency=concurrency or svc.settings.check_concurrency,
    )


@click.command("check")
@click.option("--all", "check_all", is_flag=True, help="Every stored authorization (the default).")
@click.option("--partner", "partners", multiple=True, help="A selling partner ID (repeatable).")
@click.option("--rate", type=click.IntRange(1, 10_000), help="LWA requests a second (SPAPI_CHECK_RATE).")
@click.option("--concurrency", type=click.IntRange(1, 64), help="At once (SPAPI_CHECK_CONCURRENCY).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def check_command(check_all, partners, rate, concurrency, as_json) -> None:
    """Ask LWA for a fresh access token for each authorization and record its health.
    Exit 0: all ok; 1: any revoked; 2: any unreachable (and none revoked)."""
    from auth.operations.check import as_json as row_json
    from auth.operations.check import exit_code

    if check_all and partners:
        _usage("give --all or --partner, not both", as_json)
    from sqlalchemy.exc import SQLAlchemyError

    try:
        results = checker(rate, concurrency).run(list(partners) or None)
    except SQLAlchemyError as error:
        # Nothing could be checked: neither ok nor revoked, like an LWA outage (exit 2).
        message = f"the database is unavailable ({type(error).__name__}); nothing was checked"
        click.echo(json.dumps({"error": message}) if as_json else f"Error: {message}", err=not as_json)
        raise SystemExit(2) from None
    missing = sorted(set(partners) - {r.selling_partner_id for r in results})
    if missing:
        _usage(f"no stored authorization for {', '.join(missing)}", as_json)
    if not results and not as_json:
        click.echo("No authorizations stored yet.")
    emit(
        as_json,
        [row_json(r) for r in results],
        lambda r: f"{r['selling_partner_id']}\t{r['region']}\t{r['result']}\t{r['detail']}",
    )
    raise SystemExit(exit_code(results))


def _usage(message: str, as_json: bool) -> None:
    click.echo(json.dumps({"error": message}) if as_json else f"Error: {message}", err=not as_json)
    raise SystemExit(USAGE_ERROR)


@click.command("worker")
@click.option("--deliver-every", type=click.FloatRange(0.5, 3600), default=5, show_default=True)
@click.option("--notifications-every", type=click.FloatRange(1, 3600), default=20, show_default=True)
@click.option("--check-every", type=click.FloatRange(1, 7 * 86400), default=86400, show_default=True)
@click.option("--due-every", type=click.FloatRange(1, 7 * 86400), default=86400, show_default=True)
@with_appcontext
def worker_command(deliver_every, notifications_every, check_every, due_every) -> None:
    """Run all background work until SIGTERM: webhook delivery, the notifications queue, the
    daily health check and re-authorization reminders; safe to run on every instance."""
    from auth.operations.jobs import JobContext
    from auth.operations.leases import Leases
    from auth.operations.worker import Worker
    from auth.operations.worker import default_jobs

    _log_to_stderr()
    svc = services()
    ctx = JobContext(
        settings=svc.settings,
        sessions=svc.sessions,
        vault=svc.vault,
        lwa=svc.lwa,
        shared=svc.token_cache.shared,
        client_secrets=svc.client_secrets,
        token_cache=svc.token_cache,
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: ctx.stopping.set())
    worker = Worker(
        ctx, default_jobs(deliver_every, notifications_every, check_every, due_every), Leases(svc.engine)
    )
    if not worker.serve():
        # A job is stuck in a network call: leave without waiting for it (its lease expires,
        # and an event it was sending is sent again by the next worker: at least once).
        logging.shutdown()
        os._exit(0)


def _log_to_stderr() -> None:
    """One line per job run and delivery attempt on stderr (redacted, like every log)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # its own line per run repeats ours
