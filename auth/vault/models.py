"""Database tables: OAuth states, spent authorization codes, and stored authorizations."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
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
