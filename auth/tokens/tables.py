"""The token service's table: each API key's use counted per window, fleet-wide.
Its migrations live with the others
in ``auth/vault/migrations``."""

from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from auth.vault.models import Base


class ApiKeyWindow(Base):
    """How many requests one API key made in one minute: the fleet-wide rate limit's counter."""

    __tablename__ = "api_key_windows"

    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)  # epoch minute
    count: Mapped[int] = mapped_column(Integer, default=0)
    # Uses the fleet's processes have reserved in this minute (auth.tokens.allowance): never
    # more than the key's rate, so the rate holds across every worker and instance.
    reserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
