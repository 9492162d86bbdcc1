"""What Amazon last showed us, shared by every worker and instance: one value per name, newest
wins (the doctor reads the ``version`` Amazon sent to the Login URI). The caller commits."""

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.vault.models import Observation
from auth.vault.models import utcnow


def observe(db: Session, name: str, value: str) -> None:
    """Remember ``value`` as the latest ``name`` (written only when it changed)."""
    row = db.get(Observation, name)
    if row is None:
        try:
            with db.begin_nested():
                db.add(Observation(name=name, value=value, observed_at=utcnow()))
            return
        except IntegrityError:  # another worker observed it first: read theirs, then update
            row = db.get(Observation, name, populate_existing=True)
            if row is None:  # pragma: no cover (it was just there)
                return
    if row.value != value:
        row.value, row.observed_at = value, utcnow()


def latest(db: Session, name: str) -> str | None:
    """The latest value observed for ``name``, or None."""
    row = db.get(Observation, name)
    return row.value if row is not None else None
