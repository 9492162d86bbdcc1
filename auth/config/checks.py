"""Checks of single settings: identifiers mixed up, malformed or weak values."""

import base64
import math
from collections import Counter
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

from auth.config.identifiers import APPLICATION_ID_RE
from auth.config.identifiers import LWA_CLIENT_ID_RE
from auth.errors import InvalidInput

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class ConfigError(InvalidInput):
    """A setting is missing or malformed; ``setting`` names it."""

    def __init__(self, setting: str, problem: str):
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


def check_application_id(value: str) -> str:
    """Check an SP-API application ID, catching the common mix-up with the LWA client ID."""
    if LWA_CLIENT_ID_RE.fullmatch(value):
        raise ConfigError(
            "SPAPI_APPLICATION_ID",
            "holds an LWA client ID (amzn1.application-oa2-client...); the application ID "
            "looks like amzn1.sp.solution... or amzn1.sellerapps.app... (Amazon shows MD1000)",
        )
    if not APPLICATION_ID_RE.fullmatch(value):
        raise ConfigError(
            "SPAPI_APPLICATION_ID",
            "must look like amzn1.sp.solution.<id> or amzn1.sellerapps.app.<id>",
        )
    return value


def check_client_id(value: str) -> str:
    """Check an LWA client ID, catching the common mix-up with the application ID."""
    if APPLICATION_ID_RE.fullmatch(value):
        raise ConfigError(
            "LWA_CLIENT_ID",
            "holds the SP-API application ID; the LWA client ID looks like "
            "amzn1.application-oa2-client.<id> (LWA answers invalid_client)",
        )
    if not LWA_CLIENT_ID_RE.fullmatch(value):
        raise ConfigError("LWA_CLIENT_ID", "must look like amzn1.application-oa2-client.<id>")
    return value


def check_encryption_keys(value: str) -> tuple[str, ...]:
    """Check a comma-separated list of Fernet keys, newest first."""
    keys = tuple(k.strip() for k in value.split(",") if k.strip())
    if not keys:
        raise ConfigError("TOKEN_ENCRYPTION_KEYS", "needs at least one Fernet key")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ConfigError(
                "TOKEN_ENCRYPTION_KEYS",
                f"key number {position} is not a Fernet key (32 url-safe base64-encoded bytes)",
            ) from None
        if len(set(base64.urlsafe_b64decode(key))) < 16:
            raise ConfigError(
                "TOKEN_ENCRYPTION_KEYS",
                f"key number {position} is not random (generate one with Fernet.generate_key())",
            )
    return keys


def check_webhook_secret(value: str | None) -> str:
    """Check ``SPAPI_WEBHOOK_SECRET``: 32 or more characters that look random (not ``aaaa…``),
    since anyone who guesses it can forge events the receiver acts on."""
    if not value or len(value) < 32:
        raise ConfigError(
            "SPAPI_WEBHOOK_SECRET",
            "is required with SPAPI_WEBHOOK_URL: at least 32 random characters "
            "(python -c 'import secrets; print(secrets.token_hex(32))')",
        )
    if _bits_per_character(value) < 3.0:
        raise ConfigError(
            "SPAPI_WEBHOOK_SECRET",
            "does not look random; generate one with "
            "python -c 'import secrets; print(secrets.token_hex(32))'",
        )
    return value


def _bits_per_character(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def check_secret_key(value: str) -> str:
    """Check ``SECRET_KEY``: at least 32 characters that look random, not a repeated word."""
    if len(value) < 32:
        raise ConfigError("SECRET_KEY", "must be at least 32 characters of random data")
    counts = Counter(value)
    bits = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    # Random hex carries 4 bits a character and base64 6; a phrase or a repeated letter less than 3.
    if bits < 3.0:
        raise ConfigError(
            "SECRET_KEY",
            "does not look random; generate one with "
            "python -c 'import secrets; print(secrets.token_hex(32))'",
        )
    return value


def check_proxy_hops(value: str | None) -> int:
    """Read ``TRUST_PROXY_HOPS``: how many reverse proxies in front set X-Forwarded-*."""
    text = str(value or "0").strip()
    if not text.isdigit() or int(text) > 5:
        raise ConfigError("TRUST_PROXY_HOPS", f"must be a number of proxies from 0 to 5, got {text[:20]!r}")
    return int(text)


def check_flag(name: str, value: str | None, default: bool) -> bool:
    """Read an on/off setting: 1/0, true/false, yes/no, on/off; empty means ``default``."""
    text = str(value or "").strip().lower()
    if not text:
        return default
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(name, f"must be 1 or 0, got {text[:20]!r}")


def check_count(name: str, value: str | None, default: int) -> int:
    """Read a whole number setting (0 or more); empty means ``default``."""
    text = str(value if value is not None else "").strip()
    if not text:
        return default
    if not text.isdigit() or len(text) > 9:
        raise ConfigError(name, f"must be a whole number, got {text[:20]!r}")
    return int(text)


def check_url(name: str, value: str) -> str:
    """Check an absolute URL that must be https unless it points at this machine."""
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
    except ValueError:
        raise ConfigError(name, f"is not a valid URL: {value!r}") from None
    if parts.scheme not in {"http", "https"} or not hostname:
        raise ConfigError(name, f"must be an absolute http(s) URL, got {value!r}")
    if parts.scheme != "https" and hostname not in LOOPBACK_HOSTS:
        raise ConfigError(name, "must use https:// (plain http is allowed only on loopback hosts)")
    if parts.fragment or "#" in value:
        raise ConfigError(name, "must not contain a fragment (#); Amazon rejects it (MD5110)")
    if parts.query:
        raise ConfigError(name, "must not contain a query string")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ConfigError(name, "must not contain a user name or password")
    try:
        parts.port  # noqa: B018 (raises ValueError for a port out of range or not a number)
    except ValueError:
        raise ConfigError(name, f"has an invalid port: {value!r}") from None
    return value.rstrip("/")
