"""The fleet-wide throttle of one credential, in the database: one check at a time (a claim),
no new check within the cool-down, and Amazon's calls spaced one second apart."""

import math
import time

from sqlalchemy import or_
from sqlalchemy import update
from sqlalchemy.orm import Session

from auth.associates.tables import AssociatesCredential
from auth.errors import AppError

# Seconds between calls: Amazon allows about one request a second per account; the tenth
# more keeps network jitter from landing two calls inside one of Amazon's seconds.
INTERVAL = 1.1
HOLD = 60.0  # a claim lapses after this long, so a crashed worker cannot block the credential


class Wait(AppError):
    """Another check of this credential runs or ran too recently; retry in ``seconds``."""

    status = 429
    kind = "rate_limited"

    def __init__(self, seconds: int, running: bool):
        reason = "A check of this credential is running" if running else "This credential was just checked"
        super().__init__(f"{reason}: wait {seconds} s before checking it again.")
        self.seconds = seconds
        self.running = running
        self.retry_after = float(seconds)


def claim(db: Session, credential_id: int, cooldown: float, now: float | None = None) -> float:
    """Take the credential for one check (one conditional UPDATE, so two workers cannot both
    win); return the claim's token (its start time).

    :raises Wait: with how long until a check may start.
    """
    now = time.time() if now is None else now
    table = AssociatesCredential
    taken = db.execute(
        update(table)
        .where(table.id == credential_id)
        .where(or_(table.busy_until.is_(None), table.busy_until <= now))
        .where(or_(table.check_started_at.is_(None), table.check_started_at <= now - cooldown))
        .values(busy_until=now + HOLD, check_started_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.commit()  # commit point: a throttle's claim that other workers must see at once
    if taken == 1:
        return now
    row = db.get(table, credential_id)
    db.refresh(row)
    # Another worker's claim may have started after this one read the clock.
    now = max(now, row.check_started_at or now)
    running = bool(row.busy_until and row.busy_until > now)
    # A running check takes a second or two (its claim's HOLD is only a crash guard), then
    # the cool-down counts from its start.
    ready = max(now + 1 if running else now, (row.check_started_at or now) + cooldown)
    raise Wait(max(1, math.ceil(ready - now)), running)


def release(db: Session, credential_id: int, started: float) -> None:
    """End this check's claim (only its own: a lapsed claim taken over stays with its owner)."""
    table = AssociatesCredential
    db.execute(
        update(table)
        .where(table.id == credential_id, table.check_started_at == started)
        .values(busy_until=None)
        .execution_options(synchronize_session=False)
    )
    db.commit()  # commit point: a throttle's release that other workers must see at once


def reserve_call(db: Session, credential_id: int, sleep=time.sleep) -> float:
    """Wait for this credential's next call slot, fleet-wide; return when the call may go.

    The slot is taken by a compare-and-set on ``next_call_at``: of two workers reading the
    same value only one moves it, the other reads again and takes the following slot.
    """
    table = AssociatesCredential
    while True:
        current = db.get(table, credential_id)
        db.refresh(current)
        seen = current.next_call_at
        now = time.time()
        slot = max(seen or 0.0, now)
        condition = table.next_call_at.is_(None) if seen is None else table.next_call_at == seen
        moved = db.execute(
            update(table)
            .where(table.id == credential_id, condition)
            .values(next_call_at=slot + INTERVAL)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.commit()  # commit point: a throttle's slot that other workers must see at once
        if moved == 1:
            if slot > now:
                sleep(slot - now)
            return slot


def after_call(db: Session, credential_id: int) -> None:
    """Count the spacing from the answer too: the next call waits a full interval after this
    one ended, so a slow network cannot bunch two arrivals at Amazon into one second."""
    table = AssociatesCredential
    earliest = time.time() + INTERVAL
    db.execute(
        update(table)
        .where(table.id == credential_id)
        .where(or_(table.next_call_at.is_(None), table.next_call_at < earliest))
        .values(next_call_at=earliest)
        .execution_options(synchronize_session=False)
    )
    db.commit()  # commit point: a throttle's cool-down that other workers must see at once
