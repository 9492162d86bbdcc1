"""What an API key may get, and getting it: access tokens for stored authorizations, RDTs
through the Tokens API, grantless tokens; each use counted against the key's rate and
recorded in the audit trail (never a secret).

This is the hot path (a worker asks before every SP-API call), so under concurrent load a
process keeps what it read for ``SNAPSHOT_SECONDS`` (the key, the authorization) and writes
uses in groups (``auth.tokens.usage``). A process serving one request at a time reads and
writes everything every time, so a revocation, a deletion or a limit takes effect at once.
"""

import json
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from auth.clients.lwa import LwaError
from auth.clients.spapi_client import call_operation
from auth.clients.token_cache import AccessTokenCache
from auth.clients.token_cache import CachedToken
from auth.config.identifiers import GRANTLESS_SCOPES
from auth.config.marketplaces import catalog
from auth.errors import AppError
from auth.security.api_keys import ApiKeyError
from auth.security.api_keys import allows_scope
from auth.security.api_keys import authenticate
from auth.tokens.handles import make_handle
from auth.tokens.usage import FLUSH_AFTER
from auth.tokens.usage import UsageBook
from auth.tokens.usage import Use
from auth.vault import changes
from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.crypto import digest
from auth.vault.customers import of_row
from auth.vault.models import Authorization
from auth.vault.models import utcnow
from auth.vault.store import find_authorization
from auth.vault.store import list_authorizations
from auth.vault.store import mark_revoked

log = logging.getLogger(__name__)
RDT_PATH = "/tokens/2021-03-01/restrictedDataToken"
SNAPSHOT_SECONDS = 1.0
STREAM_GAP = 0.05
MAX_SNAPSHOTS = 10_000
INVALID_GRANT = "The request has an invalid grant parameter : refresh_token"


class ServiceError(AppError):
    """A refusal: ``kind`` in LWA's vocabulary where one fits, an HTTP status, a message."""

    def __init__(self, kind: str, message: str, status: int = 400, retry_after: float | None = None, **extra):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.extra = extra


@dataclass(frozen=True)
class KeyView:
    """What the service needs of an API key (a copy: rows do not outlive their session)."""

    id: str
    operations: tuple[str, ...]
    partners: frozenset[str] | None
    rate_per_minute: int

    def allows(self, operation: str, selling_partner_id: str | None = None) -> bool:
        """True when the key may do ``operation`` (for ``selling_partner_id``)."""
        if operation not in self.operations:
            return False
        return selling_partner_id is None or self.partners is None or selling_partner_id in self.partners


@dataclass(frozen=True)
class AuthorizationView:
    """A stored authorization's usable parts: its row ID and decrypted refresh token."""

    id: int
    selling_partner_id: str
    region: str
    refresh_token: str


@dataclass(frozen=True)
class Issued:
    """A token handed to a worker."""

    access_token: str
    expires_in: int
    selling_partner_id: str | None = None
    region: str | None = None
    scope: str | None = None


