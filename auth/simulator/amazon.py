"""The behaviour of Amazon's consent pages and LWA token endpoint, for offline use.

It follows ``shared/spec/sp-api-authorization.md``: codes live five minutes and work once,
bound to the client and redirect URI; access tokens live an hour; consent errors use
Amazon's codes. Where Amazon's behaviour is unconfirmed, the choice is noted inline.
"""

import hmac
import secrets
import string
import threading
import time

from auth.config.identifiers import GRANTLESS_SCOPES
from auth.simulator.records import AccessToken
from auth.simulator.records import Code
from auth.simulator.records import Registration
from auth.simulator.records import TokenAnswer
from auth.simulator.records import error_answer

CODE_TTL = 300
ACCESS_TOKEN_TTL = 3600
AMAZON_STATE_TTL = 600  # UNCONFIRMED upstream; ten minutes like our own state.
MAX_REFRESH_TOKENS = 10_000


class SimulatedAmazon:
    """Thread-safe in-memory state of the simulated consent pages and token endpoint."""

    def __init__(self, registration: Registration, clock=time.time):
        self.registration = registration
        self.clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, Code] = {}
        self._amazon_states: dict[str, tuple[str, str, float]] = {}
        self._refresh_tokens: dict[str, tuple[str, str]] = {}
        self._access_tokens: dict[str, AccessToken] = {}

    # Consent pages -----------------------------------------------------------------------

    def consent_error(
        self, application_id: str | None, version: str | None, redirect_uri: str | None
    ) -> str | None:
        """Return the error code Amazon's consent page would show, or None to show consent."""
        reg = self.registration
        if not application_id or not hmac.compare_digest(application_id, reg.application_id):
            return "MD1000"
        # Without version=beta Amazon looks for the published version; with it, the draft.
        # A published app opened with version=beta has no draft to show (our choice: MD1000).
        if (version == "beta") != (reg.status == "draft"):
            return "MD1000"
        if redirect_uri is not None:
            if "#" in redirect_uri:
                return "MD5110"
            if redirect_uri not in reg.redirect_uris:
                return "MD5101"
        if not reg.redirect_uris or not reg.login_uri:
            return "MD9100"
        return None

    def resolve_redirect_uri(self, redirect_uri: str | None) -> str:
        """Return the redirect URI to use: the one given, or the first registered."""
        return redirect_uri or self.registration.redirect_uris[0]

    def issue_code(self, selling_partner_id: str, redirect_uri: str) -> str:
        """Issue a five-minute, single-use authorization code."""
        code = "AN" + "".join(secrets.choice(string.ascii_letters) for _ in range(18))
        with self._lock:
            self._prune()
            self._codes[code] = Code(
                self.registration.client_id, redirect_uri, selling_partner_id, self.clock() + CODE_TTL
            )
        return code

    def start_appstore(self, selling_partner_id: str, central_host: str) -> str:
        """Issue the ``amazon_state`` sent to the Login URI."""
        amazon_state = secrets.token_urlsafe(24)
        with self._lock:
            self._amazon_states[amazon_state] = (
                selling_partner_id,
                central_host,
                self.clock() + AMAZON_STATE_TTL,
            )
        return amazon_state

    def finish_appstore(self, amazon_state: str | None, central_host: str) -> str | None:
        """Consume ``amazon_state`` and return its selling partner ID (None if invalid)."""
        with self._lock:
            entry = self._amazon_states.pop(amazon_state or "", None)
        if entry is None or entry[1] != central_host or entry[2] < self.clock():
            return None
        return entry[0]

    def self_authorize(self, selling_partner_id: str) -> str:
        """Issue a refresh token as Seller Central's "Authorize app" button does."""
        return self._new_refresh_token(self.registration.client_id, selling_partner_id)

    # Token endpoint -----------------------------------------------------------------------

    def token(self, form: dict[str, str]) -> TokenAnswer:
        """Answer one token request whose parameters are ``form``."""
        reg = self.registration
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        grant_type = form.get("grant_type")
        if not grant_type:
            return error_answer(
                400, "invalid_request", "The request is missing a required parameter : grant_type"
            )
        if not client_id or not client_secret:
            return error_answer(
                400,
                "invalid_request",
                "The request is missing a required parameter : client_id or client_secret",
            )
        if not (
            hmac.compare_digest(client_id, reg.client_id)
            and hmac.compare_digest(client_secret, reg.client_secret)
        ):
            return error_answer(401, "invalid_client", "Client authentication failed")
        if grant_type == "authorization_code":
            return self._grant_code(form)
        if grant_type == "refresh_token":
            return self._grant_refresh(form)
        if grant_type == "client_credentials":
            return self._grant_client_credentials(form)
        return error_answer(400, "unsupported_grant_type", "The authorization grant type is not supported")

    def _grant_code(self, form: dict[str, str]) -> TokenAnswer:
        code = form.get("code")
        if not code:
            return error_answer(400, "invalid_request", "The request is missing a required parameter : code")
        with self._lock:
            entry = self._codes.pop(code, None)  # popped either way: a code works once
        if (
            entry is None
            or entry.expires_at < self.clock()
            or entry.client_id != form.get("client_id")
            or entry.redirect_uri != form.get("redirect_uri", entry.redirect_uri)
        ):
            return error_answer(400, "invalid_grant", "The request has an invalid grant parameter : code")
        refresh_token = self._new_refresh_token(entry.client_id, entry.selling_partner_id)
        return self._access(entry.selling_partner_id, None, refresh_token)

    def _grant_refresh(self, form: dict[str, str]) -> TokenAnswer:
        refresh_token = form.get("refresh_token")
        if not refresh_token:
            return error_answer(
                400, "invalid_request", "The request is missing a required parameter : refresh_token"
            )
        if form.get("scope"):
            return error_answer(400, "invalid_scope", "A scope may not be sent with a refresh token")
        with self._lock:
            entry = self._refresh_tokens.get(refresh_token)
        if entry is None or entry[0] != form.get("client_id"):
            return error_answer(
                400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
            )
        return self._access(entry[1], None, refresh_token)

    def _grant_client_credentials(self, form: dict[str, str]) -> TokenAnswer:
        scope = form.get("scope")
        if scope not in GRANTLESS_SCOPES:
            return error_answer(400, "invalid_scope", "The request has an invalid parameter : scope")
        return self._access(None, scope, None)

    def revoke(self, refresh_token: str) -> None:
        """Forget a refresh token, as a seller's "Disable authorization" does."""
        with self._lock:
            self._refresh_tokens.pop(refresh_token, None)

    def _new_refresh_token(self, client_id: str, selling_partner_id: str) -> str:
        token = "Atzr|" + secrets.token_urlsafe(96)
        with self._lock:
            if len(self._refresh_tokens) >= MAX_REFRESH_TOKENS:
                self._refresh_tokens.pop(next(iter(self._refresh_tokens)))
            self._refresh_tokens[token] = (client_id, selling_partner_id)
        return token

    def _access(
        self, selling_partner_id: str | None, scope: str | None, refresh_token: str | None
    ) -> TokenAnswer:
        token = "Atza|" + secrets.token_urlsafe(96)
        with self._lock:
            self._prune()
            self._access_tokens[token] = AccessToken(
                selling_partner_id, scope, self.clock() + ACCESS_TOKEN_TTL
            )
        body = {"access_token": token, "token_type": "bearer", "expires_in": ACCESS_TOKEN_TTL}
        if refresh_token:
            body["refresh_token"] = refresh_token
        if scope:
            body["scope"] = scope
        return TokenAnswer(200, body)

    def access_token_problem(self, token: str | None, grantless_ok: bool = False) -> str | None:
        """Return why an ``x-amz-access-token`` is refused by the SP-API, or None."""
        if not token:
            return "Access token is missing in the request header."
        with self._lock:
            entry = self._access_tokens.get(token)
        if entry is None or entry.expires_at < self.clock():
            return "The access token you provided is revoked, malformed or invalid."
        if entry.selling_partner_id is None and not grantless_ok:
            return "The access token you provided is revoked, malformed or invalid."
        return None

    def access_token_owner(self, token: str | None) -> str | None:
        """The selling partner whose account an access token opens (None if grantless or unknown)."""
        with self._lock:
            entry = self._access_tokens.get(token or "")
        return entry.selling_partner_id if entry else None

    def _prune(self) -> None:
        """Drop expired codes and access tokens (caller holds the lock)."""
        now = self.clock()
        for table in (self._codes, self._access_tokens):
            for key in [k for k, v in table.items() if v.expires_at < now]:
                del table[key]
