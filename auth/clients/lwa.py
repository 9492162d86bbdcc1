"""Calls to the Login with Amazon (LWA) token endpoint through Authlib's OAuth2Session.

Every failure becomes one ``LwaError`` whose ``kind`` names it: an RFC 6749 error code from
LWA, or one of ``timeout``, ``unreachable``, ``rate_limited``, ``http_error``, ``non_json``
and ``bad_response`` for failures that never produced an LWA error body.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from auth.clients.bounded import ResponseTooLarge
from auth.clients.bounded import bounded_session
from auth.clients.exchange import Exchange
from auth.clients.exchange import record_exchange
from auth.errors import AppError

# (connect, read) seconds: LWA answers in well under a second; a hung socket must not hold a
# seller's browser (or a worker) for long, and the code dies after five minutes anyway.
DEFAULT_TIMEOUT = (3.05, 10)
# The whole exchange, however the answer trickles in, and the largest answer we read: LWA's
# token responses are well under 4 KB.
DEADLINE = 10.0
MAX_ANSWER_BYTES = 64 * 1024
# Errors that mean the seller (or a retry from the start) can fix it; the rest are ours or LWA's.
SELLER_FIXABLE = {"invalid_grant", "access_denied"}
RETRYABLE_KINDS = {
    "timeout",
    "unreachable",
    "rate_limited",
    "http_error",
    "server_error",
    "temporarily_unavailable",
}


# Called with (grant_type, outcome) after every request to LWA: the metrics listen here
# (auth.operations.metrics), so this module needs to know nothing about them.
OBSERVERS: list[Callable[[str, str], None]] = []


def _observe(grant_type: str, outcome: str) -> None:
    for observer in OBSERVERS:
        observer(grant_type, outcome)


class LwaError(AppError):
    """The token endpoint refused or failed; ``kind`` says how."""

    def __init__(
        self,
        kind: str,
        description: str = "",
        http_status: int | None = None,
        retry_after: float | None = None,
        exchange: Exchange | None = None,
    ):
        super().__init__(f"{kind}: {description}" if description else kind)
        self.kind = kind
        self.description = description
        self.http_status = http_status
        self.retry_after = retry_after
        self.exchange = exchange

    @property
    def status(self) -> int:
        """The HTTP status our own page answers with: 400 if the seller can act, else 502."""
        return 400 if self.kind in SELLER_FIXABLE else 502

    @property
    def retryable(self) -> bool:
        """True when sending the same request again may succeed."""
        return self.kind in RETRYABLE_KINDS


@dataclass(frozen=True)
class TokenResponse:
    """A successful token response."""

    access_token: str
    expires_in: int
    token_type: str
    refresh_token: str | None = None
    scope: str | None = None
    exchange: Exchange | None = field(default=None, compare=False)


class LwaClient:
    """A client of one LWA token endpoint with one set of client credentials."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str | Callable[[], list[str]],
        timeout=DEFAULT_TIMEOUT,
    ):
        """``client_secret`` is the secret, or a function returning the live secrets newest
        first (the vault's, during a rotation): an ``invalid_client`` from the newest is
        retried with the next."""
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.timeout = timeout

    def exchange_code(self, code: str, redirect_uri: str) -> TokenResponse:
        """Exchange an ``spapi_oauth_code`` for a refresh token (within its 5 minutes)."""
        # pragma below: Authlib infers the grant type when none is given, so dropping it is equivalent.
        response = self._call(
            grant_type="authorization_code", code=code, redirect_uri=redirect_uri
        )  # pragma: no mutate
        if not response.refresh_token:
            raise LwaError("bad_response", "LWA answered without a refresh_token", exchange=response.exchange)
        return response

    def refresh(self, refresh_token: str) -> TokenResponse:
        """Get an access token for a refresh token (never with a scope, which LWA rejects)."""
        return self._call(grant_type="refresh_token", refresh_token=refresh_token)

    def grantless(self, scope: str) -> TokenResponse:
        """Get an access token for a grantless operation's scope (client_credentials)."""
        return self._call(grant_type="client_credentials", scope=scope)  # pragma: no mutate (inferred too)

    def _call(self, **params) -> TokenResponse:
        secrets = [self._client_secret] if isinstance(self._client_secret, str) else self._client_secret()
        if not secrets:
            raise LwaError("invalid_client", "no live client secret is stored")
        for number, secret in enumerate(secrets, 1):
            try:
                response = self._call_with(secret, **params)
            except LwaError as error:
                _observe(params["grant_type"], error.kind)
                if error.kind != "invalid_client" or number == len(secrets):
                    raise
            else:
                _observe(params["grant_type"], "ok")
                return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _call_with(self, client_secret: str, **params) -> TokenResponse:
        exchanges: list[Exchange] = []
        # The session is built without a scope on purpose: Authlib adds the session's scope
        # to refresh requests, and LWA refuses a scope beside a refresh token.
        with OAuth2Session(
            self.client_id,
            client_secret,
            token_endpoint_auth_method="client_secret_post",
            default_timeout=self.timeout,
        ) as session:
            bounded_session(DEADLINE, MAX_ANSWER_BYTES, session)
            session.hooks["response"].append(lambda r, *a, **k: exchanges.append(record_exchange(r)))
            # Classify failures by status before Authlib reads the body: a 429 or a 5xx needs no
            # JSON to be understood, and its Retry-After must survive.
            session.hooks["response"].append(lambda r, *a, **k: _raise_for_status(r, exchanges))
            try:
                token = session.fetch_token(self.token_url, **params)
            except LwaError:
                raise
            except ResponseTooLarge:
                raise LwaError(
                    "bad_response", "LWA answered with more than 64 KB", exchange=_last(exchanges)
                ) from None
            except OAuthError as error:
                raise _lwa_error(error.error, error.description, exchanges) from None
            except requests.Timeout:
                raise LwaError("timeout", "LWA did not answer in time") from None
            except requests.ConnectionError:
                raise LwaError("unreachable", "the LWA token endpoint could not be reached") from None
            except ValueError:
                raise LwaError(
                    "non_json", "LWA answered with something other than JSON", exchange=_last(exchanges)
                ) from None
        if not token.get("access_token"):
            raise LwaError("bad_response", "LWA answered without an access_token", exchange=_last(exchanges))
        try:
            expires_in = int(token.get("expires_in", 3600))
        except (TypeError, ValueError):
            raise LwaError("bad_response", "expires_in is not a number", exchange=_last(exchanges)) from None
        return TokenResponse(
            access_token=token["access_token"],
            expires_in=expires_in,
            token_type=str(token.get("token_type", "bearer")),
            refresh_token=token.get("refresh_token"),
            scope=token.get("scope"),
            exchange=_last(exchanges),
        )


