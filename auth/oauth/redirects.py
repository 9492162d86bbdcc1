"""The open-redirect guard for the Appstore workflow's ``amazon_callback_uri``.

We only ever redirect to a URL that a parameter gave us here, so the check is exact: the
scheme, host and path must equal one we derived from the marketplace table (RFC 9700 section
4.11.1). No suffix or pattern matching: ``sellercentral.amazon.com.evil.example`` must fail.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from auth.errors import InvalidInput

MAX_URI_LENGTH = 2048
CONFIRM_PATH = "/apps/authorize/confirm/"
# Printable ASCII without space or backslash: anything else has no place in Amazon's URI and
# is how parser confusions (CR/LF, "/\\evil", Unicode look-alikes) are smuggled in.
SAFE_URI_RE = re.compile(r"[!-\[\]-~]+")
# Parameters we set on the way back; any inbound copies are dropped, never forwarded.
OWN_PARAMS = ("redirect_uri", "amazon_state", "state", "version")


class RedirectRejected(InvalidInput):
    """``amazon_callback_uri`` is not one we may send a browser to; the message says why."""


@dataclass(frozen=True)
class CallbackTarget:
    """An allowed callback location: scheme, exact host[:port] and a path prefix."""

    scheme: str
    netloc: str
    path_prefix: str
    central_host: str


class CallbackAllowList:
    """The exact ``amazon_callback_uri`` locations one app may be sent back to."""

    def __init__(self, targets: list[CallbackTarget], application_id: str):
        self.targets = tuple(targets)
        self.application_id = application_id
        self._origins = {(t.scheme, t.netloc) for t in targets}
        self._locations = {
            (t.scheme, t.netloc, t.path_prefix + CONFIRM_PATH + application_id): t for t in targets
        }

    def check(self, value: str | None):
        """Return ``(parsed URI, matching target)`` for an allowed ``amazon_callback_uri``.

        :raises RedirectRejected: with a reason a developer can act on.
        """
        if not value:
            raise RedirectRejected("amazon_callback_uri is missing")
        if len(value) > MAX_URI_LENGTH:
            raise RedirectRejected(f"amazon_callback_uri is longer than {MAX_URI_LENGTH} characters")
        if not SAFE_URI_RE.fullmatch(value):
            raise RedirectRejected(
                "amazon_callback_uri contains spaces, control characters, backslashes or non-ASCII text"
            )
        if "#" in value:
            raise RedirectRejected("amazon_callback_uri must not contain a fragment")
        try:
            parts = urlsplit(value)
            has_userinfo = parts.username is not None or parts.password is not None
        except ValueError:  # for example an unclosed IPv6 bracket: "https://["
            raise RedirectRejected("amazon_callback_uri is not a valid URL") from None
        if has_userinfo:
            raise RedirectRejected("amazon_callback_uri must not contain user information (@)")
        origin = (parts.scheme.lower(), parts.netloc.lower())
        if origin not in self._origins:
            raise RedirectRejected(
                "amazon_callback_uri must be https on an exact Seller Central or Vendor Central host"
            )
        target = self._locations.get((*origin, parts.path))
        if target is None:
            raise RedirectRejected(
                f"amazon_callback_uri must have the path {CONFIRM_PATH}{self.application_id}"
            )
        return parts, target


def build_confirm_redirect(parts, params: dict[str, str]) -> str:
    """Rebuild the callback URI from its parsed parts with our parameters added."""
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in OWN_PARAMS]
    query = urlencode(kept + list(params.items()))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, query, ""))
