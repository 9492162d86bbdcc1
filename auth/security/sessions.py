"""Console sessions and trusted devices, server-side: the cookie holds only a random ID whose
hash is stored here, so log-out ends a session at once and a password change ends them all."""

import secrets
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select

from auth.security.tables import AdminSession
from auth.vault.crypto import digest
from auth.vault.models import utcnow

SESSION_LIFETIME = timedelta(hours=8)
DEVICE_LIFETIME = timedelta(days=30)


def password_fingerprint(password_hash: str | None) -> str:
    """A stable label of the configured password hash: sessions made under another die."""
    return digest(password_hash or "")


class SessionStore:
    """Create, check and end administrator sessions and trusted devices."""

    def __init__(self, engine: Engine, clock=utcnow):
        self.engine = engine
        self.clock = clock

    def create(self, kind: str, password_hash: str | None) -> str:
        """Start a session (8 hours) or trust a device (30 days); return the cookie's secret ID."""
        now = self.clock()
        secret = secrets.token_urlsafe(32)
        lifetime = SESSION_LIFETIME if kind == "session" else DEVICE_LIFETIME
        with self.engine.begin() as connection:
            connection.execute(
                insert(AdminSession).values(
                    id_hash=digest(secret),
                    kind=kind,
                    created_at=now,
                    expires_at=now + lifetime,
                    password_fingerprint=password_fingerprint(password_hash),
                )
            )
            connection.execute(delete(AdminSession).where(AdminSession.expires_at < now))
        return secret

    def valid(self, kind: str, secret: object, password_hash: str | None) -> str | None:
        """The stored hash of ``secret`` when it is a live session of ``kind``, else None."""
        if not isinstance(secret, str) or not 20 <= len(secret) <= 100:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(
                select(AdminSession).where(AdminSession.id_hash == digest(secret), AdminSession.kind == kind)
            ).first()
        if row is None or row.expires_at <= self.clock():
            return None
        if not secrets.compare_digest(row.password_fingerprint, password_fingerprint(password_hash)):
            return None
        return row.id_hash

    def end(self, secret: object) -> None:
        """End one session (log-out)."""
        if isinstance(secret, str):
            with self.engine.begin() as connection:
                connection.execute(delete(AdminSession).where(AdminSession.id_hash == digest(secret)))

    def end_all(self) -> int:
        """End every session and forget every trusted device; return how many."""
        with self.engine.begin() as connection:
            return connection.execute(delete(AdminSession)).rowcount