def _last(exchanges: list[Exchange]) -> Exchange | None:
    return exchanges[-1] if exchanges else None


def _raise_for_status(response: requests.Response, exchanges: list[Exchange]) -> None:
    if response.status_code >= 300:
        raise _http_error(response, exchanges)


def _lwa_error(code: str | None, description: str | None, exchanges: list[Exchange]) -> LwaError:
    exchange = _last(exchanges)
    return LwaError(
        str(code or "other"), str(description or ""), exchange.status if exchange else None, exchange=exchange
    )


def _http_error(response: requests.Response, exchanges: list[Exchange]) -> LwaError:
    """Classify a non-2xx answer by its status first, then by an LWA error body if it has one."""
    status = response.status_code
    retry_after = _retry_after(response.headers.get("Retry-After"))  # pragma: no mutate (case-insensitive)
    try:
        body = response.json()
    except (ValueError, RecursionError):
        body = {}  # pragma: no mutate (None would be treated alike)
    exchange = _last(exchanges)
    if status == 429:
        # Throttling, whatever body came with it: "Amazon is busy, try again", never "refused".
        return LwaError("rate_limited", "LWA is throttling token requests", status, retry_after, exchange)
    if isinstance(body, dict) and body.get("error"):
        error = _lwa_error(body["error"], body.get("error_description"), exchanges)
        error.retry_after = retry_after
        return error
    if status < 500:
        return LwaError(
            "non_json", f"LWA answered HTTP {status} without a JSON error", status, exchange=exchange
        )
    return LwaError("http_error", f"LWA answered HTTP {status}", status, retry_after, exchange)


def _retry_after(value: str | None) -> float | None:
    """Parse a Retry-After header given in seconds (the form LWA and gateways use)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
