"""Reading and checking the settings of the contract, from the environment and ``.env``.

Validation happens once, at start-up: a deployment with a missing or malformed setting must
refuse to start with a message naming the setting, not fail later in front of a seller.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from auth.config.checks import ConfigError
from auth.config.checks import check_application_id
from auth.config.checks import check_client_id
from auth.config.checks import check_count
from auth.config.checks import check_encryption_keys
from auth.config.checks import check_flag
from auth.config.checks import check_proxy_hops
from auth.config.checks import check_secret_key
from auth.config.checks import check_url
from auth.config.connect import DEFAULT_APP_NAME
from auth.config.connect import read_connect
from auth.config.identifiers import ROLE_ARN_RE
from auth.config.operations import DEFAULT_CHECK_CONCURRENCY
from auth.config.operations import DEFAULT_CHECK_RATE
from auth.config.operations import operations_settings
from auth.config.sections import read_associates
from auth.config.sections import read_lifecycle
from auth.config.sections import read_trust

DEFAULT_LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
SIMULATOR_PATH = "/simulator"
REDIRECT_PATH = "/oauth/redirect"
LOGIN_PATH = "/oauth/login"
APP_STATUSES = ("draft", "published")


# Identities the simulator registers for itself when no real app is configured. They have the
# shape of real identifiers so that every format check runs unchanged against the simulator.
SIMULATOR_APPLICATION_ID = "amzn1.sp.solution.5e1f0a7e-51a1-4c0d-9e5d-000000000001"
SIMULATOR_CLIENT_ID = "amzn1.application-oa2-client.5e1f0a7e51a14c0d9e5d000000000001"


@dataclass(frozen=True)
class Settings:
    """The checked settings of one running app."""

    application_id: str
    app_status: str
    lwa_client_id: str
    lwa_client_secret: str
    public_url: str
    lwa_token_url: str
    database_url: str
    secret_key: str
    token_encryption_keys: tuple[str, ...]
    simulator: bool = False
    trusted_hosts: tuple[str, ...] = field(default_factory=tuple)
    admin_password_hash: str | None = None
    role_arn: str | None = None
    role_external_id: str | None = None
    sts_endpoint_url: str | None = None
    # The app has the Product Listing role: verify claimed seller IDs with Listings Items.
    verify_seller_id: bool = False
    # 0: only invitations start an authorization; / and /authorize say so.
    public_authorize: bool = True
    # Every SP-API call goes to this base URL instead of the region's endpoint (a proxy).
    spapi_api_url: str | None = None
    trust_proxy_hops: int = 0
    # Authorizations one client address may start in a minute (0: no limit).
    states_per_minute: int = 30
    # Seconds a request waits for a free database connection before its 503: below gunicorn's
    # 30 s worker timeout, so an exhausted pool answers instead of getting the worker killed.
    db_pool_timeout: int = 10
    # The SQS queue Amazon sends Application Management notifications to (new client secrets).
    rotation_queue_url: str | None = None
    # Rotate the client secret when an expiry notice leaves fewer than this many days (0: never).
    auto_rotate_days: int = 0
    # Where events go (authorization stored, revoked, secret rotated, ...), signed with the secret.
    webhook_url: str | None = None
    webhook_secret: str | None = None
    # The simulator keeps an old client secret working this long after a rotation.
    simulator_old_secret_seconds: int = 7 * 24 * 3600
    # Associates checks: every Amazon call goes to this base URL + /<host><path> (a stand-in).
    associates_url: str | None = None
    # Seconds after a check of one credential starts during which another is refused ("wait").
    associates_cooldown: int = 10
    # Connect (auth/config/connect.py): return_url allow-list, Appstore sign-in page, branding.
    return_urls: tuple[str, ...] = field(default_factory=tuple)
    signin_url: str | None = None
    app_name: str = DEFAULT_APP_NAME
    support_url: str | None = None
    # Operations: the bearer token of GET /metrics (unset: 404), and the pace of `check`.
    metrics_token: str | None = None
    check_rate: int = DEFAULT_CHECK_RATE
    check_concurrency: int = DEFAULT_CHECK_CONCURRENCY
    # Trust: how long a displaced token stays restorable, and how many may wait as pending.
    previous_version_days: int = 30
    max_pending: int = 5

    @property
    def draft(self) -> bool:
        """True when the app is a draft, which needs ``version=beta`` on Amazon's pages."""
        return self.app_status == "draft"

    @property
    def redirect_uri(self) -> str:
        """The OAuth Redirect URI to register with Amazon."""
        return self.public_url + REDIRECT_PATH

    @property
    def login_uri(self) -> str:
        """The OAuth Login URI to register with Amazon (Appstore workflow)."""
        return self.public_url + LOGIN_PATH

    @property
    def https(self) -> bool:
        """True when the app is served over HTTPS (cookies get ``Secure``)."""
        return self.public_url.startswith("https://")

    def spapi_url(self, url: str) -> str:
        """Map an SP-API URL to where this app sends it: ``SPAPI_API_URL``, the simulator or Amazon."""
        if not self.spapi_api_url:
            return self.amazon_url(url)
        parts = urlsplit(url)
        return self.spapi_api_url + parts.path + (f"?{parts.query}" if parts.query else "")

    def amazon_url(self, url: str) -> str:
        """Map an Amazon URL to where this app reaches it: Amazon itself or the simulator."""
        if not self.simulator:
            return url
        parts = urlsplit(url)
        return f"{self.public_url}{SIMULATOR_PATH}/{parts.hostname}{parts.path}"


