"""Where an Associates request goes (Amazon, the simulator or a stand-in), and its record with
every secret masked."""

import json
import time
from dataclasses import asdict
from urllib.parse import urlsplit

import requests

from auth.clients.exchange import record_exchange
from auth.errors import Unavailable
from auth.vault.crypto import fingerprint

TIMEOUT = 10
SIMULATOR_BASE = "/simulator/associates"


def router(base: str | None):
    """A function mapping an Amazon URL to where it is sent: ``base/<host><path>`` or itself."""

    def route(url: str) -> str:
        if not base:
            return url
        parts = urlsplit(url)
        return f"{base}/{parts.hostname}{parts.path}"

    return route


class Unreachable(Unavailable):
    """No HTTP answer (refused, timed out, TLS failure)."""

    kind = "upstream_unreachable"


def send(method: str, url: str, *, hide: tuple[str, ...] = (), **kwargs) -> tuple[requests.Response, dict]:
    """Send one request; return the response and its masked record (``hide``: extra secrets).

    :raises Unreachable: with the masked reason.
    """
    started = time.time()
    try:
        response = requests.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    except requests.RequestException as error:
        raise Unreachable(f"{type(error).__name__} calling {url.split('?', 1)[0]}") from None
    record = asdict(record_exchange(response))
    record["elapsed_ms"] = round((time.time() - started) * 1000, 1)
    record["started_at"] = round(started, 3)
    return response, _hide(record, hide)


def _hide(record: dict, secrets: tuple[str, ...]) -> dict:
    """Replace every occurrence of each secret (the Credential ID too) with its fingerprint."""
    text = json.dumps(record)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(json.dumps(secret)[1:-1], f"[{fingerprint(secret)}]")
    return json.loads(text)


def error_code(response: requests.Response) -> str | None:
    """The error code of an Amazon answer: LWA/Cognito, Creators API or PA-API 5 shapes."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    for key in ("reason", "error", "code"):
        if isinstance(body.get(key), str):
            return body[key]
    for key in ("errors", "Errors"):
        items = body.get(key)
        if isinstance(items, list) and items and isinstance(items[0], dict):
            code = items[0].get("code") or items[0].get("Code")
            if isinstance(code, str):
                return code
    kind = body.get("__type") or body.get("type")
    if isinstance(kind, str):
        return kind.rsplit("#", 1)[-1].removesuffix("Exception")
    return None
