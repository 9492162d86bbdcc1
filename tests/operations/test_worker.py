"""The worker's parts in one process: job leases on a real database, jobs that fail or meet a
database outage without ending the worker, and a stop that waits a bounded time."""

import threading
import time

import pytest
from sqlalchemy import text

from auth.operations.jobs import JobContext
from auth.operations.leases import Leases
from auth.operations.worker import Job
from auth.operations.worker import Worker
from auth.vault.db import make_engine

ON_BOTH_DATABASES = True


@pytest.fixture
def engine(app):
    return app.extensions["spapi"].engine


def context(app) -> JobContext:
    svc = app.extensions["spapi"]
    return JobContext(
        svc.settings, svc.sessions, svc.vault, svc.lwa, None, svc.client_secrets, svc.token_cache
    )


def test_one_lease_holder_at_a_time_and_once_per_period(engine):
    first, second = Leases(engine), Leases(engine)
    assert first.take("job", every=3600, hold=60)
    assert not second.take("job", every=3600, hold=60)  # held
    first.give_back("job", "done")
    assert not second.take("job", every=3600, hold=60)  # ran within the period
    assert second.take("job", every=0, hold=60)  # a period of 0: due again
    with engine.connect() as connection:
        row = connection.execute(text("SELECT owner, last_result FROM job_leases WHERE name = 'job'")).one()
    assert row.owner == second.owner and row.last_result == "done"


def test_a_dead_holders_lease_expires(engine):
    dead, alive = Leases(engine), Leases(engine)
    assert dead.take("job", every=0, hold=0.2)  # then it dies: never given back
    assert not alive.take("job", every=0, hold=60)
    time.sleep(0.3)
    assert alive.take("job", every=0, hold=60)


def test_failing_jobs_and_a_database_outage_do_not_end_the_worker(app, caplog):
    caplog.set_level("INFO", "spapi.worker")

    def broken(_ctx):
        raise ConnectionError("the receiver reset the connection")

    worker = Worker(context(app), [], Leases(app.extensions["spapi"].engine))
    assert worker.run_job(Job("broken", broken, every=0, hold=5)) == "failed: ConnectionError"
    assert worker.run_job(Job("fine", lambda _ctx: "did it", every=0, hold=5)) == "did it"
    gone = Worker(context(app), [], Leases(make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")))
    assert gone.run_job(Job("fine", lambda _ctx: "did it", every=0, hold=5)) is None
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("job broken: failed: ConnectionError") for m in messages)
    assert any("job fine: database unavailable (OperationalError)" in m for m in messages)


def test_a_stop_waits_for_the_running_job_within_the_grace(app):
    release = threading.Event()
    ctx = context(app)

    def slow(job_ctx):
        job_ctx.stopping.wait()  # a job that notices the stop, then finishes its step
        release.wait(5)
        return "finished its step"

    worker = Worker(
        ctx, [Job("slow", slow, every=3600, hold=60)], Leases(app.extensions["spapi"].engine), grace=2
    )
    result = {}
    serving = threading.Thread(target=lambda: result.setdefault("clean", worker.serve()))
    serving.start()
    time.sleep(1.0)
    started = time.monotonic()
    ctx.stopping.set()
    serving.join(5)
    assert result == {"clean": False} and 1.5 < time.monotonic() - started < 4  # gave up after the grace
    release.set()
    assert worker.wait_idle(5)
    engine = app.extensions["spapi"].engine
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the lease is given back after the job's last step
        with engine.connect() as connection:
            if connection.execute(text("SELECT owner FROM job_leases")).scalar() is None:
                break
        time.sleep(0.05)
    assert time.monotonic() < deadline


def test_sqs_and_webhook_outages_are_one_line_each(tmp_path, aws_environment, caplog):
    from app import create_app
    from auth.operations import jobs
    from auth.vault.outbox import record_event
    from tests.conftest import base_config

    caplog.set_level("INFO", "spapi.worker")
    app = create_app(
        base_config(
            tmp_path,
            # Nothing listens on port 9: the queue and the webhook receiver are down.
            SPAPI_ROTATION_QUEUE_URL="http://127.0.0.1:9/123456789012/rotation",
            SPAPI_WEBHOOK_URL="http://127.0.0.1:9/hook",
            SPAPI_WEBHOOK_SECRET="9f3c1a7e5b2d4c6e8a0f1b3d5c7e9a2b4d6f8a0c",
        )
    )
    with app.extensions["spapi"].sessions() as db:
        record_event(db, "authorization.deleted", selling_partner_id="A1DOWN", region="NA")
        db.commit()
    worker = Worker(context(app), [], Leases(app.extensions["spapi"].engine))
    assert worker.run_job(Job("read_notifications", jobs.read_notifications, every=0, hold=60)).startswith(
        "failed: "
    )
    assert worker.run_job(Job("deliver_events", jobs.deliver_events, every=0, hold=60)) == (
        "delivered 0, failed 1, dead 0"
    )
    assert worker.run_job(Job("announce_due", jobs.announce_due, every=0, hold=60)).startswith("0 due")
    lines = [r.getMessage() for r in caplog.records if r.name == "spapi.worker"]
    assert len(lines) == 3 and "webhook-secret" not in " ".join(lines)
    app.extensions["spapi"].engine.dispose()
