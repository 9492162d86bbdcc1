"""The lifecycle's table: Application Management notifications read from SQS.
Its migrations live with the others
in ``auth/vault/migrations``."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from auth.vault.models import Base
from auth.vault.models import UTCDateTime


class LwaNotification(Base):
    """An Application Management notification read from the SQS queue (each once)."""

    __tablename__ = "lwa_notifications"

    notification_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    type: Mapped[str] = mapped_column(String(80))
    client_id: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="{}")
