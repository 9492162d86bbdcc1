"""API keys for the token service: created with a secret shown once and stored only as its
hash, scoped to selling partners and operations, revocable, rate-limited fleet-wide.

A key's ``id`` is public (it names the key in logs, the console and LWA's ``client_id``); its
``secret`` is 256 random bits, so a fast keyed hash is as safe as a slow password hash and
keeps the hot path (a token request per SP-API call) cheap.
"""

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.errors import AppError
from auth.vault import audit
from auth.vault.crypto import digest
from auth.vault.models import ApiKey
from auth.vault.models import utcnow

# Associates checks and connect sessions are other powers: a key gets them only when named.
OPERATIONS = ("access_tokens", "restricted_data_tokens", "grantless", "associates", "connect")
# Least privilege: a key gets only what it names; without a choice, the two everyday ones.
DEFAULT_OPERATIONS = ("access_tokens", "restricted_data_tokens")
# Grantless scopes are named one by one and stored as "grantless:<name>" beside the operations.
GRANTLESS_NAMES = {
    "notifications": "sellingpartnerapi::notifications",
    "client_credential:rotation": "sellingpartnerapi::client_credential:rotation",
}
ROTATION = "client_credential:rotation"
ID_PREFIX = "spak_"
DEFAULT_RATE = 600  # requests a minute
MAX_LABEL = 100
MAX_DAYS = 3650


class ApiKeyError(AppError):
    """A key cannot be used; ``kind`` is unknown, revoked, expired or malformed."""

    status = 401
    kind = "invalid_client"

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class NewKey:
    """A key as created: the only moment its secret exists outside the caller's hands."""

    id: str
    secret: str

    @property
    def bearer(self) -> str:
        """The JSON API's bearer credential, ``<id>.<secret>``."""
        return f"{self.id}.{self.secret}"


def create_key(
    db: Session,
    label: str,
    partners: list[str] | None = None,
    operations: list[str] | None = None,
    expires_days: int | None = None,
    rate_per_minute: int = DEFAULT_RATE,
    grantless_scopes: list[str] | None = None,
    actor: str | None = None,
) -> NewKey:
    """Create and store a key; return its id and secret (shown once, never stored).

    ``operations`` None means ``DEFAULT_OPERATIONS``; an empty list is refused (a key that
    may do nothing is a mistake, never "everything"). ``grantless`` needs its scopes named.
    With ``actor``, the creation is audited in the same transaction.

    :raises ValueError: naming the unusable argument.
    """
    label = (label or "").strip()
    if not label or len(label) > MAX_LABEL:
        raise ValueError(f"label must be 1 to {MAX_LABEL} characters")
    partners = sorted(set(partners or []))
    bad = [p for p in partners if not SELLING_PARTNER_ID_RE.fullmatch(p)]
    if bad:
        raise ValueError(f"not a selling partner ID: {bad[0][:40]}")
    operations = grant_list(operations, grantless_scopes, partners)
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise ValueError(f"expires must be 1 to {MAX_DAYS} days")
    if not 1 <= rate_per_minute <= 100_000:
        raise ValueError("rate must be 1 to 100000 requests a minute")
    key = NewKey(ID_PREFIX + secrets.token_hex(8), secrets.token_urlsafe(32))
    now = utcnow()
    db.add(
        ApiKey(
            id=key.id,
            secret_hash=digest(key.secret),
            label=label,
            partners=json.dumps(partners) if partners else None,
            operations=",".join(operations),
            rate_per_minute=rate_per_minute,
            created_at=now,
            expires_at=now + timedelta(days=expires_days) if expires_days else None,
        )
    )
    if actor:
        audit.record(db, actor, "api_key_created", key_id=key.id, label=label)
    db.commit()  # commit point: the secret is shown once, so the key must exist when it is
    return key


