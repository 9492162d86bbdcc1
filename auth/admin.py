"""The console administrator: password hashes and a limit on log-in attempts."""

import threading
import time
from collections import deque

from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

HASH_PREFIXES = ("scrypt:", "pbkdf2:")


def hash_password(password: str) -> str:
    """Return a salted scrypt hash for ``ADMIN_PASSWORD_HASH``."""
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against the configured hash (False when none is configured)."""
    if not password_hash or not password_hash.startswith(HASH_PREFIXES):
        return False
    try:
        return check_password_hash(password_hash, password)
    except ValueError:  # a malformed hash: refuse, never crash the log-in page
        return False


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
