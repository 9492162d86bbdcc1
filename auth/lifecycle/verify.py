"""Trusting a client secret only once LWA accepts it: anyone who can write to the queue can
send a ``NEW_SECRET`` notification, so its secret is tried in a grantless token request first."""

from collections.abc import Callable

from auth.clients.lwa import LwaClient
from auth.clients.lwa import LwaError

ACCEPTED, REFUSED, UNAVAILABLE = "accepted", "refused", "unavailable"
# The scope the rotation itself uses: every app that receives rotation notifications has it.
VERIFY_SCOPE = "sellingpartnerapi::client_credential:rotation"

SecretCheck = Callable[[str], str]


def lwa_secret_check(token_url: str, client_id: str) -> SecretCheck:
    """A check that asks LWA, at ``token_url``, whether ``client_id`` works with a secret."""

    def check(secret: str) -> str:
        try:
            LwaClient(token_url, client_id, secret).grantless(VERIFY_SCOPE)
        except LwaError as error:
            # LWA down or busy says nothing about the secret: the message is kept for later.
            return UNAVAILABLE if error.retryable else REFUSED
        return ACCEPTED

    return check


def refuse_all(_secret: str) -> str:
    """Without a way to ask LWA, no secret from a message is trusted."""
    return REFUSED
