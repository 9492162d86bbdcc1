"""The ``return_url`` allow-list (``SPAPI_RETURN_URLS``) and the return a finished flow makes.

A URL matches an entry when scheme, host and port are the same and its path is the entry's
path or lies under it as a whole segment: ``/app`` admits ``/app`` and ``/app/done`` but not
``/apple``. A plain string prefix would be an open redirect (``https://a.example.evil``).
"""

import posixpath
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from auth.config.checks import LOOPBACK_HOSTS
from auth.errors import InvalidInput

MAX_URL = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}


class ReturnUrlRefused(InvalidInput):
    """The URL is not one the settings allow; the message says why, for the developer."""


def _origin_and_path(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    return parts.scheme, (parts.hostname or "").lower(), port, parts.path or "/"


def check_return_url(allowed: tuple[str, ...], url: object) -> str:
    """Return ``url`` when an entry of ``allowed`` admits it.

    :raises ReturnUrlRefused: not a string, malformed, not https off loopback, or not allowed.
    """
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise ReturnUrlRefused(f"must be a URL of at most {MAX_URL} characters")
    if not url.isprintable() or any(c in url for c in " \\\t"):
        raise ReturnUrlRefused("contains spaces, backslashes or control characters")
    try:
        parts = urlsplit(url)
        scheme, host, port, path = _origin_and_path(url)
    except ValueError:
        raise ReturnUrlRefused("is not a valid URL") from None
    if scheme not in DEFAULT_PORTS or not host:
        raise ReturnUrlRefused("must be an absolute http(s) URL")
    if scheme != "https" and host not in LOOPBACK_HOSTS:
        raise ReturnUrlRefused("must use https:// (plain http only on loopback)")
    if parts.username is not None or "@" in parts.netloc or parts.fragment:
        raise ReturnUrlRefused("must not contain user information or a fragment")
    # "/app/../admin" would pass a segment check and then be resolved by the browser.
    if "/." in path or "%2e" in path.lower() or "%2f" in path.lower() or "//" in path:
        raise ReturnUrlRefused("must not contain dot segments, encoded slashes or empty segments")
    if not allowed:
        raise ReturnUrlRefused("is not allowed: SPAPI_RETURN_URLS is not set")
    for entry in allowed:
        e_scheme, e_host, e_port, e_path = _origin_and_path(entry)
        if (scheme, host, port) != (e_scheme, e_host, e_port):
            continue
        base = posixpath.normpath(e_path) if e_path != "/" else "/"
        if path == base or path.startswith(base.rstrip("/") + "/"):
            return url
    raise ReturnUrlRefused("is not under any entry of SPAPI_RETURN_URLS")


def with_outcome(return_url: str, session_id: str, status: str) -> str:
    """``return_url`` with ``connect_session`` and ``status`` added (any earlier ones dropped)."""
    return with_query(return_url, {"connect_session": session_id, "status": status})


def with_query(url: str, added: dict[str, str]) -> str:
    """``url`` with the ``added`` parameters replacing any of the same name."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in added]
    query += list(added.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
