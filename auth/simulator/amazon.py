"""The behaviour of Amazon's consent pages and LWA token endpoint, for offline use.

It follows ``shared/spec/sp-api-authorization.md``: codes live five minutes and work once,
bound to the client and redirect URI; access tokens live an hour; consent errors use
Amazon's codes. Where Amazon's behaviour is unconfirmed, the choice is noted inline.
"""

import hmac
import secrets
import string
import time

from auth.config.identifiers import GRANTLESS_SCOPES
from auth.simulator.controls import outage_left
from auth.simulator.grants import NO_EXPIRY
from auth.simulator.grants import GrantStore
from auth.simulator.records import Registration
from auth.simulator.records import TokenAnswer
from auth.simulator.records import error_answer
from auth.simulator.rehearsals import AT_TOKEN_ENDPOINT
from auth.simulator.restricted import RestrictedData
from auth.simulator.tokens import TokenChecks

CODE_TTL = 300
ACCESS_TOKEN_TTL = 3600
AMAZON_STATE_TTL = 600  # UNCONFIRMED upstream; ten minutes like our own state.
# Expired grants are pruned one issuance in this many.
PRUNE_EVERY = 100


class SimulatedAmazon(TokenChecks, RestrictedData):
    """The simulated consent pages and token endpoint; what they issue lives in ``grants``
    (the database), so every worker and instance answers alike."""

    def __init__(self, registration: Registration, grants: GrantStore, clock=time.time):
        self.registration = registration
        self.grants = grants
        self.clock = clock

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

    def issue_code(self, selling_partner_id: str, redirect_uri: str, rehearsal: str | None = None) -> str:
        """Issue a five-minute, single-use authorization code (one that carries a token-endpoint
        rehearsal fails there as the rehearsal says)."""
        code = "AN" + "".join(secrets.choice(string.ascii_letters) for _ in range(18))
        self._maybe_prune()
        rehearsed = rehearsal if rehearsal in AT_TOKEN_ENDPOINT else None
        self.grants.put(
            "code",
            code,
            self.clock() + (-1 if rehearsed == "expired-code" else CODE_TTL),
            client_id=self.registration.client_id,
            redirect_uri=redirect_uri,
            selling_partner_id=selling_partner_id,
            scope=f"rehearse:{rehearsed}" if rehearsed else None,
        )
        return code

    def start_appstore(self, selling_partner_id: str, central_host: str) -> str:
        """Issue the ``amazon_state`` sent to the Login URI."""
        amazon_state = secrets.token_urlsafe(24)
        self.grants.put(
            "amazon_state",
            amazon_state,
            self.clock() + AMAZON_STATE_TTL,
            selling_partner_id=selling_partner_id,
            central_host=central_host,
        )
        return amazon_state

    def finish_appstore(self, amazon_state: str | None, central_host: str) -> str | None:
        """Consume ``amazon_state`` and return its selling partner ID (None if invalid)."""
        entry = self.grants.take("amazon_state", amazon_state)
        if entry is None or entry.central_host != central_host or entry.expires_at < self.clock():
            return None
        return entry.selling_partner_id

    def self_authorize(self, selling_partner_id: str) -> str:
        """Issue a refresh token as Seller Central's "Authorize app" button does."""
        return self._new_refresh_token(self.registration.client_id, selling_partner_id)

    # Token endpoint -----------------------------------------------------------------------

    def token(self, form: dict[str, str]) -> TokenAnswer:
        """Answer one token request whose parameters are ``form``."""
        reg = self.registration
        if outage_left(self.grants.engine, self.clock) > 0:  # flask spapi simulator outage
            return error_answer(503, "temporarily_unavailable", "The service is temporarily unavailable")
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
        if not (hmac.compare_digest(client_id, reg.client_id) and self._secret_ok(client_secret)):
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
        entry = self.grants.take("code", code)  # taken either way: a code works once
        if entry is not None and entry.scope == "rehearse:invalid-client":
            return error_answer(401, "invalid_client", "Client authentication failed")
        if entry is not None and entry.scope == "rehearse:lwa-down":
            return error_answer(503, "temporarily_unavailable", "The service is temporarily unavailable")
        if entry is not None and entry.scope == "rehearse:replayed-code":
            entry = None  # as if another exchange had used it first
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
        entry = self.grants.get("refresh", refresh_token)
        if entry is None or entry.client_id != form.get("client_id"):
            return error_answer(
                400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
            )
        return self._access(entry.selling_partner_id, None, refresh_token)

    def _grant_client_credentials(self, form: dict[str, str]) -> TokenAnswer:
        scope = form.get("scope")
        if scope not in GRANTLESS_SCOPES:
            return error_answer(400, "invalid_scope", "The request has an invalid parameter : scope")
        return self._access(None, scope, None)

    def rotate_client_secret(self, old_secret_seconds: float) -> tuple[str, float]:
        """``rotateApplicationClientSecret``: a new secret, accepted at once; the older ones
        keep working ``old_secret_seconds``. Returns (new secret, when the old ones end)."""
        now = self.clock()
        old_until = now + old_secret_seconds
        self.grants.shorten("secret", old_until)
        if self.grants.get("retired", self.registration.client_secret) is None:
            self.grants.put("retired", self.registration.client_secret, old_until)
        new_secret = "amzn1.oa2-cs.v1." + secrets.token_hex(32)
        self.grants.put("secret", new_secret, NO_EXPIRY)
        return new_secret, old_until

    def _secret_ok(self, client_secret: str) -> bool:
        """The registered secret until a rotation retires it; a rotated one until it expires."""
        now = self.clock()
        if hmac.compare_digest(client_secret, self.registration.client_secret):
            retired = self.grants.get("retired", client_secret)
            return retired is None or retired.expires_at > now
        rotated = self.grants.get("secret", client_secret)
        return rotated is not None and rotated.expires_at > now

    def revoke(self, refresh_token: str) -> None:
        """Forget a refresh token, as a seller's "Disable authorization" does."""
        self.grants.forget("refresh", refresh_token)

    def _new_refresh_token(self, client_id: str, selling_partner_id: str) -> str:
        token = "Atzr|" + secrets.token_urlsafe(96)
        self.grants.put(
            "refresh", token, NO_EXPIRY, client_id=client_id, selling_partner_id=selling_partner_id
        )
        return token

    def _access(
        self, selling_partner_id: str | None, scope: str | None, refresh_token: str | None
    ) -> TokenAnswer:
        token = "Atza|" + secrets.token_urlsafe(96)
        self._maybe_prune()
        self.grants.put(
            "access",
            token,
            self.clock() + ACCESS_TOKEN_TTL,
            selling_partner_id=selling_partner_id,
            scope=scope,
        )
        body = {"access_token": token, "token_type": "bearer", "expires_in": ACCESS_TOKEN_TTL}
        if refresh_token:
            body["refresh_token"] = refresh_token
        if scope:
            body["scope"] = scope
        return TokenAnswer(200, body)

    def _maybe_prune(self) -> None:
        if secrets.randbelow(PRUNE_EVERY) == 0:
            self.grants.prune(self.clock())