def read_environment(root: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Merge ``root/.env`` (when present) under the process environment, which wins.

    ``SPAPI_DOTENV=0`` in the environment skips the file: the test suite sets it, so that the
    development `.env` that `make run` writes never changes what a test starts.
    """
    environment = os.environ if environ is None else environ
    values: dict[str, str] = {}
    if str(environment.get("SPAPI_DOTENV", "")).strip() != "0":
        values = {k: v for k, v in dotenv_values(root / ".env").items() if v is not None}
    values.update(environment)
    return values


def _flag(values: Mapping[str, str], name: str) -> bool:
    return str(values.get(name, "")).strip().lower() in {"1", "true", "yes", "on"}


def _required(values: Mapping[str, str], name: str, default: str | None) -> str:
    value = str(values.get(name) or "").strip() or default
    if not value:
        raise ConfigError(name, "is required; set it in the environment or in .env")
    return value


def load_settings(values: Mapping[str, str], *, dev_defaults: Mapping[str, str] | None = None) -> Settings:
    """Build checked settings from ``values``; ``dev_defaults`` fill gaps in development.

    :raises ConfigError: naming the first setting that is missing or malformed.
    """
    defaults = dict(dev_defaults or {})
    simulator = _flag(values, "SPAPI_SIMULATOR")
    if simulator:
        defaults.setdefault("SPAPI_APPLICATION_ID", SIMULATOR_APPLICATION_ID)
        defaults.setdefault("SPAPI_APP_STATUS", "draft")
        defaults.setdefault("LWA_CLIENT_ID", SIMULATOR_CLIENT_ID)

    public_url = check_url("PUBLIC_URL", _required(values, "PUBLIC_URL", defaults.get("PUBLIC_URL")))
    status = _required(values, "SPAPI_APP_STATUS", defaults.get("SPAPI_APP_STATUS")).lower()
    if status not in APP_STATUSES:
        raise ConfigError("SPAPI_APP_STATUS", f"must be draft or published, got {status!r}")

    settings = Settings(
        application_id=check_application_id(
            _required(values, "SPAPI_APPLICATION_ID", defaults.get("SPAPI_APPLICATION_ID"))
        ),
        app_status=status,
        lwa_client_id=check_client_id(_required(values, "LWA_CLIENT_ID", defaults.get("LWA_CLIENT_ID"))),
        lwa_client_secret=_required(values, "LWA_CLIENT_SECRET", defaults.get("LWA_CLIENT_SECRET")),
        public_url=public_url,
        lwa_token_url="",
        database_url=_required(values, "DATABASE_URL", defaults.get("DATABASE_URL")),
        secret_key=_required(values, "SECRET_KEY", defaults.get("SECRET_KEY")),
        token_encryption_keys=check_encryption_keys(
            _required(values, "TOKEN_ENCRYPTION_KEYS", defaults.get("TOKEN_ENCRYPTION_KEYS"))
        ),
        simulator=simulator,
        trusted_hosts=tuple(h.strip() for h in str(values.get("TRUSTED_HOSTS", "")).split(",") if h.strip()),
    )
    admin_hash = str(values.get("ADMIN_PASSWORD_HASH") or defaults.get("ADMIN_PASSWORD_HASH") or "").strip()
    if admin_hash and not admin_hash.startswith(("scrypt:", "pbkdf2:")):
        raise ConfigError(
            "ADMIN_PASSWORD_HASH",
            "must be a hash printed by flask spapi set-admin-password, never the password itself",
        )
    settings = replace(settings, admin_password_hash=admin_hash or None)
    role_arn = str(values.get("SPAPI_ROLE_ARN") or "").strip() or None
    if role_arn and not ROLE_ARN_RE.fullmatch(role_arn):
        raise ConfigError("SPAPI_ROLE_ARN", "must look like arn:aws:iam::123456789012:role/name")
    sts_url = str(values.get("SPAPI_STS_ENDPOINT_URL") or "").strip() or None
    api_url = str(values.get("SPAPI_API_URL") or "").strip() or None
    settings = replace(
        settings,
        role_arn=role_arn,
        role_external_id=str(values.get("SPAPI_ROLE_EXTERNAL_ID") or "").strip() or None,
        sts_endpoint_url=check_url("SPAPI_STS_ENDPOINT_URL", sts_url) if sts_url else None,
        # The simulator models an app with the Product Listing role, so it checks by default.
        verify_seller_id=check_flag(
            "SPAPI_VERIFY_SELLER_ID", values.get("SPAPI_VERIFY_SELLER_ID"), simulator
        ),
        public_authorize=check_flag("SPAPI_PUBLIC_AUTHORIZE", values.get("SPAPI_PUBLIC_AUTHORIZE"), True),
        spapi_api_url=check_url("SPAPI_API_URL", api_url) if api_url else None,
        trust_proxy_hops=check_proxy_hops(values.get("TRUST_PROXY_HOPS")),
        states_per_minute=check_count("SPAPI_STATES_PER_MINUTE", values.get("SPAPI_STATES_PER_MINUTE"), 30),
        db_pool_timeout=check_count("SPAPI_DB_POOL_TIMEOUT", values.get("SPAPI_DB_POOL_TIMEOUT"), 10),
    )
    if not 1 <= settings.db_pool_timeout <= 25:
        raise ConfigError("SPAPI_DB_POOL_TIMEOUT", "must be 1 to 25 seconds (gunicorn's timeout is 30)")
    settings = replace(
        settings,
        **read_lifecycle(values),
        **read_associates(values),
        **read_connect(values),
        **operations_settings(values),
        **read_trust(values),
    )
    check_secret_key(settings.secret_key)
    token_url = values.get("LWA_TOKEN_URL") or settings.amazon_url(DEFAULT_LWA_TOKEN_URL)
    return replace(settings, lwa_token_url=check_url("LWA_TOKEN_URL", token_url))
