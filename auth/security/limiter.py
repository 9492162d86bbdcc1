"""A limit on failed log-in attempts per client address."""

import threading
import time
from collections import deque


class LoginLimiter:
    """At most ``limit`` failed attempts per ``window`` seconds for each client address."""

    def __init__(self, limit: int = 5, window: float = 60.0, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def blocked_for(self, client: str) -> float:
        """Seconds until ``client`` may try again (0 when it may now)."""
        with self._lock:
            failures = self._recent(client)
            if len(failures) < self.limit:
                return 0.0
            return max(0.0, failures[0] + self.window - self.clock())

    def failed(self, client: str) -> None:
        """Record a failed attempt."""
        with self._lock:
            self._recent(client).append(self.clock())

    def succeeded(self, client: str) -> None:
        """Forget the client's failures."""
        with self._lock:
            self._failures.pop(client, None)

    def _recent(self, client: str) -> deque:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] <= self.clock() - self.window:
            failures.popleft()
        if len(self._failures) > 10_000:  # bound memory under a spray of addresses
            self._failures = {client: failures}
        return failures
