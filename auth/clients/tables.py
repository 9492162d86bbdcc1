"""The access-token cache's fleet-wide tier: sealed access tokens and their leases.
Its migrations live with the others
in ``auth/vault/migrations``."""

from sqlalchemy import Float
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from auth.vault.models import Base


class SharedAccessToken(Base):
    """The fleet's access-token cache: one row per refresh token (by hash) or grantless scope,
    the token sealed with the vault's keys, and the lease of whichever process is asking LWA."""

    __tablename__ = "shared_access_tokens"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    expires_at: Mapped[float | None] = mapped_column(Float)  # epoch seconds
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[float | None] = mapped_column(Float)  # epoch seconds
