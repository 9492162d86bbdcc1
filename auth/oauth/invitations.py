"""Invitations: a single-use, unguessable, expiring link for one named customer, bound to the
first browser that opens it. An authorization completed through it belongs to that customer.

Only the hash of the link's token is stored; the link is shown once, when it is created.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from auth.errors import AppError
from auth.oauth.state import digest
from auth.vault import audit
from auth.vault.models import Invitation
from auth.vault.models import utcnow

DEFAULT_DAYS = 7
MAX_DAYS = 90
TOKEN_PATH = "/invite/"


class InvitationError(AppError):
    """The link cannot be used; ``kind`` is unknown, expired, used or other_browser."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class NewInvitation:
    """A created invitation and the only copy of its link's secret part."""

    invitation: Invitation
    token: str


def create_invitation(
    db: Session,
    *,
    label: str,
    account_type: str = "seller",
    marketplace_id: str | None = None,
    expected_partner_id: str | None = None,
    days: int = DEFAULT_DAYS,
    actor: str = "admin",
    now: datetime | None = None,
    lifetime: timedelta | None = None,
    commit: bool = True,
) -> NewInvitation:
    """Create an invitation valid for ``days`` days (or ``lifetime``) and return it with its
    token; ``commit=False`` leaves the commit to a caller that adds rows beside it."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=digest(token),
        label=label,
        marketplace_id=marketplace_id,
        account_type=account_type,
        expected_partner_id=expected_partner_id,
        created_at=now,
        expires_at=now + (lifetime or timedelta(days=days)),
    )
    db.add(invitation)
    db.flush()
    audit.record(
        db,
        actor,
        "invitation_created",
        selling_partner_id=expected_partner_id,
        now=now,
        invitation=invitation.id,
        customer=label,
        days=days if lifetime is None else round(lifetime.total_seconds() / 86400, 3),
    )
    if commit:
        db.commit()  # commit point: the link is shown once, so the invitation must exist
    return NewInvitation(invitation, token)


def open_invitation(db: Session, token: str, browser_id: str, now: datetime | None = None) -> Invitation:
    """Return the invitation for ``token``, binding it to this browser on first open.

    :raises InvitationError: unknown token, expired, already used, or opened by another browser.
    """
    now = now or utcnow()
    if not token or len(token) > 128:
        raise InvitationError("unknown")
    invitation = db.scalars(select(Invitation).where(Invitation.token_hash == digest(token))).one_or_none()
    if invitation is None:
        raise InvitationError("unknown")
    if invitation.completed_at is not None:
        raise InvitationError("used")
    if invitation.expires_at <= now:
        raise InvitationError("expired")
    browser_hash = digest(browser_id)
    if invitation.browser_hash is None:
        # One conditional UPDATE: of two browsers opening the link at once, one wins.
        db.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.browser_hash.is_(None))
            .values(browser_hash=browser_hash, opened_at=now)
        )
        db.commit()  # commit point: the first browser claims the link for every worker
        db.refresh(invitation)
    if not secrets.compare_digest(invitation.browser_hash, browser_hash):
        raise InvitationError("other_browser")
    return invitation


def claim_invitation(
    db: Session, invitation_id: int, selling_partner_id: str, now: datetime | None = None
) -> bool:
    """Mark the invitation used by this authorization; False when another flow used it first."""
    result = db.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.completed_at.is_(None))
        .values(completed_at=now or utcnow(), selling_partner_id=selling_partner_id)
    )
    db.commit()  # commit point: a used link stays used whatever happens next
    return result.rowcount == 1


def status_of(invitation: Invitation, now: datetime | None = None) -> str:
    """created, opened, completed or expired."""
    if invitation.completed_at is not None:
        return "completed"
    if invitation.expires_at <= (now or utcnow()):
        return "expired"
    return "opened" if invitation.opened_at is not None else "created"


def list_invitations(db: Session) -> list[Invitation]:
    """Every invitation, newest first."""
    return list(db.scalars(select(Invitation).order_by(Invitation.created_at.desc(), Invitation.id.desc())))


def invitation_url(public_url: str, token: str) -> str:
    """The link the customer opens."""
    return f"{public_url}{TOKEN_PATH}{token}"
