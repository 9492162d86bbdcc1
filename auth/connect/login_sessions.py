"""Login sessions: the Appstore workflow's pause for the developer's own sign-in.

``/oauth/login`` keeps Amazon's parameters here (``amazon_state`` and the callback URI sealed
with the vault's keys) and sends the browser to ``SPAPI_SIGNIN_URL``. The developer's backend
names the signed-in customer (``sign_in``), and the same browser then continues to Amazon
(``take``) once, within ten minutes.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from auth.connect.requests import SessionRequest
from auth.connect.sessions import create_session
from auth.connect.sessions import find_session
from auth.connect.tables import LoginSession
from auth.errors import AppError
from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.crypto import digest
from auth.vault.models import Invitation
from auth.vault.models import utcnow

# How long Amazon honours its amazon_state is UNCONFIRMED (sp-api-authorization.md, 2.5): ten
# minutes, like our own state, keeps a paused sign-in short rather than betting on a longer one.
LIFETIME = timedelta(minutes=10)
ID_PREFIX = "ls_"
ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
SEAL_REGION = "LS"  # binds the sealed parameters to the login session's id
PRUNE_EVERY = 200  # expired rows are deleted one start in this many, as states are


class LoginSessionError(AppError):
    """``kind``: unknown, expired, other_browser, not_signed_in, used, signed_in or too_many."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class Continuation:
    """What ``/oauth/login/continue`` needs to answer Amazon as ``/oauth/login`` would."""

    callback_uri: str
    amazon_state: str
    selling_partner_id: str
    region: str
    account_type: str
    invitation_id: int


def start(
    db: Session,
    vault: TokenVault,
    browser_id: str,
    *,
    callback_uri: str,
    amazon_state: str,
    selling_partner_id: str,
    region: str,
    account_type: str,
    address: str | None = None,
    per_minute: int = 0,
    now: datetime | None = None,
) -> str:
    """Keep Amazon's parameters for ten minutes; return the login session's id.

    :raises LoginSessionError: ``too_many``: the address started more than ``per_minute``.
    """
    now = now or utcnow()
    address_hash = digest(address) if address else None
    if per_minute and address_hash:
        recent = db.scalar(
            select(func.count())
            .select_from(LoginSession)
            .where(
                LoginSession.address_hash == address_hash,
                LoginSession.created_at > now - timedelta(minutes=1),
            )
        )
        if recent >= per_minute:
            raise LoginSessionError("too_many")
    if secrets.randbelow(PRUNE_EVERY) == 0:
        db.execute(delete(LoginSession).where(LoginSession.expires_at < now - timedelta(days=1)))
    session_id = ID_PREFIX + secrets.token_hex(16)
    sealed = vault.seal(session_id, SEAL_REGION, json.dumps({"uri": callback_uri, "state": amazon_state}))
    db.add(
        LoginSession(
            id=session_id,
            browser_hash=digest(browser_id),
            sealed=sealed,
            selling_partner_id=selling_partner_id,
            region=region,
            account_type=account_type,
            created_at=now,
            expires_at=now + LIFETIME,
            address_hash=address_hash,
        )
    )
    db.commit()  # commit point: the browser leaves for the sign-in page with this ID
    return session_id


def find(db: Session, session_id: object) -> LoginSession | None:
    """The login session named ``session_id`` (None for unknown or malformed ids)."""
    if not isinstance(session_id, str) or len(session_id) > 40 or not set(session_id) <= ID_CHARS:
        return None
    return db.get(LoginSession, session_id)


def sign_in(db: Session, session_id: str, request: SessionRequest, key_id: str, now=None) -> str:
    """Record whom the developer signed in; return the connect session that follows the flow.

    :raises LoginSessionError: unknown, expired, used, or signed in already.
    """
    now = now or utcnow()
    row = find(db, session_id)
    if row is None:
        raise LoginSessionError("unknown")
    if row.used_at is not None:
        raise LoginSessionError("used")
    if row.expires_at <= now:
        raise LoginSessionError("expired")
    if row.signed_in_at is not None:
        raise LoginSessionError("signed_in")
    # The connect session follows the rest of the flow; its state will last ten more minutes.
    request = SessionRequest(
        customer_ref=request.customer_ref,
        tags=request.tags,
        tags_given=True,
        account_type=row.account_type,
        expected_partner=row.selling_partner_id,
        return_url=request.return_url,
        expires_in=int((row.expires_at - now).total_seconds()) + 600,
    )
    made = create_session(db, request, kind="login", key_id=key_id, commit=False, now=now)
    made.session.selling_partner_id, made.session.region = row.selling_partner_id, row.region
    # Already bound to the browser Amazon sent: its link is never shown to anyone.
    db.execute(
        update(Invitation)
        .where(Invitation.id == made.session.invitation_id)
        .values(browser_hash=row.browser_hash, opened_at=now)
    )
    claimed = db.execute(
        update(LoginSession)
        .where(LoginSession.id == row.id, LoginSession.signed_in_at.is_(None))
        .values(signed_in_at=now, connect_session_id=made.session.id)
    )
    if claimed.rowcount != 1:
        db.rollback()
        raise LoginSessionError("signed_in")
    db.commit()  # commit point: a login session names one customer, once
    return made.session.id


def take(
    db: Session, vault: TokenVault, session_id: object, browser_id: str | None, now=None
) -> Continuation:
    """Use the login session once, in the browser that started it.

    :raises LoginSessionError: unknown, other_browser, expired, not_signed_in or used.
    """
    now = now or utcnow()
    row = find(db, session_id)
    if row is None:
        raise LoginSessionError("unknown")
    if not browser_id or not secrets.compare_digest(row.browser_hash, digest(browser_id)):
        raise LoginSessionError("other_browser")
    if row.used_at is not None:
        raise LoginSessionError("used")
    if row.expires_at <= now:
        raise LoginSessionError("expired")
    if row.signed_in_at is None:
        raise LoginSessionError("not_signed_in")
    used = db.execute(
        update(LoginSession)
        .where(LoginSession.id == row.id, LoginSession.used_at.is_(None), LoginSession.expires_at > now)
        .values(used_at=now)
    )
    db.commit()  # commit point: a login session continues to Amazon once
    if used.rowcount != 1:
        raise LoginSessionError("used")
    try:
        kept = json.loads(vault.open(row.sealed, row.id, SEAL_REGION))
    except VaultError:
        raise LoginSessionError("unknown") from None
    connected = find_session(db, row.connect_session_id)
    return Continuation(
        kept["uri"],
        kept["state"],
        row.selling_partner_id,
        row.region,
        row.account_type,
        connected.invitation_id,
    )
