"""Database tables: OAuth states, spent codes, authorizations (active and pending), invitations
and the audit trail. Every change to them ships as a migration in ``migrations/versions``."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import Float
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


class OAuthState(Base):
    """A ``state`` we issued: only its hash, the browser it belongs to and its lifetime."""

    __tablename__ = "oauth_states"
    __table_args__ = (Index("ix_oauth_states_address_created", "address_hash", "created_at"),)

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str] = mapped_column(String(16))
    account_type: Mapped[str] = mapped_column(String(8))
    region: Mapped[str] = mapped_column(String(2))
    marketplace_id: Mapped[str | None] = mapped_column(String(32))
    selling_partner_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invitation_id: Mapped[int | None] = mapped_column(Integer)
    # Hash of the client address, to limit how many states one address can have issued.
    address_hash: Mapped[str | None] = mapped_column(String(64))
    # The consent request this app sent with the state (JSON: application_id, version,
    # redirect_uri, app_status), so a code coming back can be compared with what was sent.
    consent_sent: Mapped[str | None] = mapped_column(Text)


class UsedCode(Base):
    """The hash of every ``spapi_oauth_code`` we sent to LWA, so none is sent twice."""

    __tablename__ = "used_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Authorization(Base):
    """A selling partner's authorization in one region, with its refresh token encrypted."""

    __tablename__ = "authorizations"
    __table_args__ = (UniqueConstraint("selling_partner_id", "region"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selling_partner_id: Mapped[str] = mapped_column(String(128))
    region: Mapped[str] = mapped_column(String(2))
    account_type: Mapped[str] = mapped_column(String(8))
    workflow: Mapped[str] = mapped_column(String(16))
    refresh_token_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(32))
    authorized_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_refresh_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_refresh_result: Mapped[str | None] = mapped_column(String(64))
    needs_reauthorization: Mapped[bool] = mapped_column(Boolean, default=False)
    # Evidence of whose token this is (see auth.oauth.evidence): how far it is trusted, the
    # hash of the account's marketplaces and store names, what was checked (JSON, no secrets).
    trust: Mapped[str] = mapped_column(String(16), default="claimed", server_default="claimed")
    account_fingerprint: Mapped[str | None] = mapped_column(String(80))
    evidence: Mapped[str | None] = mapped_column(Text)
    customer_label: Mapped[str | None] = mapped_column(String(120))
    invitation_id: Mapped[int | None] = mapped_column(Integer)
    # The developer's own ID for its customer and its tags (JSON object), from a connect session.
    customer_ref: Mapped[str | None] = mapped_column(String(128), index=True)
    tags: Mapped[str | None] = mapped_column(Text)
    # What the last refresh or check said (auth.vault.health): ok, failing (LWA unreachable,
    # never a verdict on the grant) or revoked (invalid_grant); failures in a row while failing.
    health: Mapped[str] = mapped_column(String(16), default="ok", server_default="ok")
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    health_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PendingAuthorization(Base):
    """A token whose evidence did not agree with the stored authorization: kept encrypted,
    never used, until the administrator approves (it replaces) or rejects (it is deleted)."""

    __tablename__ = "pending_authorizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selling_partner_id: Mapped[str] = mapped_column(String(128), index=True)
    region: Mapped[str] = mapped_column(String(2))
    account_type: Mapped[str] = mapped_column(String(8))
    workflow: Mapped[str] = mapped_column(String(16))
    refresh_token_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(32))
    trust: Mapped[str] = mapped_column(String(16))
    account_fingerprint: Mapped[str | None] = mapped_column(String(80))
    evidence: Mapped[str | None] = mapped_column(Text)
    customer_label: Mapped[str | None] = mapped_column(String(120))
    invitation_id: Mapped[int | None] = mapped_column(Integer)
    customer_ref: Mapped[str | None] = mapped_column(String(128))
    tags: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PreviousAuthorization(Base):
    """A token another one displaced (approval, verified re-authorization): kept sealed, never
    used, until it expires (``SPAPI_PREVIOUS_VERSION_DAYS``) or the administrator restores it."""

    __tablename__ = "previous_authorizations"
    # IDs are never reused: "v3" in an old audit event must never restore another token.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selling_partner_id: Mapped[str] = mapped_column(String(128), index=True)
    region: Mapped[str] = mapped_column(String(2))
    account_type: Mapped[str] = mapped_column(String(8))
    workflow: Mapped[str] = mapped_column(String(16))
    refresh_token_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(32))
    authorized_at: Mapped[datetime] = mapped_column(UTCDateTime)
    trust: Mapped[str] = mapped_column(String(16))
    account_fingerprint: Mapped[str | None] = mapped_column(String(80))
    evidence: Mapped[str | None] = mapped_column(Text)
    customer_label: Mapped[str | None] = mapped_column(String(120))
    invitation_id: Mapped[int | None] = mapped_column(Integer)
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