class TokenService:
    """The service's rules, shared by the LWA-compatible endpoint and the JSON API."""

    def __init__(
        self, vault: TokenVault, cache: AccessTokenCache, url_for_amazon, clock=time.monotonic, sessions=None
    ):
        self.vault = vault
        self.sessions = sessions  # for the background writer of grouped uses
        self._flusher: threading.Thread | None = None
        self.cache = cache
        self.url_for_amazon = url_for_amazon
        self.clock = clock
        self.usage = UsageBook(clock)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._keys: dict[tuple[str, str], tuple[KeyView, float, int]] = {}
        self._authorizations: dict[tuple[str, str], tuple[AuthorizationView | None, float, int]] = {}
        self._last_start = 0.0
        self._local = threading.local()

    @contextmanager
    def request(self, db: Session):
        """Serve one request: note whether others are in flight, write uses when due."""
        with self._lock:
            self._in_flight += 1
            now = self.clock()
            # A steady stream (another request began within the last 50 ms) counts as load
            # too: reads may come from the 1-second snapshots and writes are grouped.
            under_load = self._in_flight > 1 or now - self._last_start < STREAM_GAP
            self._last_start = now
        self._local.under_load = under_load
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
            if self.usage.due(self.busy()):
                self._flush_quietly(db)
            elif self.sessions is not None:
                self._start_flusher()

    def _start_flusher(self) -> None:
        """A daemon thread that writes grouped uses once they are FLUSH_AFTER old, so that a
        burst followed by silence is written without waiting for the next request."""
        with self._lock:
            if self._flusher is not None and self._flusher.is_alive():
                return
            self._flusher = threading.Thread(target=self._flush_forever, name="api-key-uses", daemon=True)
            self._flusher.start()

    def _flush_forever(self) -> None:
        while True:
            time.sleep(FLUSH_AFTER / 4)
            if self.usage.due(busy=True):
                with self.sessions() as db:
                    self._flush_quietly(db)

    def _flush_quietly(self, db: Session) -> None:
        """Write the pending uses; a failed write (a deadlock, a lost connection) keeps them
        for the next one instead of failing a request whose token was already handed out."""
        try:
            self.usage.flush(db)
        except SQLAlchemyError as error:
            log.warning("API-key uses kept for the next write: %s", type(error).__name__)

    def busy(self) -> bool:
        """True when this process is under load: snapshots of keys and authorizations may serve."""
        return getattr(self._local, "under_load", False)

    def flush(self, db: Session) -> None:
        """Write every pending use now."""
        self.usage.flush(db)

    # Operations --------------------------------------------------------------------------

    def authenticate(self, db: Session, key_id: str | None, secret: str | None) -> KeyView:
        """The key, or ``invalid_client`` (unknown, wrong secret, revoked, expired)."""
        cache_key = (key_id or "", digest(secret or ""))
        cached = self._keys.get(cache_key)
        if self.busy() and cached and cached[1] > self.clock() and cached[2] == changes.epoch():
            return cached[0]
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
        if len(self._keys) >= MAX_SNAPSHOTS:
            self._keys.clear()
        self._keys[cache_key] = (view, self.clock() + SNAPSHOT_SECONDS, changes.epoch())
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
        if not isinstance(resources, list) or not resources or len(resources) > 50:
            self._refuse(
                db,
                key,
                operation,
                "invalid_request",
                "restricted_resources must be a list of 1 to 50 resources",
            )
        stored = self._authorization(db, key, selling_partner_id, region, operation)
        token = self._token_for(db, key, stored, operation)
        body = {"restrictedResources": resources}
        if target_application:
            body["targetApplication"] = str(target_application)[:200]
        answer = call_operation(
            catalog().regions[region],
            token.access_token,
            "POST",
            RDT_PATH,
            body=json.dumps(body),
            sandbox=False,
            url_for_amazon=self.url_for_amazon,
        )
        if answer.status != 200:
            self._record(key, operation, f"amazon_{answer.status}", selling_partner_id, region)
            self._flush_quietly(db)
            raise ServiceError(
                "amazon_error",
                answer.error or "The Tokens API refused the request",
                answer.status if answer.status in (400, 403, 404, 429) else 502,
                amazon_status=answer.status,
                amazon_errors=_errors_of(answer.body),
                request_id=answer.request_id,
            )
        data = _rdt_of(answer.body)
        if data is None:
            self._record(key, operation, "amazon_bad_body", selling_partner_id, region)
            self._flush_quietly(db)
            raise ServiceError(
                "amazon_error",
                "The Tokens API answered 200 without a restrictedDataToken and expiresIn",
                502,
                amazon_status=answer.status,
                request_id=answer.request_id,
            )
        self._record(key, operation, "ok", selling_partner_id, region)
        return data

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

    # Rules ----------------------------------------------------------------------------------

    def _left(self, token: CachedToken) -> int:
        """Seconds the token still lives (a cached one has less than its first expires_in)."""
        return max(0, int(token.expires_at - self.cache.clock()))

    def _admit(self, db, key: KeyView, operation, selling_partner_id=None, region=None) -> None:
        now = utcnow()
        if self.usage.used(key.id, int(now.timestamp() // 60)) >= key.rate_per_minute:
            self._record(key, operation, "rate_limited", selling_partner_id, region)
            self._flush_quietly(db)
            raise ServiceError(
                "rate_limited",
                f"This API key allows {key.rate_per_minute} requests a minute",
                429,
                retry_after=60 - now.timestamp() % 60,
            )
        if not key.allows(operation):
            self._refuse(
                db,
                key,
                operation,
                "unauthorized_client",
                f"This API key may not get {operation.replace('_', ' ')}",
            )

    def _authorization(self, db, key: KeyView, selling_partner_id, region, operation) -> AuthorizationView:
        # Out of scope, unknown, pending and revoked look alike: LWA's answer for a refresh
        # token it does not honour, so a key learns nothing about partners it may not use.
        if not key.allows(operation, selling_partner_id):
            self._refuse(db, key, operation, "invalid_grant", INVALID_GRANT, selling_partner_id, region)
        found = self._authorizations.get((selling_partner_id, region)) if self.busy() else None
        if found is not None and found[0] is not None and not _still_usable(db, found[0].id):
            # Revoked or deleted since the snapshot, maybe by another process or `check`: one
            # primary-key read per request makes a revocation fleet-wide on the next request.
            found = None
        if found is None or found[1] <= self.clock() or found[2] != changes.epoch():
            view = None
            row = find_authorization(db, selling_partner_id, region)
            # A revoked row is refused at once, whichever process or command found it out.
            if row is not None and not row.needs_reauthorization and row.health != "revoked":
                try:
                    token = self.vault.open(row.refresh_token_encrypted, row.selling_partner_id, row.region)
                    view = AuthorizationView(row.id, row.selling_partner_id, row.region, token)
                except VaultError:
                    view = None
            found = (view, self.clock() + SNAPSHOT_SECONDS, changes.epoch())
            if view is not None:  # never remember misses: a key could fill memory with made-up IDs
                if len(self._authorizations) >= MAX_SNAPSHOTS:
                    self._authorizations.clear()
                self._authorizations[(selling_partner_id, region)] = found
        if found[0] is None:
            self._refuse(db, key, operation, "invalid_grant", INVALID_GRANT, selling_partner_id, region)
        return found[0]

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
                    db.commit()
                self._authorizations.pop((stored.selling_partner_id, stored.region), None)
            self._upstream(db, key, operation, error, stored.selling_partner_id, stored.region)

    def _refuse(self, db, key, operation, kind, message, selling_partner_id=None, region=None):
        self._record(key, operation, kind, selling_partner_id, region)
        self._flush_quietly(db)
        raise ServiceError(kind, message, 401 if kind == "invalid_client" else 400)

    def _upstream(self, db, key, operation, error: LwaError, selling_partner_id=None, region=None):
        self._record(key, operation, f"lwa_{error.kind}", selling_partner_id, region)
        self._flush_quietly(db)
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
        self.usage.add(Use(key.id, operation, outcome, utcnow(), selling_partner_id, region, detail))


# Built once: this runs on every request under load, so it skips the ORM's per-call work
# (about 60 microseconds on SQLite instead of 230).
_USABLE = select(Authorization.health, Authorization.needs_reauthorization).where(
    Authorization.id == bindparam("authorization_id")
)


def _still_usable(db: Session, authorization_id: int) -> bool:
    """True while the row exists and LWA has not refused its token."""
    row = db.connection().execute(_USABLE, {"authorization_id": authorization_id}).first()
    return row is not None and row.health != "revoked" and not row.needs_reauthorization


def _errors_of(body: str) -> list:
    try:
        errors = json.loads(body).get("errors")
    except (ValueError, AttributeError, RecursionError):
        return []
    return errors if isinstance(errors, list) else []


def _rdt_of(body: str) -> dict | None:
    """The token and lifetime of a Tokens API answer, or None when it is not that shape."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    token, expires = data.get("restrictedDataToken"), data.get("expiresIn")
    if not isinstance(token, str) or not token or not isinstance(expires, int) or isinstance(expires, bool):
        return None
    return {"restricted_data_token": token, "expires_in": expires}
