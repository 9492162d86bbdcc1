"""Short-lived copies of what the token service read (keys, authorizations), for a process under
load: each copy lives ``SNAPSHOT_SECONDS`` at most and only while the change counter has not
moved (``auth.vault.changes``: a revocation or deletion in this process drops them at once)."""

import time

from auth.vault import changes

SNAPSHOT_SECONDS = 1.0
MAX_SNAPSHOTS = 10_000


class Snapshots:
    """A bounded map of copies that expire, and that a change anywhere in the process voids."""

    def __init__(self, clock=time.monotonic, lifetime: float = SNAPSHOT_SECONDS, limit: int = MAX_SNAPSHOTS):
        self.clock, self.lifetime, self.limit = clock, lifetime, limit
        self._copies: dict = {}

    def get(self, key):
        """The copy kept for ``key`` while it is fresh, else None."""
        found = self._copies.get(key)
        if found is None or found[1] <= self.clock() or found[2] != changes.epoch():
            return None
        return found[0]

    def put(self, key, value) -> None:
        """Keep ``value`` for ``key``; a full map starts again rather than grow without bound."""
        if len(self._copies) >= self.limit:
            self._copies.clear()
        self._copies[key] = (value, self.clock() + self.lifetime, changes.epoch())

    def drop(self, key) -> None:
        """Forget ``key`` (its row was found revoked)."""
        self._copies.pop(key, None)

    def __len__(self) -> int:
        return len(self._copies)
