"""How a connect session's flow ended, recorded where the developer's backend reads it.

The browser's return to ``return_url`` only says "look now"; what the developer trusts is
the session as the API shows it, written here from what the callback actually did.
"""

import hmac
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from auth.connect.sessions import session_of_invitation
from auth.oauth.state import STATE_RE
from auth.oauth.tables import OAuthState
from auth.vault.crypto import digest
from auth.vault.models import Authorization
from auth.vault.models import ConnectSession
from auth.vault.models import Invitation
from auth.vault.models import PendingAuthorization
from auth.vault.models import utcnow

ENDINGS = ("stored", "pending", "failed", "cancelled")


@dataclass(frozen=True)
class Ending:
    """What one attempt came to: ``status`` is one of ``ENDINGS``."""

    status: str
    code: str | None = None
    explanation_url: str | None = None


def session_of_state(db: Session, state: object, browser_id: str | None) -> ConnectSession | None:
    """The connect session a callback's ``state`` belongs to, read before the callback consumes
    it; None unless this very browser was issued the state (a stranger learns nothing)."""
    if not isinstance(state, str) or not STATE_RE.fullmatch(state) or not browser_id:
        return None
    row = db.get(OAuthState, digest(state))
    if row is None or row.invitation_id is None:
        return None
    # Out of the session: the callback's own reads of this row must not see this older copy.
    db.expunge(row)
    if not hmac.compare_digest(row.browser_hash, digest(browser_id)):
        return None
    return session_of_invitation(db, row.invitation_id)


def settle(db: Session, session_id: str, attempt: Ending) -> Ending:
    """Record the attempt's ending on the session and return what really happened: the
    invitation claimed by a stored or pending authorization wins over what the page showed."""
    row = db.get(ConnectSession, session_id)
    db.refresh(row)
    invitation = db.get(Invitation, row.invitation_id)
    db.refresh(invitation)
    now = utcnow()
    found = _claimed_by(db, row.invitation_id) if invitation.completed_at and row.outcome is None else None
    if found is not None:
        outcome = "stored" if isinstance(found, Authorization) else "pending"
        # One conditional UPDATE: two workers settling the same session write it once.
        db.execute(
            update(ConnectSession)
            .where(ConnectSession.id == row.id, ConnectSession.outcome.is_(None))
            .values(
                outcome=outcome,
                completed_at=now,
                selling_partner_id=found.selling_partner_id,
                region=found.region,
            )
        )
        db.commit()  # commit point: the outcome is what the developer's backend reads next
        return Ending(outcome)
    if row.outcome is not None:
        return Ending(row.outcome)
    if attempt.status in ("failed", "cancelled"):
        error = {"code": attempt.code or attempt.status, "explanation_url": attempt.explanation_url}
        db.execute(
            update(ConnectSession).where(ConnectSession.id == row.id).values(last_error=json.dumps(error))
        )
        db.commit()  # commit point: the failure is what the developer's backend reads next
    return attempt


def _claimed_by(db: Session, invitation_id: int) -> Authorization | PendingAuthorization | None:
    """The active or pending authorization stored through the invitation, if any (a claimed
    invitation whose storing then failed has neither: that attempt failed)."""
    stored = db.scalars(select(Authorization).where(Authorization.invitation_id == invitation_id)).first()
    if stored is not None:
        return stored
    return db.scalars(
        select(PendingAuthorization).where(PendingAuthorization.invitation_id == invitation_id)
    ).first()
