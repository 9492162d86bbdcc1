"""The simulated Amazon's memory, in the database so that every gunicorn worker and app
instance sees the same codes and tokens: issue, look up, consume once, revoke, prune."""

from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from auth.simulator.tables import SimulatorGrant
from auth.vault.crypto import digest

NO_EXPIRY = 2.0**40  # refresh tokens live until revoked


class GrantStore:
    """Codes, refresh and access tokens and Appstore states, keyed by the hash of the secret."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def put(self, kind: str, secret: str, expires_at: float, **fields) -> None:
        """Remember ``secret`` of ``kind`` until ``expires_at`` with its owner ``fields``."""
        with self.engine.begin() as connection:
            connection.execute(
                insert(SimulatorGrant).values(
                    token_hash=digest(secret), kind=kind, expires_at=expires_at, **fields
                )
            )

    def get(self, kind: str, secret: str | None) -> SimulatorGrant | None:
        """The grant for ``secret``, expired or not (None when unknown)."""
        if not secret:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(
                select(SimulatorGrant).where(
                    SimulatorGrant.token_hash == digest(secret), SimulatorGrant.kind == kind
                )
            ).first()
        return row

    def take(self, kind: str, secret: str | None) -> SimulatorGrant | None:
        """Consume ``secret`` once: of two concurrent takers only one gets the grant."""
        row = self.get(kind, secret)
        if row is None:
            return None
        with self.engine.begin() as connection:
            gone = connection.execute(
                delete(SimulatorGrant).where(SimulatorGrant.token_hash == row.token_hash)
            )
        return row if gone.rowcount == 1 else None

    def forget(self, kind: str, secret: str) -> None:
        """Revoke ``secret``."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(SimulatorGrant).where(
                    SimulatorGrant.token_hash == digest(secret), SimulatorGrant.kind == kind
                )
            )

    def shorten(self, kind: str, until: float) -> None:
        """Make every grant of ``kind`` expire at ``until`` at the latest."""
        with self.engine.begin() as connection:
            connection.execute(
                update(SimulatorGrant)
                .where(SimulatorGrant.kind == kind, SimulatorGrant.expires_at > until)
                .values(expires_at=until)
            )

    def prune(self, now: float) -> None:
        """Drop everything expired."""
        with self.engine.begin() as connection:
            connection.execute(delete(SimulatorGrant).where(SimulatorGrant.expires_at < now))
