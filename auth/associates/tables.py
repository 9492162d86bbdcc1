"""The Associates check's table: sealed credentials and what every worker shares about them.
Its migrations live with the others
in ``auth/vault/migrations``."""

from datetime import datetime

from sqlalchemy import Float
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from auth.vault.models import Base
from auth.vault.models import UTCDateTime


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
