"""The console log-in's tables: failed attempts (the limiter) and administrator sessions.
Its migrations live with the others
in ``auth/vault/migrations``."""

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from auth.vault.models import Base
from auth.vault.models import UTCDateTime


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
