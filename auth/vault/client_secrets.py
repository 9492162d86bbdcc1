"""The app's LWA client secret, in the database: ``LWA_CLIENT_SECRET`` seeds it; rotations add
a newer one and give the older an expiry (Amazon keeps the old secret working about a week).
Every LWA call reads the live secrets, newest first, so every worker and instance uses a new
secret the moment one process stores it."""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.crypto import digest
from auth.vault.crypto import fingerprint
from auth.vault.models import ClientSecret
from auth.vault.models import utcnow

OWNER = "client-secret"  # the seal's owner field (see TokenVault.seal)
# When the secret in the settings changes by hand, the stored one keeps working this long.
MANUAL_OVERLAP = timedelta(days=7)
ROTATE_EVERY = timedelta(days=180)  # Amazon's rule for every app


@dataclass(frozen=True)
class SecretStatus:
    """What the doctor and the dashboard show: never the secret itself."""

    fingerprint: str | None
    created_at: datetime | None
    deadline: datetime | None
    last_rotation: datetime | None
    previous_expires_at: datetime | None

    def age_days(self, now: datetime | None = None) -> int | None:
        """How old the current secret is, in days."""
        if self.created_at is None:
            return None
        return ((now or utcnow()) - self.created_at).days


class ClientSecretStore:
    """The client's secrets in the database, sealed with the vault's keys."""

    def __init__(self, engine: Engine, vault: TokenVault, client_id: str):
        self.engine = engine
        self.vault = vault
        self.client_id = client_id

    def seed(self, secret: str) -> None:
        """Store the configured secret if the database does not know it; a changed setting
        becomes the newest secret, and the stored ones keep working a week."""
        with Session(self.engine) as db:
            known = db.scalar(select(ClientSecret).where(ClientSecret.secret_hash == digest(secret)))
            now = utcnow()
            if known is not None:
                if known.expires_at is not None and known.expires_at <= now + MANUAL_OVERLAP:
                    # A restart with a working LWA_CLIENT_SECRET always recovers: the setting is
                    # the administrator's word, whatever a notification expired it for.
                    known.expires_at = None
                    db.commit()  # commit point: start-up, in a session of its own
                return
            others = db.scalars(select(ClientSecret).where(ClientSecret.client_id == self.client_id)).all()
            for other in others:
                if other.expires_at is None or other.expires_at > now + MANUAL_OVERLAP:
                    other.expires_at = now + MANUAL_OVERLAP
            db.add(self._row(secret, now, source="setting"))
            try:
                db.commit()  # commit point: start-up, in a session of its own; a racing worker wins
            except IntegrityError:
                db.rollback()  # another worker seeded it at the same moment

    def knows(self, db: Session, secret: str) -> bool:
        """True when ``secret`` is already stored (live or expired)."""
        return (
            db.scalar(select(ClientSecret.id).where(ClientSecret.secret_hash == digest(secret))) is not None
        )

    def secrets(self, now: datetime | None = None) -> list[str]:
        """The live secrets, newest first (the caller falls back to older ones)."""
        now = now or utcnow()
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(ClientSecret.sealed, ClientSecret.secret_hash, ClientSecret.expires_at)
                .where(ClientSecret.client_id == self.client_id)
                .order_by(ClientSecret.id.desc())
            ).all()
        live = []
        for row in rows:
            if row.expires_at is not None and row.expires_at <= now:
                continue
            try:
                live.append(self.vault.open(row.sealed, OWNER, row.secret_hash))
            except VaultError:
                continue
        return live

    def store_rotation(
        self,
        db: Session,
        new_secret: str,
        new_expires_at: datetime | None,
        old_expires_at: datetime | None,
        notification_id: str | None,
    ) -> bool:
        """Store a rotated secret as the newest; older live ones expire at ``old_expires_at``.
        Returns False when this secret is already stored. The caller commits (with the
        event that reports it)."""
        if db.scalar(select(ClientSecret.id).where(ClientSecret.secret_hash == digest(new_secret))):
            return False
        db.execute(
            update(ClientSecret)
            .where(ClientSecret.client_id == self.client_id)
            .where(
                (ClientSecret.expires_at.is_(None)) | (ClientSecret.expires_at > (old_expires_at or utcnow()))
            )
            .values(expires_at=old_expires_at or utcnow())
        )
        row = self._row(new_secret, utcnow(), source="rotation")
        row.expires_at, row.notification_id = new_expires_at, notification_id
        db.add(row)
        return True

    def status(self, now: datetime | None = None) -> SecretStatus:
        """The current secret's fingerprint, age, deadline and the last rotation."""
        now = now or utcnow()
        with Session(self.engine) as db:
            rows = db.scalars(
                select(ClientSecret)
                .where(ClientSecret.client_id == self.client_id)
                .order_by(ClientSecret.id.desc())
            ).all()
        live = [r for r in rows if r.expires_at is None or r.expires_at > now]
        if not live:
            return SecretStatus(None, None, None, None, None)
        current = live[0]
        try:
            shown = fingerprint(self.vault.open(current.sealed, OWNER, current.secret_hash))
        except VaultError:
            shown = None
        rotations = [r.created_at for r in rows if r.source == "rotation"]
        deadline = current.expires_at or current.created_at + ROTATE_EVERY
        previous = live[1].expires_at if len(live) > 1 else None
        return SecretStatus(shown, current.created_at, deadline, max(rotations, default=None), previous)

    def _row(self, secret: str, now: datetime, source: str) -> ClientSecret:
        key = digest(secret)
        return ClientSecret(
            client_id=self.client_id,
            secret_hash=key,
            sealed=self.vault.seal(OWNER, key, secret),
            created_at=now,
            source=source,
        )
