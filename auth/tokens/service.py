"""What an API key may get, and getting it: access tokens for stored authorizations, RDTs
through the Tokens API, grantless tokens; each use counted against the key's rate and
recorded in the audit trail (never a secret)."""

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from auth.clients.lwa import LwaError
from auth.clients.spapi_client import call_operation
from auth.clients.token_cache import AccessTokenCache
from auth.clients.token_cache import CachedToken
from auth.config.identifiers import GRANTLESS_SCOPES
from auth.config.marketplaces import catalog
from auth.security.api_keys import ApiKeyError
from auth.security.api_keys import allows
from auth.security.api_keys import authenticate
from auth.security.api_keys import count_use
from auth.security.api_keys import partners_of
from auth.tokens.handles import make_handle
from auth.vault import audit
from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.models import ApiKey
from auth.vault.models import Authorization
from auth.vault.store import find_authorization
from auth.vault.store import list_authorizations

RDT_PATH = "/tokens/2021-03-01/restrictedDataToken"


class ServiceError(Exception):
    """A refusal: ``kind`` in LWA's vocabulary where one fits, an HTTP status, a message."""

    def __init__(self, kind: str, message: str, status: int = 400, retry_after: float | None = None, **extra):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.extra = extra


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

    def __init__(self, vault: TokenVault, cache: AccessTokenCache, url_for_amazon):
        self.vault = vault
        self.cache = cache
        self.url_for_amazon = url_for_amazon

    def authenticate(self, db: Session, key_id: str | None, secret: str | None) -> ApiKey:
        """The key, or ``invalid_client`` (unknown, wrong secret, revoked, expired)."""
        try:
            return authenticate(db, key_id, secret)
        except ApiKeyError as error:
            raise ServiceError(
                "invalid_client", f"Client authentication failed ({error.kind} key)", 401
            ) from None

    def access_token(self, db: Session, key: ApiKey, selling_partner_id: str, region: str) -> Issued:
        """An access token for a stored, active authorization the key may use."""
        self._admit(db, key, "access_tokens", selling_partner_id, region)
        row = self._authorization(db, key, selling_partner_id, region, "access_tokens")
        token = self._token_for(db, key, row, "access_tokens")
        self._record(db, key, "access_tokens", "ok", selling_partner_id, region)
        return Issued(token.access_token, self._left(token), selling_partner_id, region)

    def restricted_data_token(
        self,
        db: Session,
        key: ApiKey,
        selling_partner_id: str,
        region: str,
        resources,
        target_application=None,
    ) -> dict:
        """An RDT from the Tokens API, asked with the authorization's access token."""
        self._admit(db, key, "restricted_data_tokens", selling_partner_id, region)
        if not isinstance(resources, list) or not resources or len(resources) > 50:
            self._refuse(
                db,
                key,
                "restricted_data_tokens",
                "invalid_request",
                "restricted_resources must be a list of 1 to 50 resources",
            )
        row = self._authorization(db, key, selling_partner_id, region, "restricted_data_tokens")
        token = self._token_for(db, key, row, "restricted_data_tokens")
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
            errors = _errors_of(answer.body)
            status = answer.status if answer.status in (400, 403, 404, 429) else 502
            self._record(
                db, key, "restricted_data_tokens", f"amazon_{answer.status}", selling_partner_id, region
            )
            db.commit()
            raise ServiceError(
                "amazon_error",
                answer.error or "The Tokens API refused the request",
                status,
                amazon_status=answer.status,
                amazon_errors=errors,
                request_id=answer.request_id,
            )
        data = json.loads(answer.body)
        self._record(db, key, "restricted_data_tokens", "ok", selling_partner_id, region)
        return {"restricted_data_token": data["restrictedDataToken"], "expires_in": data["expiresIn"]}

    def grantless_token(self, db: Session, key: ApiKey, scope: str) -> Issued:
        """A grantless token for one of LWA's client-credentials scopes."""
        self._admit(db, key, "grantless")
        if scope not in GRANTLESS_SCOPES:
            self._refuse(
                db, key, "grantless", "invalid_scope", "The request has an invalid parameter : scope"
            )
        try:
            token = self.cache.for_scope(scope)
        except LwaError as error:
            self._upstream(db, key, "grantless", error)
        self._record(db, key, "grantless", "ok", scope=scope)
        return Issued(token.access_token, self._left(token), scope=scope)

    def authorizations(self, db: Session, key: ApiKey) -> list[dict]:
        """The stored authorizations the key may use, with their handles."""
        allowed = partners_of(key)
        return [
            {
                "selling_partner_id": row.selling_partner_id,
                "region": row.region,
                "account_type": row.account_type,
                "status": "needs_reauthorization" if row.needs_reauthorization else "active",
                "handle": make_handle(row.selling_partner_id, row.region),
                "authorized_at": row.authorized_at.isoformat(),
            }
            for row in list_authorizations(db)
            if allowed is None or row.selling_partner_id in allowed
        ]

    def _left(self, token: CachedToken) -> int:
        """Seconds the token still lives (a cached one has less than its first expires_in)."""
        return max(0, int(token.expires_at - self.cache.clock()))

    # Rules ----------------------------------------------------------------------------------

    def _admit(self, db, key, operation, selling_partner_id=None, region=None) -> None:
        wait = count_use(db, key)
        if wait is not None:
            self._record(db, key, operation, "rate_limited", selling_partner_id, region)
            db.commit()
            raise ServiceError(
                "rate_limited",
                f"This API key allows {key.rate_per_minute} requests a minute",
                429,
                retry_after=wait,
            )
        if not allows(key, operation):
            self._refuse(
                db,
                key,
                operation,
                "unauthorized_client",
                f"This API key may not get {operation.replace('_', ' ')}",
            )
        # Committed now: the counter's write must not hold SQLite's write lock while the
        # token cache writes its lease through another connection.
        db.commit()

    def _authorization(self, db, key, selling_partner_id, region, operation) -> Authorization:
        row = find_authorization(db, selling_partner_id, region)
        # Out of scope, unknown, pending and revoked look alike: LWA's answer for a refresh
        # token it does not honour, so a key learns nothing about partners it may not use.
        if not allows(key, operation, selling_partner_id) or row is None or row.needs_reauthorization:
            self._refuse(
                db,
                key,
                operation,
                "invalid_grant",
                "The request has an invalid grant parameter : refresh_token",
                selling_partner_id=selling_partner_id,
                region=region,
            )
        return row

    def _token_for(self, db, key, row: Authorization, operation) -> CachedToken:
        try:
            refresh_token = self.vault.open(row.refresh_token_encrypted, row.selling_partner_id, row.region)
            return self.cache.for_refresh_token(refresh_token)
        except VaultError:
            self._refuse(
                db,
                key,
                operation,
                "invalid_grant",
                "The request has an invalid grant parameter : refresh_token",
                selling_partner_id=row.selling_partner_id,
                region=row.region,
            )
        except LwaError as error:
            if error.kind == "invalid_grant":
                row.needs_reauthorization = True  # revoked or expired: only the partner can fix it
                row.last_refresh_result = "invalid_grant"
            self._upstream(db, key, operation, error, row.selling_partner_id, row.region)

    def _refuse(self, db, key, operation, kind, message, selling_partner_id=None, region=None):
        self._record(db, key, operation, kind, selling_partner_id, region)
        db.commit()
        raise ServiceError(kind, message, 401 if kind == "invalid_client" else 400)

    def _upstream(self, db, key, operation, error: LwaError, selling_partner_id=None, region=None):
        self._record(db, key, operation, f"lwa_{error.kind}", selling_partner_id, region)
        db.commit()
        if error.kind in ("rate_limited",) or error.http_status == 429:
            raise ServiceError(
                "temporarily_unavailable", "LWA asked to slow down", 429, retry_after=error.retry_after
            )
        if error.kind == "invalid_grant":
            raise ServiceError(
                "invalid_grant", "The request has an invalid grant parameter : refresh_token", 400
            )
        raise ServiceError(
            "server_error", f"LWA failed: {error.kind}", 502 if error.kind != "timeout" else 504
        )

    @staticmethod
    def _record(db, key, operation, outcome, selling_partner_id=None, region=None, **detail) -> None:
        audit.record(
            db,
            f"api-key:{key.id}",
            f"token:{operation}",
            selling_partner_id=selling_partner_id,
            region=region,
            outcome=outcome,
            **detail,
        )


def _errors_of(body: str) -> list:
    try:
        errors = json.loads(body).get("errors")
    except (ValueError, AttributeError, RecursionError):
        return []
    return errors if isinstance(errors, list) else []
