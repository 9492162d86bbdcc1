"""A process-wide count of changes to API keys and authorizations, so that what a process
keeps in memory about them is dropped the moment this process changes one (a revocation, a
deletion, a re-authorization) instead of when its snapshot would expire."""

import itertools
import threading

from sqlalchemy import event
from sqlalchemy.orm import Session

from auth.vault.models import ApiKey
from auth.vault.models import Authorization

WATCHED = (ApiKey, Authorization)
_counter = itertools.count(1)
_lock = threading.Lock()
_current = 0


def epoch() -> int:
    """The number of watched changes flushed by this process so far."""
    return _current


@event.listens_for(Session, "after_flush")
def _count_changes(session: Session, _context) -> None:
    global _current
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(item, WATCHED) for item in touched):
        with _lock:
            _current = next(_counter)
