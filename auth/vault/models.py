"""The vault's tables, the ones several capabilities share: authorizations (active, pending,
previous), invitations and connect sessions, the audit trail, API keys, client secrets, the
outbox, the console's workspaces; and what every table builds on (``Base``, ``UTCDateTime``,
the sealed-token columns). A table one capability alone uses lives with it
(``auth/<capability>/tables.py``); ``auth/tables.py`` gathers them all. Every change ships as a
migration in ``migrations/versions``."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import TypeDecorator
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store naive UTC (SQLite keeps no zone) and hand back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class SealedToken:
    """The columns of a stored refresh token, the same on active, pending and previous rows:
    whose it is, how it was obtained, the token sealed (``auth.vault.crypto``) and its evidence."""

    region: Mapped[str] = mapped_column(String(2))
    account_type: Mapped[str] = mapped_column(String(8))
    workflow: Mapped[str] = mapped_column(String(16))
    refresh_token_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(32))
    # Evidence of whose token this is (see auth.oauth.evidence): the hash of the account's
    # marketplaces and store names, what was checked (JSON, no secrets).
    account_fingerprint: Mapped[str | None] = mapped_column(String(80))
    evidence: Mapped[str | None] = mapped_column(Text)
    customer_label: Mapped[str | None] = mapped_column(String(120))
    invitation_id: Mapped[int | None] = mapped_column(Integer)
    # The developer's own ID for its customer and its tags (JSON object), from a connect session.
    tags: Mapped[str | None] = mapped_column(Text)


class Authorization(SealedToken, Base):
    """A selling partner's authorization in one region, with its refresh token encrypted."""

    __tablename__ = "authorizations"
    __table_args__ = (UniqueConstraint("selling_partner_id", "region"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selling_partner_id: Mapped[str] = mapped_column(String(128))
    authorized_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_refresh_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_refresh_result: Mapped[str | None] = mapped_column(String(64))
    needs_reauthorization: Mapped[bool] = mapped_column(Boolean, default=False)
    # How far the evidence trusts it (auth.oauth.evidence): verified, invited or claimed.
    trust: Mapped[str] = mapped_column(String(16), default="claimed", server_default="claimed")
    customer_ref: Mapped[str | None] = mapped_column(String(128), index=True)
    # What the last refresh or check said (auth.vault.health): ok, failing (LWA unreachable,
    # never a verdict on the grant) or revoked (invalid_grant); failures in a row while failing.
    health: Mapped[str] = mapped_column(String(16), default="ok", server_default="ok")
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    health_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PendingAuthorization(SealedToken, Base):
    """A token whose evidence did not agree with the stored authorization: kept encrypted,
    never used, until the administrator approves (it replaces) or rejects (it is deleted)."""

    __tablename__ = "pending_authorizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selling_partner_id: Mapped[str] = mapped_column(String(128), index=True)
    trust: Mapped[str] = mapped_column(String(16))
    customer_ref: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PreviousAuthorization(SealedToken, Base):
    """A token another one displaced (approval, verified re-authorization): kept sealed, never
    used, until it expires (``SPAPI_PREVIOUS_VERSION_DAYS``) or the administrator restores it."""

    __tablename__ = "previous_authorizations"
    # IDs are never reused: "v3" in an old audit event must never restore another token.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selling_partner_id: Mapped[str] = mapped_column(String(128), index=True)
    authorized_at: Mapped[datetime] = mapped_column(UTCDateTime)
    trust: Mapped[str] = mapped_column(String(16))
    customer_ref: Mapped[str | None] = mapped_column(String(128))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_by: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(300))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Invitation(Base):
    """A single-use, expiring link for one named customer, bound to the first browser."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    marketplace_id: Mapped[str | None] = mapped_column(String(32))
    account_type: Mapped[str] = mapped_column(String(8))
    expected_partner_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    browser_hash: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    selling_partner_id: Mapped[str | None] = mapped_column(String(128))


class AuditEvent(Base):
    """One decision about a selling partner's authorization: append-only, never a secret."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_actor_at", "actor", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    selling_partner_id: Mapped[str | None] = mapped_column(String(128), index=True)
    region: Mapped[str | None] = mapped_column(String(2))
    detail: Mapped[str] = mapped_column(Text, default="{}")


class ConsoleWorkspace(Base):
    """The console playground's tokens and last results for one administrator session, sealed
    with the vault's keys (an access token and an RDT never travel to the browser)."""

    __tablename__ = "console_workspaces"

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ApiKey(Base):
    """A developer's API key for the token service: the secret is kept only as a hash."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100))
    partners: Mapped[str | None] = mapped_column(Text)  # a JSON list; NULL: every partner
    operations: Mapped[str] = mapped_column(String(100))  # comma-separated
    rate_per_minute: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClientSecret(Base):
    """The app's LWA client secrets, sealed: the newest is used, an older one until it expires."""

    __tablename__ = "client_secrets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(200), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16))  # setting, rotation
    notification_id: Mapped[str | None] = mapped_column(String(200))


class OutboxEvent(Base):
    """An event for the developer's webhook, written with the change it reports."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending, delivered, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))


class ConnectSession(Base):
    """An invitation the developer's product made through the API: its customer, tags, where
    the browser returns, and how the flow ended (the API reads it; the browser is never trusted)."""

    __tablename__ = "connect_sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    invitation_id: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # connect, reauthorize, login
    # NULL only for the re-authorization of an authorization stored before connect existed.
    customer_ref: Mapped[str | None] = mapped_column(String(128))
    tags: Mapped[str] = mapped_column(Text, default="{}")
    return_url: Mapped[str | None] = mapped_column(String(2048))
    campaign_id: Mapped[str | None] = mapped_column(String(40), index=True)
    key_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))  # stored, pending
    selling_partner_id: Mapped[str | None] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(2))
    last_error: Mapped[str | None] = mapped_column(Text)  # JSON {"code", "explanation_url"}


class Observation(Base):
    """The last thing Amazon showed us of one kind (the ``version`` on the Login URI, say), so
    every worker's doctor reads the same observation."""

    __tablename__ = "observations"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(80))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
