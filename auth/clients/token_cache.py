"""Access tokens for refresh tokens and grantless scopes: cached, single-flight, retried safely.

Any number of concurrent callers asking for the same key cause one LWA request: the first
becomes the leader and the others wait for its result. A token is reused until 60 seconds
before it expires. Only failures that may pass are retried (connection errors, timeouts, 429
and 5xx), with bounded exponential backoff and full jitter; invalid_grant and invalid_client
never are, because repeating them cannot succeed and only burns rate limit.
"""

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import datetime

from auth.clients.exchange import Exchange
from auth.clients.lwa import LwaClient
from auth.clients.lwa import LwaError
from auth.clients.lwa import TokenResponse
from auth.clients.shared_cache import SharedTokenStore
from auth.vault.crypto import digest

EXPIRY_MARGIN = 60


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a retryable LWA failure."""

    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 4.0
    max_retry_after: float = 10.0

    def delay(self, attempt: int, error: LwaError) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))  # noqa: S311


@dataclass(frozen=True)
class CachedToken:
    """An access token and when it stops being served from the cache."""

    access_token: str
    expires_in: int
    obtained_at: datetime
    expires_at: float
    fetched: bool
    attempts: int = 1
    exchange: Exchange | None = None


class AccessTokenCache:
    """The one place that asks LWA for access tokens."""

    def __init__(
        self,
        lwa: LwaClient,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        margin: int = EXPIRY_MARGIN,
        shared: SharedTokenStore | None = None,
    ):
        self.lwa = lwa
        # The database tier: with it, one LWA request serves every process of the fleet.
        self.shared = shared
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.sleep = sleep
        self.margin = margin
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str], CachedToken] = {}
        self._in_flight: dict[tuple[str, str], Future] = {}

    def for_refresh_token(self, refresh_token: str, force: bool = False) -> CachedToken:
        """Return an access token for ``refresh_token`` (keyed by its hash, never the token);
        ``force`` skips the cached one and asks LWA."""
        key = ("refresh", digest(refresh_token))
        if force:
            self.forget(refresh_token)
        return self._get(key, lambda: self.lwa.refresh(refresh_token))

    def has_fresh(self, refresh_token: str) -> bool:
        """True when this process holds a live token for ``refresh_token`` (no waiting needed)."""
        with self._lock:
            cached = self._tokens.get(("refresh", digest(refresh_token)))
            return cached is not None and cached.expires_at - self.margin > self.clock()

    def for_scope(self, scope: str) -> CachedToken:
        """Return a grantless access token for ``scope``."""
        return self._get(("grantless", scope), lambda: self.lwa.grantless(scope))

    def forget(self, refresh_token: str) -> None:
        """Drop the cached token of a refresh token (after a revocation, say), in every tier."""
        key = ("refresh", digest(refresh_token))
        with self._lock:
            self._tokens.pop(key, None)
        if self.shared is not None:
            self.shared.forget(_shared_key(key))

    def _get(self, key: tuple[str, str], fetch: Callable[[], TokenResponse]) -> CachedToken:
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and cached.expires_at - self.margin > self.clock():
                return _replace_fetched(cached)
            future = self._in_flight.get(key)
            leader = future is None
            if leader:
                future = self._in_flight[key] = Future()
        if not leader:
            return _replace_fetched(future.result())
        try:
            token = self._lead(key, fetch)
            with self._lock:
                self._tokens[key] = token
            future.set_result(token)
            return token
        except BaseException as error:
            future.set_exception(error)
            raise
        finally:
            with self._lock:
                self._in_flight.pop(key, None)

    def _lead(self, key: tuple[str, str], fetch: Callable[[], TokenResponse]) -> CachedToken:
        """This process's one caller: through the shared tier when there is one."""
        if self.shared is None:
            return self._fetch(fetch)
        fetched: dict[str, CachedToken] = {}

        def from_lwa() -> tuple[str, int]:
            fetched["token"] = self._fetch(fetch)
            return fetched["token"].access_token, fetched["token"].expires_in

        shared = self.shared.obtain(_shared_key(key), from_lwa, self.margin)
        if shared.fetched:
            return fetched["token"]
        left = shared.expires_at - time.time()
        return CachedToken(
            access_token=shared.access_token,
            expires_in=int(left),
            obtained_at=datetime.now(UTC),
            expires_at=self.clock() + left,
            fetched=False,
        )

    def _fetch(self, fetch: Callable[[], TokenResponse]) -> CachedToken:
        attempt = 1
        while True:
            try:
                response = fetch()
            except LwaError as error:
                if not error.retryable or attempt >= self.retry.attempts:
                    raise
                self.sleep(self.retry.delay(attempt, error))
                attempt += 1
                continue
            return CachedToken(
                access_token=response.access_token,
                expires_in=response.expires_in,
                obtained_at=datetime.now(UTC),
                expires_at=self.clock() + response.expires_in,
                fetched=True,
                attempts=attempt,
                exchange=response.exchange,
            )


def _replace_fetched(token: CachedToken) -> CachedToken:
    """The same token, marked as served from the cache for this caller."""
    return replace(token, fetched=False)


def _shared_key(key: tuple[str, str]) -> str:
    return f"{key[0]}:{key[1]}"


def refresh_key(refresh_token: str) -> str:
    """The shared tier's key for the access token of ``refresh_token`` (its hash, never it)."""
    return _shared_key(("refresh", digest(refresh_token)))
