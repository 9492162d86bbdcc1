"""A record of one HTTP exchange with secrets masked, for showing to the developer."""

import json
import shlex
from dataclasses import dataclass
from urllib.parse import parse_qsl
from urllib.parse import unquote_plus

from auth.vault.crypto import fingerprint

# Fields whose values are secrets: shown only as a fingerprint, never in full.
SECRET_FIELDS = frozenset(
    {
        "client_secret",
        "code",
        "spapi_oauth_code",
        "refresh_token",
        "access_token",
        "state",
        "amazon_state",
        "x-amz-access-token",
        "authorization",
        "x-amz-security-token",
        "aws_secret_access_key",
        "secretaccesskey",
        "sessiontoken",
        "restricteddatatoken",
    }
)
MAX_BODY = 20_000


@dataclass(frozen=True)
class Exchange:
    """One request and its response, masked."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int
    response_headers: dict[str, str]
    response_body: str


def mask(name: str, value: str) -> str:
    """Return ``value`` unchanged, or its fingerprint when ``name`` is a secret field."""
    return f"[{fingerprint(value)}]" if name.lower() in SECRET_FIELDS and value else value


def mask_form(body: str) -> str:
    """Mask the secret fields of a form-encoded body."""
    pairs = parse_qsl(body, keep_blank_values=True)
    return "&".join(f"{k}={mask(k, v)}" for k, v in pairs)


def mask_json(body: str) -> str:
    """Mask the secret fields of a JSON object body (other text is returned unchanged)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return body[:MAX_BODY]
    if isinstance(data, dict):
        data = {k: mask(k, v) if isinstance(v, str) else v for k, v in data.items()}
    return json.dumps(data, indent=2)[:MAX_BODY]


def mask_url(url: str) -> str:
    """``url`` exactly as sent, query included, with the values of secret parameters masked."""
    base, separator, query = url.partition("?")
    if not separator:
        return url
    parts = []
    for segment in query.split("&"):
        name, equals, value = segment.partition("=")
        if equals and unquote_plus(name).lower() in SECRET_FIELDS and value:
            segment = f"{name}={mask(unquote_plus(name), unquote_plus(value))}"
        parts.append(segment)
    return f"{base}?{'&'.join(parts)}"


def as_curl(method: str, url: str, headers: dict[str, str], body: str = "") -> str:
    """A copy-paste ``curl`` command for a recorded (already masked) request.

    Masked values stay masked (``[sha256:…]``): paste your own token in their place.
    """
    skipped = {"content-length", "accept-encoding", "connection", "user-agent"}
    words = ["curl", "-X", method, shlex.quote(url)]
    for name, value in headers.items():
        if name.lower() not in skipped:
            words += ["-H", shlex.quote(f"{name}: {value}")]
    if body:
        words += ["--data-raw", shlex.quote(body)]
    return " ".join(words)


def record_exchange(response) -> Exchange:
    """Record a ``requests`` response and its request, with every secret masked."""
    request = response.request
    body = request.body or ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    content_type = request.headers.get("Content-Type", "")
    request_body = mask_form(body) if "x-www-form-urlencoded" in content_type else mask_json(body)
    return Exchange(
        method=request.method,
        url=mask_url(request.url),
        request_headers={k: mask(k, v) for k, v in request.headers.items()},
        request_body=request_body,
        status=response.status_code,
        response_headers={k: mask(k, v) for k, v in response.headers.items()},
        response_body=mask_json(response.text),
    )
