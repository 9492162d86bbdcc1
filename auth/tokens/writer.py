"""Writing API-key uses: grouped in memory (``auth.tokens.usage``), written after a request when
due, and by a background thread once they are ``FLUSH_AFTER`` old, so that a burst followed by
silence is written without waiting for the next request. The thread stops cleanly (``stop()``,
and at interpreter exit) after a last write."""

import atexit
import logging
import threading
import time
import weakref

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from auth.tokens.usage import FLUSH_AFTER
from auth.tokens.usage import UsageBook
from auth.tokens.usage import Use

log = logging.getLogger(__name__)
_WRITERS: "weakref.WeakSet[UseWriter]" = weakref.WeakSet()


class UseWriter:
    """The uses of one process, and when they reach the database."""

    def __init__(self, sessions=None, clock=time.monotonic):
        self.book = UsageBook(clock)
        self.sessions = sessions  # for the background thread (None: only after requests)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        _WRITERS.add(self)

    def record(self, use: Use) -> None:
        """Count one use (fleet-wide once written)."""
        self.book.add(use)

    def after_request(self, db: Session, busy: bool) -> None:
        """Write now when due (always when idle), else make sure the background thread runs."""
        if self.book.due(busy):
            self.write_quietly(db)
        elif self.sessions is not None:
            self._start()

    def write_quietly(self, db: Session) -> None:
        """Write the pending uses; a failed write (a deadlock, a lost connection) keeps them for
        the next one instead of failing a request whose token was already handed out."""
        try:
            self.book.flush(db)
        except SQLAlchemyError as error:
            log.warning("API-key uses kept for the next write: %s", type(error).__name__)

    def write(self, db: Session) -> None:
        """Write every pending use now."""
        self.book.flush(db)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the background thread after one last write."""
        self._stopping.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _start(self) -> None:
        with self._lock:
            if self._stopping.is_set() or (self._thread is not None and self._thread.is_alive()):
                return
            self._thread = threading.Thread(target=self._run, name="api-key-uses", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(FLUSH_AFTER / 4):
            if self.book.due(busy=True):
                self._write_in_own_session()
        self._write_in_own_session()  # what the last requests left

    def _write_in_own_session(self) -> None:
        try:
            with self.sessions() as db:
                self.write_quietly(db)
        except SQLAlchemyError as error:  # the database is gone: the uses stay counted here
            log.warning("API-key uses not written at stop: %s", type(error).__name__)


@atexit.register
def _stop_all() -> None:
    for writer in list(_WRITERS):
        writer.stop()
