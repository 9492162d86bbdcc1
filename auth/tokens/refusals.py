"""What the token service hands out and how it refuses: the views it keeps of keys and stored
authorizations, the issued token, and ``ServiceError`` in LWA's vocabulary."""

from dataclasses import dataclass

from auth.errors import AppError

# LWA's own words for a refresh token it does not honour: unknown, out of scope, pending and
# revoked authorizations all look alike, so a key learns nothing about partners it may not use.
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
