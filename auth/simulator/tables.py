"""The simulator's table: what the simulated Amazon issued, shared by every worker.
Its migrations live with the others
in ``auth/vault/migrations``."""

from sqlalchemy import Float
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from auth.vault.models import Base


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
