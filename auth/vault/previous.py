"""Previous versions: a token another one displaced stays sealed for a retention period, so a
wrong approval (or a look-alike that slipped through) can be undone by the administrator."""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.errors import NotFound
from auth.vault import audit
from auth.vault.models import Authorization
from auth.vault.models import PreviousAuthorization
from auth.vault.models import utcnow

COPIED = (
    "selling_partner_id",
    "region",
    "account_type",
    "workflow",
    "refresh_token_encrypted",
    "fingerprint",
    "authorized_at",
    "trust",
    "account_fingerprint",
    "evidence",
    "customer_label",
    "invitation_id",
    # The developer's customer goes with the token, and comes back with a restore.
    "customer_ref",
    "tags",
)


@dataclass(frozen=True)
class VaultPolicy:
    """How long displaced tokens are kept, and how many pending rows a partner may have."""

    previous_version_days: int = 30
    max_pending: int = 5


DEFAULT_POLICY = VaultPolicy()


class NoSuchPrevious(NotFound):
    """No previous version has that ID (restored, expired, or never existed)."""


def parse_previous_id(text: str) -> int:
    """Accept a previous version's ID as listed (``v12``) or bare (``12``)."""
    digits = text[1:] if text[:1].lower() == "v" else text
    if not digits.isdigit() or len(digits) > 12:
        raise NoSuchPrevious(f"{text[:40]!r} is not a previous version ID (like v12)")
    return int(digits)


def keep_previous(
    db: Session, row: Authorization, replaced_by: str, reason: str, policy: VaultPolicy, now: datetime
) -> PreviousAuthorization | None:
    """Copy the displaced active row, still sealed, beside it; None when retention is off (0 days)."""
    purge_expired(db, now)
    if policy.previous_version_days <= 0:
        return None
    copy = PreviousAuthorization(
        **{name: getattr(row, name) for name in COPIED},
        replaced_at=now,
        replaced_by=replaced_by,
        reason=reason[:300],
        expires_at=now + timedelta(days=policy.previous_version_days),
    )
    db.add(copy)
    db.flush()  # the ID goes into the audit event written in the same transaction
    return copy


def values_of(previous: PreviousAuthorization) -> dict:
    """The active-row values that bring ``previous`` back."""
    return {name: getattr(previous, name) for name in COPIED if name not in ("selling_partner_id", "region")}


def purge_expired(db: Session, now: datetime | None = None) -> int:
    """Delete the previous versions past their retention (the caller commits); return how many."""
    result = db.execute(
        delete(PreviousAuthorization).where(PreviousAuthorization.expires_at <= (now or utcnow()))
    )
    return result.rowcount or 0


def list_previous(db: Session, selling_partner_id: str | None = None) -> list[PreviousAuthorization]:
    """The previous versions still kept, newest first."""
    statement = select(PreviousAuthorization).where(PreviousAuthorization.expires_at > utcnow())
    if selling_partner_id:
        statement = statement.where(PreviousAuthorization.selling_partner_id == selling_partner_id)
    order = (PreviousAuthorization.replaced_at.desc(), PreviousAuthorization.id.desc())
    return list(db.scalars(statement.order_by(*order)))


def audit_kept(db: Session, actor: str, copy: PreviousAuthorization | None, now: datetime) -> None:
    """Name the kept version in the audit trail, so the administrator finds what to restore."""
    if copy is not None:
        audit.record(
            db,
            actor,
            "previous_kept",
            selling_partner_id=copy.selling_partner_id,
            region=copy.region,
            now=now,
            previous=f"v{copy.id}",
            token=copy.fingerprint,
            replaced_by=copy.replaced_by,
            expires_at=copy.expires_at.isoformat(),
        )
