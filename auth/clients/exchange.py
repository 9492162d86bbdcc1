"""A record of one HTTP exchange with secrets masked, for showing to the developer."""

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

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
        url=request.url.split("?", 1)[0],
        request_headers={k: mask(k, v) for k, v in request.headers.items()},
        request_body=request_body,
        status=response.status_code,
        response_headers={k: mask(k, v) for k, v in response.headers.items()},
        response_body=mask_json(response.text),
    )
