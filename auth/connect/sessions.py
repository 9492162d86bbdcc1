"""Connect sessions: an invitation made by the developer's backend, with the customer's
reference and tags, an optional return URL, and what became of it (read through the API).

The link is the invitation's (256 random bits, only its hash stored, bound to the first
browser, single use once an authorization is stored or pending); the session's ``id`` is a
public name for the API and the return, never enough to open the link.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.connect.requests import SessionRequest
from auth.errors import NotFound
from auth.oauth.invitations import create_invitation
from auth.vault.models import Authorization
from auth.vault.models import ConnectSession
from auth.vault.models import PendingAuthorization
from auth.vault.models import utcnow
from auth.vault.store import find_authorization

ID_PREFIX = "cs_"
ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
CONNECT_PATH = "/connect/"
MAX_LABEL = 120  # the invitation's label column


class NoSuchAuthorization(NotFound):
    """A re-authorization was asked for a partner and region with nothing stored."""


@dataclass(frozen=True)
class NewSession:
    """A created session and the only copy of its link's secret part."""

    session: ConnectSession
    token: str

    def url(self, public_url: str) -> str:
        """The link the developer sends its customer's browser to."""
        return public_url + CONNECT_PATH + self.token


def create_session(
    db: Session,
    request: SessionRequest,
    *,
    kind: str = "connect",
    key_id: str | None = None,
    campaign_id: str | None = None,
    commit: bool = True,
    now: datetime | None = None,
) -> NewSession:
    """Store a session and its invitation in one transaction.

    :raises NoSuchAuthorization: ``request.reauthorize`` names no stored authorization.
    """
    now = now or utcnow()
    customer_ref, tags, account_type = request.customer_ref, request.tags, request.account_type
    label = customer_ref
    if request.reauthorize:
        stored = find_authorization(db, *request.reauthorize)
        if stored is None:
            raise NoSuchAuthorization("no authorization is stored for this selling partner and region")
        kind = "reauthorize" if kind == "connect" else kind
        account_type = stored.account_type
        customer_ref = customer_ref if customer_ref is not None else stored.customer_ref
        tags = tags if request.tags_given else json.loads(stored.tags or "{}")
        # The invitation's label is what the storing rules compare: keep the stored one.
        label = stored.customer_label or customer_ref
    made = create_invitation(
        db,
        label=(label or request.expected_partner or "re-authorization")[:MAX_LABEL],
        account_type=account_type,
        marketplace_id=request.marketplace_id,
        expected_partner_id=request.expected_partner,
        actor=f"api:{key_id}" if key_id else "admin",
        now=now,
        lifetime=timedelta(seconds=request.expires_in),
        commit=False,
    )
    row = ConnectSession(
        id=ID_PREFIX + secrets.token_hex(12),
        invitation_id=made.invitation.id,
        kind=kind,
        customer_ref=customer_ref,
        tags=json.dumps(tags, sort_keys=True),
        return_url=request.return_url,
        campaign_id=campaign_id,
        key_id=key_id,
        created_at=now,
        expires_at=made.invitation.expires_at,
        selling_partner_id=request.reauthorize[0] if request.reauthorize else None,
        region=request.reauthorize[1] if request.reauthorize else None,
    )
    db.add(row)
    if commit:
        db.commit()  # commit point: the link is returned once, so the session must exist
    return NewSession(row, made.token)


def find_session(db: Session, session_id: object) -> ConnectSession | None:
    """The session named ``session_id``, or None (also for any malformed id)."""
    if not isinstance(session_id, str) or len(session_id) > 40 or not set(session_id) <= ID_CHARS:
        return None
    return db.get(ConnectSession, session_id)


def session_of_invitation(db: Session, invitation_id: int | None) -> ConnectSession | None:
    """The session an invitation belongs to, if it was made as one."""
    if invitation_id is None:
        return None
    return db.scalars(select(ConnectSession).where(ConnectSession.invitation_id == invitation_id)).first()


def status_of(row: ConnectSession, now: datetime | None = None) -> str:
    """stored, pending, expired or open (open also after a failed attempt)."""
    if row.outcome in ("stored", "pending"):
        return row.outcome
    if row.expires_at <= (now or utcnow()):
        return "expired"
    return "open"


def authorization_status(db: Session, row: ConnectSession) -> str | None:
    """What the authorization the session produced is now: active, needs_reauthorization,
    pending, or None (none yet, rejected or deleted)."""
    if row.outcome == "pending":
        kept = db.scalars(
            select(PendingAuthorization).where(PendingAuthorization.invitation_id == row.invitation_id)
        ).first()
        if kept is not None:
            return "pending"
    if row.outcome is None or not row.selling_partner_id or not row.region:
        return None
    active = db.scalars(
        select(Authorization).where(
            Authorization.selling_partner_id == row.selling_partner_id, Authorization.region == row.region
        )
    ).one_or_none()
    if active is None or (row.outcome == "pending" and active.invitation_id != row.invitation_id):
        return None
    return "needs_reauthorization" if active.needs_reauthorization else "active"


def session_json(db: Session, row: ConnectSession, now: datetime | None = None) -> dict:
    """The session as ``GET /api/v1/connect-sessions/<id>`` shows it (no link, no secret)."""
    return {
        "id": row.id,
        "status": status_of(row, now),
        "customer_ref": row.customer_ref,
        "tags": json.loads(row.tags or "{}"),
        "created_at": row.created_at.isoformat(),
        "expires_at": row.expires_at.isoformat(),
        "completed_at": row.completed_at.isoformat() if row.completed_at else None,
        "selling_partner_id": row.selling_partner_id,
        "region": row.region,
        "authorization_status": authorization_status(db, row),
        "last_error": json.loads(row.last_error) if row.last_error else None,
    }
