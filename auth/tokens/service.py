"""What an API key may get, and getting it: access tokens for stored authorizations, RDTs
through the Tokens API, grantless tokens; each use counted against the key's rate and
recorded in the audit trail (never a secret).

One request reads as one short path: authenticate the key → admit the operation (rate and
scope) → find the authorization → get the token → record the use. This is the hot path (a
worker asks before every SP-API call), so under load (``auth.tokens.load``) the key and the
authorization come from short-lived ``snapshots`` and uses are written in groups
(``auth.tokens.writer``); a process serving one request at a time reads and writes everything
every time, so a revocation, a deletion or a limit takes effect at once.
"""

import json
import time
from contextlib import contextmanager

from sqlalchemy.orm import Session

from auth.clients.lwa import LwaError
from auth.clients.token_cache import AccessTokenCache
from auth.clients.token_cache import CachedToken
from auth.config.identifiers import GRANTLESS_SCOPES
from auth.security.api_keys import ApiKeyError
from auth.security.api_keys import allows_scope
from auth.security.api_keys import authenticate
from auth.tokens.allowance import Allowances
from auth.tokens.handles import make_handle
from auth.tokens.load import LoadMeter
from auth.tokens.refusals import INVALID_GRANT
from auth.tokens.refusals import AuthorizationView
from auth.tokens.refusals import Issued
from auth.tokens.refusals import KeyView
from auth.tokens.refusals import ServiceError
from auth.tokens.restricted import ask_tokens_api
from auth.tokens.restricted import check_resources
from auth.tokens.snapshots import Snapshots
from auth.tokens.stored import still_usable
from auth.tokens.stored import usable_authorization
from auth.tokens.usage import Use
from auth.tokens.writer import UseWriter
from auth.vault.crypto import TokenVault
from auth.vault.crypto import digest
from auth.vault.customers import of_row
from auth.vault.models import Authorization
from auth.vault.models import utcnow
from auth.vault.store import list_authorizations
from auth.vault.store import mark_revoked

__all__ = ["AuthorizationView", "Issued", "KeyView", "ServiceError", "TokenService"]


