"""What the simulated Amazon keeps and answers: the app's registration, codes, tokens, replies."""

import secrets
import string
from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True)
class Registration:
    """What Amazon knows about the app: identity, status, credentials and its URIs."""

    application_id: str
    status: str
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    login_uri: str


@dataclass
class TokenAnswer:
    """An HTTP answer of the token endpoint."""

    status: int
    body: dict = field(default_factory=dict)


def error_answer(status: int, code: str, description: str) -> TokenAnswer:
    """An LWA error reply: ``error`` and ``error_description``, as LWA sends them."""
    return TokenAnswer(status, {"error": code, "error_description": description})


def new_selling_partner_id() -> str:
    """Return an ID shaped like Amazon's merchant IDs (A + 13 upper-case letters/digits)."""
    return "A" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(13))