def grant_list(
    operations: list[str] | None, grantless_scopes: list[str] | None, partners: list[str]
) -> list[str]:
    """The operations (and ``grantless:<scope>`` entries) a new key gets.

    :raises ValueError: an unknown operation or scope, nothing chosen, grantless without a
        scope, or the rotation scope on a key limited to some partners.
    """
    chosen = list(dict.fromkeys(DEFAULT_OPERATIONS if operations is None else operations))
    scopes = list(dict.fromkeys(grantless_scopes or []))
    unknown = [o for o in chosen if o not in OPERATIONS]
    if unknown:
        raise ValueError(f"unknown operation {unknown[0][:40]}; use {', '.join(OPERATIONS)}")
    bad = [s for s in scopes if s not in GRANTLESS_NAMES]
    if bad:
        raise ValueError(f"unknown grantless scope {bad[0][:40]}; use {', '.join(GRANTLESS_NAMES)}")
    if scopes and "grantless" not in chosen:
        chosen.append("grantless")
    if "grantless" in chosen and not scopes:
        raise ValueError(f"name the grantless scopes one by one ({', '.join(GRANTLESS_NAMES)})")
    if ROTATION in scopes and partners:
        # Rotating the client secret concerns the whole app, never a few partners.
        raise ValueError("client_credential:rotation is never given to a key limited to some partners")
    if not chosen:
        raise ValueError("choose at least one operation: a key that may do nothing is refused")
    return chosen + [f"grantless:{s}" for s in scopes]


def allows_scope(operations, scope: str, partner_limited: bool) -> bool:
    """True when a key with ``operations`` may get a grantless token for ``scope``.

    Keys made before scopes were named hold a bare ``grantless``: they keep notifications,
    but rotation must always be named, and never on a key limited to some partners.
    """
    short = next((name for name, full in GRANTLESS_NAMES.items() if full == scope), None)
    if short is None or "grantless" not in operations:
        return False
    if short == ROTATION and partner_limited:
        return False
    if f"grantless:{short}" in operations:
        return True
    named = any(o.startswith("grantless:") for o in operations)
    return not named and short != ROTATION


def authenticate(db: Session, key_id: str | None, secret: str | None, now: datetime | None = None) -> ApiKey:
    """The live key named ``key_id`` whose secret is ``secret``.

    :raises ApiKeyError: unknown id or wrong secret ("unknown": the two are not told apart),
        revoked, or expired.
    """
    if not key_id or not secret or len(key_id) > 40 or len(secret) > 200:
        raise ApiKeyError("unknown")
    row = db.get(ApiKey, key_id)
    expected = row.secret_hash if row is not None else digest("no such key")
    matched = hmac.compare_digest(expected, digest(secret))  # the same work for unknown ids
    if row is None or not matched:
        raise ApiKeyError("unknown")
    now = now or utcnow()
    if row.revoked_at is not None:
        raise ApiKeyError("revoked")
    if row.expires_at is not None and row.expires_at <= now:
        raise ApiKeyError("expired")
    return row


def split_bearer(value: str | None) -> tuple[str | None, str | None]:
    """``Bearer <id>.<secret>`` into (id, secret)."""
    if not value or not value.startswith("Bearer "):
        return None, None
    key_id, _, secret = value[7:].strip().partition(".")
    return (key_id, secret) if key_id and secret else (None, None)


def partners_of(key: ApiKey) -> list[str] | None:
    """The selling partners a key may use (None: all)."""
    return json.loads(key.partners) if key.partners else None


def allows(key: ApiKey, operation: str, selling_partner_id: str | None = None) -> bool:
    """True when ``key`` may do ``operation`` (for ``selling_partner_id``)."""
    if operation not in key.operations.split(","):
        return False  # "grantless:<scope>" entries never match an operation name
    allowed = partners_of(key)
    return selling_partner_id is None or allowed is None or selling_partner_id in allowed


def list_keys(db: Session) -> list[ApiKey]:
    """Every key, newest first."""
    return list(db.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))


def revoke(db: Session, key_id: str, actor: str | None = None) -> bool:
    """Revoke a key at once (every process sees it on its next request); False if unknown.
    With ``actor``, the revocation is audited in the same transaction."""
    row = db.get(ApiKey, key_id)
    if row is None:
        return False
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    if actor:
        audit.record(db, actor, "api_key_revoked", key_id=key_id)
    db.commit()  # commit point: a revocation holds at once, fleet-wide
    return True


def status_of(key: ApiKey, now: datetime | None = None) -> str:
    """active, revoked or expired."""
    now = now or utcnow()
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    return "active"
