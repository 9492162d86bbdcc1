"""Completing an authorization at the Redirect URI: state, code, LWA, encrypted storage.

The order matters: nothing reaches LWA before the state is consumed and the code is
recorded as spent, and nothing is stored unless LWA handed back a refresh token.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.clients.lwa import LwaClient
from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.oauth.state import FlowContext
from auth.oauth.state import consume_state
from auth.oauth.state import digest
from auth.vault.crypto import TokenVault
from auth.vault.models import Authorization
from auth.vault.models import UsedCode
from auth.vault.models import utcnow
from auth.vault.store import save_authorization

CODE_RE = re.compile(r"[!-~]{1,2048}")
MAX_ERROR_TEXT = 300


class CallbackError(Exception):
    """The callback cannot complete; ``kind`` names why and ``status`` is our answer."""

    def __init__(self, kind: str, status: int = 400, detail: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.status = status
        self.detail = detail


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
) -> Authorization | Cancelled:
    """Handle one Redirect URI call and return the stored authorization or the cancellation.

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
    _spend_code(db, code)
    tokens = lwa.exchange_code(code, redirect_uri)
    return save_authorization(
        db,
        vault,
        selling_partner_id=selling_partner_id,
        region=context.region,
        account_type=context.account_type,
        workflow=context.flow,
        refresh_token=tokens.refresh_token,
    )


def _spend_code(db: Session, code: str) -> None:
    """Record the code as used; a second arrival of the same code is a replay."""
    db.add(UsedCode(code_hash=digest(code), seen_at=utcnow()))
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise CallbackError("code_replayed") from None


def _short(value: str | None) -> str | None:
    return value[:MAX_ERROR_TEXT] if value else None
