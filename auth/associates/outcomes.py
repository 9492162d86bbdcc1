"""What a failure means for the user: its explainer entry, its kind and the advice."""

from dataclasses import dataclass

# The kinds decide the exit code: a credential or eligibility failure is 1 (the user must act),
# a throttle or an unreachable Amazon is 2 (try again later).
EXIT_CODES = {"ok": 0, "credential": 1, "eligibility": 1, "throttled": 2, "unreachable": 2}


@dataclass(frozen=True)
class Outcome:
    """How to read one error code."""

    entry: str | None
    kind: str
    advice: str


_CREDENTIAL = "credential"
OUTCOMES = {
    "AssociateNotEligible": Outcome(
        "creators-AssociateNotEligible",
        "eligibility",
        "Not a credential error: the credential works, but the Associates account lacks the qualified "
        "sales the Creators API requires (10 in 30 days). Access returns by itself; keep these credentials.",
    ),
    "TooManyRequests": Outcome(
        "paapi-TooManyRequests",
        "throttled",
        "Amazon is throttling this account: wait a few seconds and check again.",
    ),
    "RequestThrottled": Outcome(
        "paapi-RequestThrottled", "throttled", "The account's quota is used up: wait and check again later."
    ),
    "InvalidPartnerTag": Outcome(
        "paapi-InvalidPartnerTag",
        _CREDENTIAL,
        "The partner tag is not a tracking ID of this account in this store: copy one from the store's "
        "Associates Central.",
    ),
    "InvalidAssociate": Outcome(
        "paapi-InvalidAssociate",
        _CREDENTIAL,
        "The credential is not linked to an approved Associates store for this marketplace.",
    ),
    "AccessDenied": Outcome(
        "paapi-AccessDenied",
        _CREDENTIAL,
        "The key is not registered for the API: use keys from Associates Central.",
    ),
    "AccessDeniedAwsUsers": Outcome(
        "paapi-AccessDenied",
        _CREDENTIAL,
        "These are AWS account keys, not PA-API keys: PA-API keys come from Associates Central.",
    ),
    "UnrecognizedClient": Outcome(
        "creators-UnrecognizedClient",
        _CREDENTIAL,
        "The client is not a Creators API credential of this account.",
    ),
    "InvalidSignature": Outcome(
        "paapi-InvalidSignature",
        _CREDENTIAL,
        "The signature does not match: the secret key is wrong or mistyped.",
    ),
    "IncompleteSignature": Outcome(
        "paapi-IncompleteSignature", _CREDENTIAL, "The request's signature is incomplete."
    ),
    "RequestExpired": Outcome(
        "paapi-RequestExpired",
        _CREDENTIAL,
        "The signed request's time is more than 15 minutes off Amazon's clock: fix this server's clock "
        "(NTP).",
    ),
    "invalid_client": Outcome(
        "creators-token-invalid_client",
        _CREDENTIAL,
        "The token endpoint does not know this Credential ID and Secret: check both, and that the Version "
        "matches what Associates Central shows (each version has its own token endpoint).",
    ),
    "invalid_scope": Outcome(
        "creators-token-lwa-invalid_client",
        _CREDENTIAL,
        "The client may not use the Creators API scope: an SP-API LWA client, or the wrong Version.",
    ),
    "unauthorized_client": Outcome(
        "creators-token-lwa-invalid_client",
        _CREDENTIAL,
        "The client may not use client credentials for this scope.",
    ),
}
LWA_INVALID_CLIENT = Outcome(
    "creators-token-lwa-invalid_client",
    _CREDENTIAL,
    "Login with Amazon does not know this Credential ID and Secret: check both, and the Version "
    "(a 2.x credential goes to Cognito, not Login with Amazon).",
)
UNREACHABLE = Outcome(None, "unreachable", "Amazon could not be reached: check the network and try again.")


def outcome_of(code: str | None, status: int, token_kind: str | None = None) -> Outcome:
    """How to read ``code`` (HTTP ``status``), the 3.x token endpoint's own reading first."""
    if code in ("invalid_client", "invalid_scope") and token_kind == "lwa":
        return LWA_INVALID_CLIENT
    if code in OUTCOMES:
        return OUTCOMES[code]
    if status == 429:
        return OUTCOMES["TooManyRequests"]
    if status >= 500:
        return UNREACHABLE
    return Outcome(
        None, _CREDENTIAL, f"Amazon refused the request (HTTP {status}{', ' + code if code else ''})."
    )
