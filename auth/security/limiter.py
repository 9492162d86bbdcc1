"""Limits on console log-in attempts, kept in the database so every worker counts together.

- A browser that logged in before carries a *device* cookie; its attempts are limited per
  device (5 failures a minute) and never blocked by what others do, so nobody can lock the
  administrator's own browser out.
- Other attempts are limited per client address (5 failures a minute) and, across all
  addresses, per account (20 failures in 10 minutes): spoofed or rotating addresses cannot
  guess without limit. While that account-wide limit holds, only known devices may try.
"""

from datetime import datetime
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from auth.security.tables import LoginFailure
from auth.vault.models import utcnow

WINDOW = timedelta(minutes=1)
PER_CLIENT = 5
ACCOUNT_WINDOW = timedelta(minutes=10)
PER_ACCOUNT = 20


class LoginLimiter:
    """Count failures per device, per address and per account; say how long to wait."""

    def __init__(self, engine: Engine, clock=utcnow):
        self.engine = engine
        self.clock = clock

    def blocked_for(self, address_hash: str, device_hash: str | None) -> float:
        """Seconds until this client may try again (0 when it may now)."""
        now = self.clock()
        with self.engine.connect() as connection:
            if device_hash:
                return self._wait(
                    connection, LoginFailure.device_hash == device_hash, PER_CLIENT, WINDOW, now
                )
            untrusted = LoginFailure.device_hash.is_(None)
            from_here = untrusted & (LoginFailure.address_hash == address_hash)
            per_address = self._wait(connection, from_here, PER_CLIENT, WINDOW, now)
            return max(per_address, self._wait(connection, untrusted, PER_ACCOUNT, ACCOUNT_WINDOW, now))

    def failed(self, address_hash: str, device_hash: str | None) -> None:
        """Record a failed attempt (and forget failures older than any window)."""
        now = self.clock()
        with self.engine.begin() as connection:
            connection.execute(
                insert(LoginFailure).values(at=now, address_hash=address_hash, device_hash=device_hash)
            )
            connection.execute(delete(LoginFailure).where(LoginFailure.at < now - ACCOUNT_WINDOW))

    def succeeded(self, address_hash: str, device_hash: str | None) -> None:
        """Forget the failures of this address and device."""
        with self.engine.begin() as connection:
            connection.execute(delete(LoginFailure).where(LoginFailure.address_hash == address_hash))
            if device_hash:
                connection.execute(delete(LoginFailure).where(LoginFailure.device_hash == device_hash))

    @staticmethod
    def _wait(connection, condition, limit: int, window: timedelta, now: datetime) -> float:
        since = now - window
        count, oldest = connection.execute(
            select(func.count(), func.min(LoginFailure.at)).where(condition, LoginFailure.at > since)
        ).one()
        if count < limit or oldest is None:
            return 0.0
        return max(0.0, (oldest + window - now).total_seconds())
