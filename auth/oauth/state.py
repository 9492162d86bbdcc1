"""The OAuth ``state``: issued once, bound to one browser, short-lived, consumed atomically.

RFC 9700 section 2.1 asks for one-time CSRF tokens bound to the user agent when the server
supports no PKCE, which is the case of Amazon's consent flow.
"""

import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from auth.errors import AppError
from auth.oauth.tables import OAuthState
from auth.oauth.tables import UsedCode
from auth.vault.crypto import digest
from auth.vault.models import UTCDateTime
from auth.vault.models import utcnow

STATE_TTL = timedelta(minutes=10)
STATE_RE = re.compile(r"[A-Za-z0-9_-]{16,128}")
_INSERT_STATE = insert(OAuthState.__table__)
_COUNT_RECENT = (
    select(func.count())
    .select_from(OAuthState)
    .where(
        OAuthState.address_hash == bindparam("address_hash"),
        OAuthState.created_at > bindparam("since", type_=UTCDateTime()),
    )
)
# LWA codes live five minutes; an hour of memory refuses every replay LWA itself would accept.
CODE_MEMORY = timedelta(hours=1)
# Rows are pruned one issuance in this many, so the table stays small at no per-request cost.
PRUNE_EVERY = 200


class StateError(AppError):
    """A callback's state cannot be accepted; ``reason`` says why, for the person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FlowContext:
    """What we recorded when the flow started, returned when its state is consumed."""

    flow: str
    account_type: str
    region: str
    marketplace_id: str | None = None
    selling_partner_id: str | None = None
    invitation_id: int | None = None
    # What the app sent to Amazon with this state (application_id, version, redirect_uri,
    # app_status): never a secret, and read back when Amazon answers with an error code.
    consent_sent: dict | None = None


def new_browser_id() -> str:
    """Return a random identifier for one browser, kept in its signed session cookie."""
    return secrets.token_urlsafe(32)


class TooManyStates(AppError):
    """One client address started more authorizations in a minute than anyone needs."""

    status = 429
    kind = "rate_limited"


def issue_state(
    engine: Engine,
    browser_id: str,
    context: FlowContext,
    now: datetime | None = None,
    *,
    address: str | None = None,
    per_minute: int = 0,
) -> str:
    """Create, store (hashed) and return a fresh 256-bit state for ``browser_id``.

    With ``per_minute``, at most that many states a minute are issued to one client ``address``.

    :raises TooManyStates: the address is over its limit.
    """
    now = now or utcnow()
    state = secrets.token_urlsafe(32)
    address_hash = digest(address) if address else None
    # A prebuilt Core INSERT in its own short transaction, not the ORM unit of work: this runs
    # on every authorization start and the ORM's bookkeeping cost more than the write itself
    # (measured with bench/flow.py).
    with engine.begin() as connection:
        if per_minute and address_hash:
            recent = connection.execute(
                _COUNT_RECENT, {"address_hash": address_hash, "since": now - timedelta(minutes=1)}
            ).scalar()
            if recent >= per_minute:
                raise TooManyStates()
        connection.execute(
            _INSERT_STATE,
            {
                "state_hash": digest(state),
                "browser_hash": digest(browser_id),
                "flow": context.flow,
                "account_type": context.account_type,
                "region": context.region,
                "marketplace_id": context.marketplace_id,
                "selling_partner_id": context.selling_partner_id,
                "invitation_id": context.invitation_id,
                "consent_sent": json.dumps(context.consent_sent) if context.consent_sent else None,
                "address_hash": address_hash,
                "created_at": now,
                "expires_at": now + STATE_TTL,
            },
        )
        if secrets.randbelow(PRUNE_EVERY) == 0:
            prune(connection, now)
    return state


def prune(db: Session | Connection, now: datetime) -> None:
    """Delete expired states, and spent codes older than any code could still be replayed."""
    # At the exact boundary either choice is right (such a state is refused anyway).
    db.execute(delete(OAuthState).where(OAuthState.expires_at < now))  # pragma: no mutate
    db.execute(delete(UsedCode).where(UsedCode.seen_at < now - CODE_MEMORY))  # pragma: no mutate


def consume_state(
    db: Session, state: str | None, browser_id: str | None, now: datetime | None = None
) -> FlowContext:
    """Consume ``state`` for ``browser_id`` exactly once and return its flow context.

    One conditional UPDATE does the check and the write, so of two racing callbacks with the
    same state only one can see ``rowcount == 1``.

    :raises StateError: missing, malformed, unknown, foreign, expired or reused state.
    """
    if not state:
        raise StateError("missing")
    if not STATE_RE.fullmatch(state):
        raise StateError("malformed")
    if not browser_id:
        raise StateError("foreign")
    now = now or utcnow()
    state_hash, browser_hash = digest(state), digest(browser_id)
    result = db.execute(
        update(OAuthState)
        .where(
            OAuthState.state_hash == state_hash,
            OAuthState.browser_hash == browser_hash,
            OAuthState.consumed_at.is_(None),
            OAuthState.expires_at > now,
        )
        .values(consumed_at=now)
    )
    db.commit()  # commit point: a state is spent before its code goes to LWA
    row = db.scalars(select(OAuthState).where(OAuthState.state_hash == state_hash)).one_or_none()
    if result.rowcount == 1 and row is not None:
        return FlowContext(
            row.flow,
            row.account_type,
            row.region,
            row.marketplace_id,
            row.selling_partner_id,
            row.invitation_id,
            _sent(row.consent_sent),
        )
    raise StateError(_why_rejected(row, browser_hash, now))


def _sent(stored: str | None) -> dict | None:
    try:
        value = json.loads(stored) if stored else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _why_rejected(row: OAuthState | None, browser_hash: str, now: datetime) -> str:
    """Name the reason a state was refused, so the page can say what to do."""
    if row is None:
        return "unknown"
    if not hmac.compare_digest(row.browser_hash, browser_hash):
        return "foreign"
    if row.consumed_at is not None:
        return "reused"
    return "expired"
