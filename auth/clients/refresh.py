"""Getting an access token for a stored authorization and recording how it went."""

from sqlalchemy.orm import Session

from auth.clients.lwa import LwaError
from auth.clients.token_cache import AccessTokenCache
from auth.clients.token_cache import CachedToken
from auth.vault import health
from auth.vault.crypto import TokenVault
from auth.vault.models import Authorization
from auth.vault.models import utcnow


def refresh_stored(
    db: Session, vault: TokenVault, cache: AccessTokenCache, row: Authorization, force: bool = False
) -> CachedToken:
    """Return an access token for ``row``; an invalid_grant marks it as needing re-authorization.

    :raises VaultError: the stored token cannot be decrypted (re-authorization needed too).
    :raises LwaError: LWA refused or failed.
    """
    refresh_token = vault.open(row.refresh_token_encrypted, row.selling_partner_id, row.region)
    row.last_refresh_at = utcnow()
    try:
        token = cache.for_refresh_token(refresh_token, force=force)
    except LwaError as error:
        row.last_refresh_result = error.kind
        if error.kind == "invalid_grant":
            health.record_revoked(db, row)
            cache.forget(refresh_token)
        elif error.retryable:
            health.record_failing(db, row, error.kind)
        db.commit()  # commit point: a revocation must hold whatever happens next
        raise
    row.last_refresh_result = "ok"
    health.record_ok(db, row)
    db.commit()  # commit point: a refresh LWA answered is recorded whatever happens next
    return token
