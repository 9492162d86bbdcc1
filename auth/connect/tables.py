"""The connect capability's tables: re-authorization campaigns and Appstore login sessions.
Its migrations live with the others
in ``auth/vault/migrations``."""

from datetime import datetime

from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from auth.vault.models import Base
from auth.vault.models import UTCDateTime


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
