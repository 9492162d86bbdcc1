"""Counting and recording API-key uses without a database round trip per request under load.

Each use is counted against its key's per-minute window and becomes one audit event. When the
process serves one request at a time, every use is written before the answer leaves (so a
revocation, a limit, the audit trail and "last used" are exact). When it serves several at
once, uses are written in groups, a group commit: at most ``FLUSH_EVERY`` uses or
``FLUSH_AFTER`` seconds late, one transaction per group. Admitting a request does not depend on
these writes: the per-key rate is held fleet-wide by ``auth.tokens.allowance``.
"""

import json
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.tokens.tables import ApiKeyWindow
from auth.vault.models import ApiKey
from auth.vault.models import AuditEvent

FLUSH_EVERY = 64
FLUSH_AFTER = 0.2
STALE_WINDOWS = 5


@dataclass
class Use:
    """One request of one key, as the audit trail will show it (never a secret)."""

    key_id: str
    operation: str
    outcome: str
    at: datetime
    selling_partner_id: str | None = None
    region: str | None = None
    detail: dict = field(default_factory=dict)

    @property
    def window(self) -> int:
        """The epoch minute the use counts in."""
        return int(self.at.timestamp() // 60)


class UsageBook:
    """The process's uses not yet written."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._pending: list[Use] = []
        self._oldest: float | None = None

    def add(self, use: Use) -> None:
        """Note one use (written at the next flush)."""
        with self._lock:
            if not self._pending:
                self._oldest = self.clock()
            self._pending.append(use)

    def due(self, busy: bool) -> bool:
        """True when the pending uses should be written now."""
        with self._lock:
            if not self._pending:
                return False
            return (
                not busy
                or len(self._pending) >= FLUSH_EVERY
                or (self._oldest is not None and self.clock() - self._oldest >= FLUSH_AFTER)
            )

    def flush(self, db: Session) -> None:
        """Write the pending uses in one transaction: window counts, audit events, last use."""
        with self._lock:
            uses, self._pending, self._oldest = self._pending, [], None
        if not uses:
            return
        try:
            if db.get_bind().dialect.name == "postgresql":
                # Uses are bookkeeping: PostgreSQL need not wait for the disk before answering
                # (a crash can lose the last fraction of a second of them, never corrupt them).
                db.execute(text("SET LOCAL synchronous_commit = off"))
            counts: dict[tuple[str, int], int] = {}
            for use in uses:
                counts[(use.key_id, use.window)] = counts.get((use.key_id, use.window), 0) + 1
            # Rows are always locked in one order (key, then window), so two processes writing
            # their groups at a minute's turn never wait for each other in a circle.
            for window_key, n in sorted(counts.items()):
                _add_to_window(db, *window_key, n)
            db.execute(insert(AuditEvent), [_event(use) for use in uses])
            last: dict[str, datetime] = {}
            for use in uses:
                last[use.key_id] = max(last.get(use.key_id, use.at), use.at)
            for key_id, at in last.items():
                db.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=at))
            db.commit()  # commit point: the writer thread's own session
        except Exception:
            db.rollback()
            with self._lock:  # nothing is lost: the uses wait for the next flush
                self._pending = uses + self._pending
            raise


def _add_to_window(db: Session, key_id: str, window: int, n: int) -> None:
    if _count_into(db, key_id, window, n):
        return
    try:
        with db.begin_nested():
            db.execute(insert(ApiKeyWindow).values(key_id=key_id, window=window, count=n))
        # Windows older than a few minutes are never written again: removing them cannot
        # contend with a late group still counting the previous minute.
        db.execute(
            ApiKeyWindow.__table__.delete().where(
                ApiKeyWindow.key_id == key_id, ApiKeyWindow.window < window - STALE_WINDOWS
            )
        )
    except IntegrityError:  # another process opened the window first
        _count_into(db, key_id, window, n)


def _count_into(db: Session, key_id: str, window: int, n: int) -> bool:
    """Add ``n`` to the window's count; False when the window has no row yet."""
    return (
        db.execute(
            update(ApiKeyWindow)
            .where(ApiKeyWindow.key_id == key_id, ApiKeyWindow.window == window)
            .values(count=ApiKeyWindow.count + n)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _event(use: Use) -> dict:
    detail = {"outcome": use.outcome, **use.detail}
    return {
        "at": use.at,
        "actor": f"api-key:{use.key_id}"[:40],
        "action": f"token:{use.operation}"[:40],
        "selling_partner_id": use.selling_partner_id,
        "region": use.region,
        "detail": json.dumps(detail, sort_keys=True, default=str),
    }


def now_utc() -> datetime:
    """The time of a use."""
    return datetime.now(UTC)
