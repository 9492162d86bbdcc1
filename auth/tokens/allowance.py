"""An API key's per-minute rate, held fleet-wide: each process reserves uses from the database
in blocks (one conditional UPDATE per block, never beyond the rate) and spends them locally.

The uses themselves are still written in groups (``auth.tokens.usage``) for the audit trail;
admitting a request no longer depends on how late those groups are. A block is an eighth of what
is left of the minute (at most ``MAX_BLOCK``), so the fleet never serves more than the rate, and
what idle processes hold unspent at the end of a minute is a few uses at most.
"""

import threading

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.tokens.tables import ApiKeyWindow

MAX_BLOCK = 64
ATTEMPTS = 8


class Allowances:
    """What this process may still admit, per key and minute, without asking the database."""

    def __init__(self):
        self._lock = threading.Lock()
        self._left: dict[tuple[str, int], int] = {}

    def take(self, db: Session, key_id: str, window: int, rate: int) -> bool:
        """Admit one use of ``key_id`` in ``window`` (epoch minute); False when the rate is spent."""
        with self._lock:
            left = self._left.get((key_id, window), 0)
            if left > 0:
                self._left[(key_id, window)] = left - 1
                return True
        got = reserve(db, key_id, window, rate)
        if got <= 0:
            return False
        with self._lock:
            # Minutes gone by are forgotten: nothing can be spent in them any more.
            self._left = {k: v for k, v in self._left.items() if k[1] >= window}
            self._left[(key_id, window)] = self._left.get((key_id, window), 0) + got - 1
        return True


def reserve(db: Session, key_id: str, window: int, rate: int) -> int:
    """Reserve a block of the key's uses in ``window`` for this process; 0 when none are left.

    Commits at once (a commit point): other processes must see the reservation before they
    reserve in turn. A compare-and-set on ``reserved`` means two processes never both take the
    same uses.
    """
    where = (ApiKeyWindow.key_id == key_id, ApiKeyWindow.window == window)
    for _ in range(ATTEMPTS):
        reserved = db.execute(select(ApiKeyWindow.reserved).where(*where)).scalar()
        if reserved is None:
            try:
                with db.begin_nested():
                    db.execute(insert(ApiKeyWindow).values(key_id=key_id, window=window, count=0, reserved=0))
            except IntegrityError:  # another process opened the window first
                pass
            continue
        left = rate - reserved
        if left <= 0:
            db.commit()  # commit point: end the read of a spent window
            return 0
        block = max(1, min(MAX_BLOCK, left // 8))
        taken = db.execute(
            update(ApiKeyWindow)
            .where(*where, ApiKeyWindow.reserved == reserved)
            .values(reserved=reserved + block)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.commit()  # commit point: a reservation other workers must see at once
        if taken == 1:
            return block
    return 0
