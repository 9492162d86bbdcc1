"""The OAuth flow's tables: the states we issued and the codes we spent.
Its migrations live with the others
in ``auth/vault/migrations``."""

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from auth.vault.models import Base
from auth.vault.models import UTCDateTime


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