class TokenService:
    """The service's rules, shared by the LWA-compatible endpoint and the JSON API."""

    def __init__(
        self, vault: TokenVault, cache: AccessTokenCache, url_for_amazon, clock=time.monotonic, sessions=None
    ):
        self.vault, self.cache, self.url_for_amazon, self.clock = vault, cache, url_for_amazon, clock
        self.load = LoadMeter(clock)
        self.uses = UseWriter(sessions, clock)
        self.usage = self.uses.book  # the grouped uses (tests and benchmarks read them)
        self.keys = Snapshots(clock)
        self.allowances = Allowances()
        self.stored = Snapshots(clock)

    @contextmanager
    def request(self, db: Session):
        """Serve one request: count it against the load, write its uses when due."""
        try:
            with self.load.serving():
                yield
        finally:
            self.uses.after_request(db, self.busy())

    def busy(self) -> bool:
        """True when this process is under load: snapshots of keys and authorizations may serve."""
        return self.load.busy()

    def flush(self, db: Session) -> None:
        """Write every pending use now."""
        self.uses.write(db)

    def stop(self) -> None:
        """Stop the background writer after a last write (also done at interpreter exit)."""
        self.uses.stop()

    # The operations: each one short path --------------------------------------------------

    def authenticate(self, db: Session, key_id: str | None, secret: str | None) -> KeyView:
        """The key, or ``invalid_client`` (unknown, wrong secret, revoked, expired)."""
        cache_key = (key_id or "", digest(secret or ""))
        cached = self.keys.get(cache_key) if self.busy() else None
        if cached is not None:
            return cached
        try:
            row = authenticate(db, key_id, secret)
        except ApiKeyError as error:
            raise ServiceError(
                "invalid_client", f"Client authentication failed ({error.kind} key)", 401
            ) from None
        partners = json.loads(row.partners) if row.partners else None
        view = KeyView(
            row.id,
            tuple(row.operations.split(",")),
            frozenset(partners) if partners else None,
            row.rate_per_minute,
        )
        self.keys.put(cache_key, view)
        return view

    def access_token(self, db: Session, key: KeyView, selling_partner_id: str, region: str) -> Issued:
        """An access token for a stored, active authorization the key may use."""
        self._admit(db, key, "access_tokens", selling_partner_id, region)
        stored = self._authorization(db, key, selling_partner_id, region, "access_tokens")
        token = self._token_for(db, key, stored, "access_tokens")
        self._record(key, "access_tokens", "ok", selling_partner_id, region)
        return Issued(token.access_token, self._left(token), selling_partner_id, region)

    def restricted_data_token(
        self,
        db: Session,
        key: KeyView,
        selling_partner_id: str,
        region: str,
        resources,
        target_application=None,
    ) -> dict:
        """An RDT from the Tokens API, asked with the authorization's access token."""
        operation = "restricted_data_tokens"
        self._admit(db, key, operation, selling_partner_id, region)
        try:
            check_resources(resources)
        except ServiceError as error:
            self._refuse(db, key, operation, error.kind, error.message)
        stored = self._authorization(db, key, selling_partner_id, region, operation)
        token = self._token_for(db, key, stored, operation)
        outcome, answer = ask_tokens_api(
            token.access_token, region, resources, target_application, self.url_for_amazon
        )
        self._record(key, operation, outcome, selling_partner_id, region)
        if isinstance(answer, ServiceError):
            self.uses.write_quietly(db)
            raise answer
        return answer

    def grantless_token(self, db: Session, key: KeyView, scope: str) -> Issued:
        """A grantless token for one of LWA's client-credentials scopes."""
        self._admit(db, key, "grantless")
        if scope not in GRANTLESS_SCOPES:
            self._refuse(
                db, key, "grantless", "invalid_scope", "The request has an invalid parameter : scope"
            )
        if not allows_scope(key.operations, scope, key.partners is not None):
            self._refuse(db, key, "grantless", "unauthorized_client", f"This API key may not get {scope}")
        try:
            token = self.cache.for_scope(scope)
        except LwaError as error:
            self._upstream(db, key, "grantless", error)
        self._record(key, "grantless", "ok", scope=scope)
        return Issued(token.access_token, self._left(token), scope=scope)

    def authorizations(self, db: Session, key: KeyView) -> list[dict]:
        """The stored authorizations the key may use, with their handles."""
        return [
            {
                "selling_partner_id": row.selling_partner_id,
                "region": row.region,
                "account_type": row.account_type,
                "status": "needs_reauthorization" if row.needs_reauthorization else "active",
                "handle": make_handle(row.selling_partner_id, row.region),
                "authorized_at": row.authorized_at.isoformat(),
                **of_row(row),
                "health": row.health,
                "last_checked_at": row.last_checked_at.isoformat() if row.last_checked_at else None,
            }
            for row in list_authorizations(db)
            if key.partners is None or row.selling_partner_id in key.partners
        ]

    # The rules ------------------------------------------------------------------------------

    def _left(self, token: CachedToken) -> int:
        """Seconds the token still lives (a cached one has less than its first expires_in)."""
        return max(0, int(token.expires_at - self.cache.clock()))

    def _admit(self, db, key: KeyView, operation, selling_partner_id=None, region=None) -> None:
        now = utcnow()
        if not self.allowances.take(db, key.id, int(now.timestamp() // 60), key.rate_per_minute):
            self._record(key, operation, "rate_limited", selling_partner_id, region)
            self.uses.write_quietly(db)
            raise ServiceError(
                "rate_limited",
                f"This API key allows {key.rate_per_minute} requests a minute",
                429,
                retry_after=60 - now.timestamp() % 60,
            )
        if not key.allows(operation):
            message = f"This API key may not get {operation.replace('_', ' ')}"
            self._refuse(db, key, operation, "unauthorized_client", message)

    def _authorization(self, db, key: KeyView, selling_partner_id, region, operation) -> AuthorizationView:
        # Out of scope, unknown, pending and revoked look alike (see INVALID_GRANT).
        if not key.allows(operation, selling_partner_id):
            self._refuse(db, key, operation, "invalid_grant", INVALID_GRANT, selling_partner_id, region)
        view = self.stored.get((selling_partner_id, region)) if self.busy() else None
        if view is not None and not still_usable(db, view.id):
            # Revoked or deleted since the snapshot, maybe by another process or `check`: one
            # primary-key read per request makes a revocation fleet-wide on the next request.
            view = None
        if view is None:
            view = usable_authorization(db, self.vault, selling_partner_id, region)
            if view is not None:  # never remember misses: a key could fill memory with made-up IDs
                self.stored.put((selling_partner_id, region), view)
        if view is None:
            self._refuse(db, key, operation, "invalid_grant", INVALID_GRANT, selling_partner_id, region)
        return view

    def _token_for(self, db, key: KeyView, stored: AuthorizationView, operation) -> CachedToken:
        if not self.cache.has_fresh(stored.refresh_token):
            # The request's connection goes back to the pool before a possibly long wait for
            # another process's LWA request: waiting callers must not hold the pool's connections.
            db.rollback()
        try:
            return self.cache.for_refresh_token(stored.refresh_token)
        except LwaError as error:
            if error.kind == "invalid_grant":
                row = db.get(Authorization, stored.id)
                if row is not None:
                    mark_revoked(db, row)
                    db.commit()  # commit point: the revocation must hold whatever happens next
                self.stored.drop((stored.selling_partner_id, stored.region))
            self._upstream(db, key, operation, error, stored.selling_partner_id, stored.region)

    def _refuse(self, db, key, operation, kind, message, selling_partner_id=None, region=None):
        self._record(key, operation, kind, selling_partner_id, region)
        self.uses.write_quietly(db)
        raise ServiceError(kind, message, 401 if kind == "invalid_client" else 400)

    def _upstream(self, db, key, operation, error: LwaError, selling_partner_id=None, region=None):
        self._record(key, operation, f"lwa_{error.kind}", selling_partner_id, region)
        self.uses.write_quietly(db)
        if error.kind == "rate_limited" or error.http_status == 429:
            raise ServiceError(
                "temporarily_unavailable", "LWA asked to slow down", 429, retry_after=error.retry_after
            )
        if error.kind == "invalid_grant":
            raise ServiceError("invalid_grant", INVALID_GRANT, 400)
        raise ServiceError(
            "server_error", f"LWA failed: {error.kind}", 504 if error.kind == "timeout" else 502
        )

    def _record(
        self, key: KeyView, operation, outcome, selling_partner_id=None, region=None, **detail
    ) -> None:
        self.uses.record(Use(key.id, operation, outcome, utcnow(), selling_partner_id, region, detail))
