"""Completing an authorization at the Redirect URI: state, code, LWA, evidence, storage.

The order matters: nothing reaches LWA before the state is consumed and the code is
recorded as spent; nothing is stored unless LWA handed back a refresh token; and the token
is stored as the partner's active authorization only when the evidence of whose token it is
agrees (``auth.oauth.evidence``), otherwise it waits, encrypted and unused, for the
administrator.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from auth.clients.lwa import LwaClient
from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.config.marketplaces import catalog
from auth.errors import AppError
from auth.errors import Unavailable
from auth.oauth.evidence import CLAIMED
from auth.oauth.evidence import Decision
from auth.oauth.evidence import Evidence
from auth.oauth.evidence import EvidenceCollector
from auth.oauth.evidence import decide
from auth.oauth.invitations import claim_invitation
from auth.oauth.state import FlowContext
from auth.oauth.state import consume_state
from auth.oauth.state import digest
from auth.oauth.tables import UsedCode
from auth.vault.crypto import TokenVault
from auth.vault.crypto import fingerprint
from auth.vault.models import Authorization
from auth.vault.models import Invitation
from auth.vault.models import PendingAuthorization
from auth.vault.models import utcnow
from auth.vault.previous import DEFAULT_POLICY
from auth.vault.previous import VaultPolicy
from auth.vault.store import find_authorization
from auth.vault.store import save_authorization
from auth.vault.store import save_pending

CODE_RE = re.compile(r"[!-~]{1,2048}")
MAX_ERROR_TEXT = 300


class CallbackError(AppError):
    """The callback cannot complete; ``kind`` names why and ``status`` is our answer."""

    def __init__(self, kind: str, status: int = 400, detail: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.status = status
        self.detail = detail


class StorageFailed(Unavailable):
    """LWA spent the code and handed back a token, but the database failed while storing it.

    Whether the commit landed is unknown here; the caller checks (``was_stored``) before
    telling the seller anything. Carries the partner ID and the token's fingerprint only.
    """

    def __init__(self, selling_partner_id: str, region: str, token_fingerprint: str):
        super().__init__(selling_partner_id)
        self.selling_partner_id = selling_partner_id
        self.region = region
        self.token_fingerprint = token_fingerprint


@dataclass(frozen=True)
class Cancelled:
    """The partner came back without a code: cancelled, or Amazon reported an error."""

    context: FlowContext
    error: str | None
    error_description: str | None


def complete_callback(
    db: Session,
    vault: TokenVault,
    lwa: LwaClient,
    redirect_uri: str,
    params: Mapping[str, str],
    browser_id: str | None,
    collector: EvidenceCollector | None = None,
    policy: VaultPolicy = DEFAULT_POLICY,
) -> Authorization | PendingAuthorization | Cancelled:
    """Handle one Redirect URI call; return the active or pending authorization, or the
    cancellation.

    :raises StateError: the state is missing, unknown, foreign, expired or reused.
    :raises CallbackError: the other parameters are unusable, or the code was seen before.
    :raises LwaError: LWA refused the code.
    """
    context = consume_state(db, params.get("state"), browser_id)
    code = params.get("spapi_oauth_code") or ""
    error = params.get("error")
    if error or not code:
        # RFC 6749 error parameters are accepted defensively; Amazon documents none and a
        # cancelled consent may simply come back without a code.
        return Cancelled(context, _short(error), _short(params.get("error_description")))
    if not CODE_RE.fullmatch(code):
        raise CallbackError("malformed_code")
    selling_partner_id = params.get("selling_partner_id") or ""
    if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        raise CallbackError("malformed_selling_partner_id")
    if context.selling_partner_id and context.selling_partner_id != selling_partner_id:
        raise CallbackError("selling_partner_mismatch")
    invitation = db.get(Invitation, context.invitation_id) if context.invitation_id else None
    if invitation is not None and invitation.completed_at is not None:
        raise CallbackError("invitation_used")
    _spend_code(db, code)
    tokens = lwa.exchange_code(code, redirect_uri)
    region = catalog().regions[context.region]
    if collector is None:
        evidence = Evidence(notes=["no evidence was collected"])
    else:
        evidence = collector.collect(region, tokens.access_token, context.account_type, selling_partner_id)
    try:
        return _store(
            db, vault, context, selling_partner_id, tokens.refresh_token, evidence, invitation, policy
        )
    except SQLAlchemyError as error:
        # The code is spent at LWA: only the seller can start again. Whether the commit landed
        # is the caller's question (was_stored), asked before any page is chosen.
        _rollback_quietly(db)
        raise StorageFailed(selling_partner_id, context.region, fingerprint(tokens.refresh_token)) from error


def _store(db, vault, context, selling_partner_id, refresh_token, evidence, invitation, policy):
    """Decide whose token this is and store it, active or pending (one commit each)."""
    lost_race = invitation is not None and not claim_invitation(db, invitation.id, selling_partner_id)
    existing = find_authorization(db, selling_partner_id, context.region)
    if lost_race:
        # A concurrent flow used the link first: this one is neither invited nor a public
        # flow the administrator allowed, so it waits for a decision.
        invitation = None
        decision = Decision(False, CLAIMED, "the invitation was used by another flow at the same moment")
    else:
        decision = decide(existing, evidence, invitation, selling_partner_id)
    common = dict(
        selling_partner_id=selling_partner_id,
        region=context.region,
        account_type=context.account_type,
        workflow=context.flow,
        refresh_token=refresh_token,
        trust=decision.trust,
        evidence=evidence.as_dict(),
        customer_label=decision.customer_label,
        invitation_id=invitation.id if invitation else None,
    )
    if decision.activate:
        return save_authorization(db, vault, reason=decision.reason, policy=policy, **common)
    return save_pending(db, vault, reason=decision.reason, policy=policy, **common)


def was_stored(db: Session, failure: StorageFailed) -> Authorization | PendingAuthorization | None:
    """After a ``StorageFailed``, the row its token landed in, if the commit did land.

    :raises SQLAlchemyError: the database still cannot answer.
    """
    for model in (Authorization, PendingAuthorization):
        row = db.scalars(
            select(model).where(
                model.selling_partner_id == failure.selling_partner_id,
                model.region == failure.region,
                model.fingerprint == failure.token_fingerprint,
            )
        ).first()
        if row is not None:
            return row
    return None


def _rollback_quietly(db: Session) -> None:
    try:
        db.rollback()
    except SQLAlchemyError:
        pass  # the connection is gone; the session is discarded by the caller


def _spend_code(db: Session, code: str) -> None:
    """Record the code as used; a second arrival of the same code is a replay."""
    db.add(UsedCode(code_hash=digest(code), seen_at=utcnow()))
    try:
        db.commit()  # commit point: a code is recorded as spent before it goes to LWA
    except IntegrityError:
        db.rollback()
        raise CallbackError("code_replayed") from None


def _short(value: str | None) -> str | None:
    return value[:MAX_ERROR_TEXT] if value else None
