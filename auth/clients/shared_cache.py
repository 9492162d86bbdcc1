"""The fleet-wide tier of the access-token cache: one LWA request per refresh token (or
grantless scope) per token lifetime, however many workers and app instances share the database.

Each cached token lives in ``shared_access_tokens``, sealed with the vault's keys. A process
that finds no usable token takes the row's *lease* with one conditional UPDATE (atomic on
PostgreSQL and on SQLite, which serialises writers), asks LWA, stores the token and lets the
lease go; the others poll the row until the token is there. A lease holder that dies (SIGKILL
in the middle of the request) is covered by the lease's expiry: the next caller takes over.
"""

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from auth.clients.lwa import LwaError
from auth.clients.tables import SharedAccessToken
from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.crypto import digest

LEASE_SECONDS = 15.0  # well above one LWA request (10 s deadline), well below a token's hour
POLL_FIRST, POLL_MAX = 0.02, 0.25
OWNER = "token-cache"  # the seal's owner field (see TokenVault.seal)
MAX_WAIT = LEASE_SECONDS + 15.0  # a waiter gives up after one lease and one more request
UNREADABLE = object()


@dataclass(frozen=True)
class SharedToken:
    """A token read from (or just written to) the shared tier."""

    access_token: str
    expires_at: float  # epoch seconds
    fetched: bool  # True when this process asked LWA for it


class SharedTokenStore:
    """The database tier: read a live token, or lead or wait for the one request to LWA."""

    def __init__(self, engine: Engine, vault: TokenVault, clock: Callable[[], float] = time.time):
        self.engine = engine
        self.vault = vault
        self.clock = clock
        self.owner = f"{os.getpid()}-{secrets.token_hex(6)}"

    def obtain(self, key: str, fetch: Callable[[], tuple[str, int]], margin: float) -> SharedToken:
        """A token for ``key`` good for more than ``margin`` seconds: from the database, or
        from ``fetch()`` (returning ``(access_token, expires_in)``) under the lease."""
        key_hash = digest(key)
        pause = POLL_FIRST
        give_up = self.clock() + MAX_WAIT
        while True:
            now = self.clock()
            cached = self._read(key_hash, now, margin)
            if isinstance(cached, SharedToken):
                return cached
            if self._take_lease(key_hash, now, margin, unreadable=cached is UNREADABLE):
                try:
                    access_token, expires_in = fetch()
                except BaseException:
                    self._release(key_hash)
                    raise
                expires_at = self.clock() + expires_in
                self._store(key_hash, access_token, expires_at)
                return SharedToken(access_token, expires_at, fetched=True)
            if now > give_up:
                raise LwaError("timeout", "another process's token request did not finish")
            time.sleep(pause)
            pause = min(POLL_MAX, pause * 2)

    def forget(self, key: str) -> None:
        """Drop the cached token of ``key`` (a revoked refresh token, a forced refresh)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(SharedAccessToken)
                .where(SharedAccessToken.key_hash == digest(key))
                .values(sealed=None, expires_at=None)
            )

    def _read(self, key_hash: str, now: float, margin: float):
        """The live token; UNREADABLE for one sealed under a key no longer configured; else None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(SharedAccessToken.sealed, SharedAccessToken.expires_at).where(
                    SharedAccessToken.key_hash == key_hash
                )
            ).first()
        if row is None or row.sealed is None or row.expires_at is None or row.expires_at - margin <= now:
            return None
        try:
            return SharedToken(self.vault.open(row.sealed, OWNER, key_hash), row.expires_at, fetched=False)
        except VaultError:
            return UNREADABLE  # sealed under a key no longer configured: ask LWA again

    def _take_lease(self, key_hash: str, now: float, margin: float, unreadable: bool = False) -> bool:
        """Take the lease if nobody holds a live one and no usable token is stored."""
        statement = (
            update(SharedAccessToken)
            .where(SharedAccessToken.key_hash == key_hash)
            .where((SharedAccessToken.lease_until.is_(None)) | (SharedAccessToken.lease_until < now))
            .values(lease_owner=self.owner, lease_until=now + LEASE_SECONDS)
        )
        if not unreadable:
            statement = statement.where(
                (SharedAccessToken.expires_at.is_(None)) | (SharedAccessToken.expires_at - margin <= now)
            )
        with self.engine.begin() as connection:
            taken = connection.execute(statement).rowcount
            if taken == 1:
                return True
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(SharedAccessToken).values(
                        key_hash=key_hash, lease_owner=self.owner, lease_until=now + LEASE_SECONDS
                    )
                )
            return True
        except IntegrityError:
            return False  # the row exists: someone else holds the lease, or a token arrived

    def _store(self, key_hash: str, access_token: str, expires_at: float) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(SharedAccessToken)
                .where(SharedAccessToken.key_hash == key_hash)
                .values(
                    sealed=self.vault.seal(OWNER, key_hash, access_token),
                    expires_at=expires_at,
                    lease_owner=None,
                    lease_until=None,
                )
            )

    def _release(self, key_hash: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(SharedAccessToken)
                .where(SharedAccessToken.key_hash == key_hash)
                .where(SharedAccessToken.lease_owner == self.owner)
                .values(lease_owner=None, lease_until=None)
            )