class SimulatorGrant(Base):
    """What the simulated Amazon issued (codes, tokens, Appstore states), shared by every
    process: only the hash of each secret, its owner and its expiry (epoch seconds)."""

    __tablename__ = "simulator_grants"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[str | None] = mapped_column(String(200))
    redirect_uri: Mapped[str | None] = mapped_column(String(2048))
    selling_partner_id: Mapped[str | None] = mapped_column(String(128))
    scope: Mapped[str | None] = mapped_column(String(200))
    central_host: Mapped[str | None] = mapped_column(String(200))
    resources: Mapped[str | None] = mapped_column(Text)  # a Restricted Data Token's, as JSON
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class LoginFailure(Base):
    """One failed console log-in: when, from which address and device (hashed)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    device_hash: Mapped[str | None] = mapped_column(String(64))


class AdminSession(Base):
    """A console session or a trusted device, kept server-side so that log-out and a password
    change end it everywhere. ``kind`` is ``session`` or ``device``."""

    __tablename__ = "admin_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    password_fingerprint: Mapped[str] = mapped_column(String(64))


class ConsoleWorkspace(Base):
    """The console playground's tokens and last results for one administrator session, sealed
    with the vault's keys (an access token and an RDT never travel to the browser)."""

    __tablename__ = "console_workspaces"

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SharedAccessToken(Base):
    """The fleet's access-token cache: one row per refresh token (by hash) or grantless scope,
    the token sealed with the vault's keys, and the lease of whichever process is asking LWA."""

    __tablename__ = "shared_access_tokens"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    expires_at: Mapped[float | None] = mapped_column(Float)  # epoch seconds
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[float | None] = mapped_column(Float)  # epoch seconds


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


class ApiKeyWindow(Base):
    """How many requests one API key made in one minute: the fleet-wide rate limit's counter."""

    __tablename__ = "api_key_windows"

    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)  # epoch minute
    count: Mapped[int] = mapped_column(Integer, default=0)


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


class LwaNotification(Base):
    """An Application Management notification read from the SQS queue (each once)."""

    __tablename__ = "lwa_notifications"

    notification_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    type: Mapped[str] = mapped_column(String(80))
    client_id: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="{}")


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


class AssociatesCredential(Base):
    """An Amazon Associates credential (Creators API or PA-API 5) sealed like refresh tokens,
    with what every worker shares about it: the check's claim, Amazon's spacing, the token."""

    __tablename__ = "associates_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    api: Mapped[str] = mapped_column(String(10))  # creators, paapi5
    version: Mapped[str | None] = mapped_column(String(8))
    partner_tag: Mapped[str] = mapped_column(String(80))
    marketplace: Mapped[str] = mapped_column(String(4))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    id_fingerprint: Mapped[str] = mapped_column(String(24))
    secret_fingerprint: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    check_started_at: Mapped[float | None] = mapped_column(Float)  # epoch seconds
    busy_until: Mapped[float | None] = mapped_column(Float)  # epoch seconds: a check holds it
    next_call_at: Mapped[float | None] = mapped_column(Float)  # epoch seconds: Amazon's spacing
    token_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    token_expires_at: Mapped[float | None] = mapped_column(Float)
    token_auth_form: Mapped[str | None] = mapped_column(String(8))  # json, basic, form
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(8))  # PASS, FAIL
    last_report: Mapped[str | None] = mapped_column(Text)  # the masked result, JSON


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


class ConnectCampaign(Base):
    """A re-authorization campaign: one partner-bound connect session per authorization."""

    __tablename__ = "connect_campaigns"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    selector: Mapped[str] = mapped_column(String(300))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginSession(Base):
    """Amazon's Login URI parameters (``amazon_state`` sealed) kept while the developer's site
    signs its user in: ten minutes, single use, bound to the browser that started it."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    selling_partner_id: Mapped[str] = mapped_column(String(128))
    region: Mapped[str] = mapped_column(String(2))
    account_type: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    connect_session_id: Mapped[str | None] = mapped_column(String(40))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address_hash: Mapped[str | None] = mapped_column(String(64))  # for the per-minute limit


class JobLease(Base):
    """Which worker runs a background job now (``auth.operations.leases``), and how it went."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(64))
    until: Mapped[float | None] = mapped_column(Float)  # epoch seconds
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(300))
