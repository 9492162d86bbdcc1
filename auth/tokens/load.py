"""Is this process under load? A request in flight beside others, or a steady stream (another
request began within ``STREAM_GAP``), makes the token service serve snapshots and group its
writes; a process serving one request at a time reads and writes everything every time."""

import threading
import time
from contextlib import contextmanager

STREAM_GAP = 0.05


class LoadMeter:
    """Counts the requests in flight; ``busy()`` answers for the current thread's request."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._in_flight = 0
        self._last_start = 0.0
        self._local = threading.local()

    @contextmanager
    def serving(self):
        """Count one request for as long as it is served."""
        with self._lock:
            self._in_flight += 1
            now = self.clock()
            self._local.under_load = self._in_flight > 1 or now - self._last_start < STREAM_GAP
            self._last_start = now
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1

    def busy(self) -> bool:
        """True when the current request was served under load."""
        return getattr(self._local, "under_load", False)
