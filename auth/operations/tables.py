"""The worker's table: one lease per job, so each runs in one worker of the fleet.
Its migrations live with the others
in ``auth/vault/migrations``."""

from datetime import datetime

from sqlalchemy import Float
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from auth.vault.models import Base
from auth.vault.models import UTCDateTime


class JobLease(Base):
    """Which worker runs a background job now (``auth.operations.leases``), and how it went."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(64))
    until: Mapped[float | None] = mapped_column(Float)  # epoch seconds
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(300))
