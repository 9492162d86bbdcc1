"""``flask spapi worker``: one long-running process for all background work, scheduled by
APScheduler, each job run by one worker of the fleet at a time (``auth.operations.leases``).

Every job is wrapped so that nothing it raises ends the process: an LWA, SQS, webhook or
database outage is one log line and the next round tries again. A stop (SIGTERM) lets the
running jobs finish their current unit of work, for at most ``STOP_GRACE`` seconds.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from auth.operations import jobs
from auth.operations.jobs import JobContext
from auth.operations.leases import Leases

log = logging.getLogger("spapi.worker")
STOP_GRACE = 8.0  # below the 10 s a supervisor (systemd, Kubernetes) gives before SIGKILL
POLL_MAX = 60.0  # how often a worker asks whether a long-period job is due


@dataclass(frozen=True)
class Job:
    """A job, how often it runs fleet-wide, and how long its lease may be held."""

    name: str
    run: Callable[[JobContext], str]
    every: float
    hold: float


def default_jobs(
    deliver_every: float = 5,
    notifications_every: float = 20,
    check_every: float = 86400,
    due_every: float = 86400,
) -> list[Job]:
    """The four jobs of today's three cron commands plus the daily check."""
    return [
        Job("deliver_events", jobs.deliver_events, deliver_every, hold=120),
        Job("read_notifications", jobs.read_notifications, notifications_every, hold=120),
        Job("check_health", jobs.check_health, check_every, hold=3600),
        Job("announce_due", jobs.announce_due, due_every, hold=600),
    ]


class Worker:
    """Runs ``jobs`` until stopped."""

    def __init__(self, ctx: JobContext, job_list: list[Job], leases: Leases, grace: float = STOP_GRACE):
        self.ctx = ctx
        self.jobs = job_list
        self.leases = leases
        self.grace = grace
        self._running = 0
        self._idle = threading.Condition()

    def run_job(self, job: Job) -> str | None:
        """Run ``job`` if this worker gets its lease; return its line (None: not this worker's turn)."""
        if self.ctx.stopping.is_set():
            return None
        try:
            if not self.leases.take(job.name, job.every, job.hold):
                return None
        except SQLAlchemyError as error:
            log.warning(
                "job %s: database unavailable (%s), next round retries", job.name, type(error).__name__
            )
            return None
        with self._idle:
            self._running += 1
        started = time.monotonic()
        try:
            result = job.run(self.ctx)
        except Exception as error:  # an outage of whatever the job talks to: the worker stays
            result = f"failed: {type(error).__name__}"
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()
        log.info("job %s: %s (%.1f s)", job.name, result, time.monotonic() - started)
        try:
            self.leases.give_back(job.name, result)
        except SQLAlchemyError as error:
            log.warning("job %s: lease not given back (%s); it expires", job.name, type(error).__name__)
        return result

    def serve(self) -> bool:
        """Schedule the jobs and block until ``ctx.stopping`` is set; True when every running
        job finished within the grace period."""
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max(1, len(self.jobs)))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone="UTC",
        )
        for job in self.jobs:
            scheduler.add_job(
                self.run_job,
                IntervalTrigger(seconds=min(job.every, POLL_MAX)),
                args=[job],
                id=job.name,
                next_run_time=_now(),
            )
        scheduler.start()
        log.info("worker started: %s", ", ".join(f"{j.name} every {j.every:g} s" for j in self.jobs))
        while not self.ctx.stopping.wait(1.0):  # woken at once by a signal handler's set()
            pass
        scheduler.shutdown(wait=False)
        clean = self.wait_idle(self.grace)
        log.info("worker stopped%s", "" if clean else " with a job unfinished (its lease expires)")
        return clean

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no job runs, at most ``timeout`` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout)


def _now() -> datetime:
    return datetime.now(UTC)
