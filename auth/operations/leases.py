"""Job leases in the database: each background job runs in one worker of the fleet at a time,
and at most once per period, however many workers are running.

Taking a lease is one conditional UPDATE (atomic on PostgreSQL, serialised on SQLite) that
succeeds only when nobody holds a live lease and the job's last run is a period old; a new
job's row is inserted once, and of two inserts one fails. A worker that dies while holding a
lease leaves it to expire (``hold`` seconds), then another worker takes over.
"""

import os
import secrets
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy import insert
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from auth.operations.tables import JobLease

# A period is met a little early: a job every 60 s whose last run began 59.5 s ago is due,
# or runs would drift later by the scheduler's own lateness each time.
SLACK = 1.0


class Leases:
    """Take and give back job leases for one worker (``owner``)."""

    def __init__(self, engine: Engine, clock=time.time):
        self.engine = engine
        self.clock = clock
        self.owner = f"{os.getpid()}-{secrets.token_hex(6)}"

    def take(self, name: str, every: float, hold: float) -> bool:
        """Take the lease of job ``name`` when it is free and its last run began at least
        ``every`` seconds ago; it is held at most ``hold`` seconds."""
        now = self.clock()
        started = datetime.fromtimestamp(now, UTC)
        due_before = started - timedelta(seconds=max(0.0, every - SLACK))
        statement = (
            update(JobLease)
            .where(JobLease.name == name)
            .where((JobLease.until.is_(None)) | (JobLease.until < now))
            .where((JobLease.last_run_at.is_(None)) | (JobLease.last_run_at <= due_before))
            .values(owner=self.owner, until=now + hold, last_run_at=started)
        )
        with self.engine.begin() as connection:
            if connection.execute(statement).rowcount == 1:
                return True
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(JobLease).values(
                        name=name, owner=self.owner, until=now + hold, last_run_at=started
                    )
                )
            return True
        except IntegrityError:
            return False  # the row exists: another worker holds the lease, or ran it lately

    def give_back(self, name: str, result: str) -> None:
        """Let the lease go, noting how the run went (no secret in ``result``)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(JobLease)
                .where(JobLease.name == name, JobLease.owner == self.owner)
                .values(owner=None, until=None, last_result=result[:300])
            )
