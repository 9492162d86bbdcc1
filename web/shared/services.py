"""The app's services, typed and built once in ``create_app`` (settings, database, vault, LWA,
token service, limiter, sessions, the simulator), reached one way: ``services()``; and the
per-request database session."""

from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlsplit

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from auth.clients.lwa import LwaClient
from auth.clients.shared_cache import SharedTokenStore
from auth.clients.sts import RoleSession
from auth.clients.token_cache import AccessTokenCache
from auth.config.marketplaces import catalog
from auth.config.settings import Settings
from auth.explainer.findings import Context
from auth.oauth.evidence import EvidenceCollector
from auth.oauth.redirects import CallbackAllowList
from auth.oauth.redirects import CallbackTarget
from auth.security.limiter import LoginLimiter
from auth.security.sessions import SessionStore
from auth.simulator.amazon import SimulatedAmazon
from auth.simulator.grants import GrantStore
from auth.simulator.records import Registration
from auth.tokens.service import TokenService
from auth.vault.client_secrets import ClientSecretStore
from auth.vault.crypto import TokenVault
from auth.vault.db import make_engine
from auth.vault.db import make_sessions
from auth.vault.previous import DEFAULT_POLICY
from auth.vault.previous import VaultPolicy
from web.shared import schema

SETTING_PREFIXES = (
    "SPAPI_",
    "LWA_",
    "PUBLIC_URL",
    "DATABASE_URL",
    "TOKEN_ENCRYPTION_KEYS",
    "ADMIN_PASSWORD_HASH",
    "TRUSTED_HOSTS",
    "TRUST_PROXY_HOPS",
)


@dataclass
class Services:
    """Everything a view needs, built once per app."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    vault: TokenVault
    lwa: LwaClient
    callback_allow_list: CallbackAllowList
    consent_origins: tuple[str, ...]
    token_cache: AccessTokenCache
    client_secrets: ClientSecretStore
    raw_settings: dict[str, str]
    token_service: TokenService
    login_limiter: LoginLimiter
    admin_sessions: SessionStore
    evidence: EvidenceCollector | None = None
    role_session: RoleSession | None = None
    # The simulated Amazon (SPAPI_SIMULATOR=1 only); what it issues lives in the database.
    simulator: SimulatedAmazon | None = None
    vault_policy: VaultPolicy = DEFAULT_POLICY
    # What the explainer compares a paste against: this app's own configuration.
    explain_context: Context = field(default_factory=Context)


def callback_targets(settings: Settings) -> list[CallbackTarget]:
    """Derive the allowed ``amazon_callback_uri`` locations from the marketplace table."""
    targets = []
    for host in sorted(catalog().region_by_central_host):
        mapped = urlsplit(settings.amazon_url(f"https://{host}"))
        targets.append(CallbackTarget(mapped.scheme, mapped.netloc.lower(), mapped.path.rstrip("/"), host))
    return targets


def init_app(app: Flask, settings: Settings, values: dict[str, str], migrate: bool = False) -> None:
    """Build the services for ``app`` and close the request's DB session at teardown."""
    engine = make_engine(settings.database_url, pool_timeout=settings.db_pool_timeout)
    schema.init_app(app, engine, migrate)
    vault = TokenVault(settings.token_encryption_keys)
    client_secrets = ClientSecretStore(engine, vault, settings.lwa_client_id)
    try:
        client_secrets.seed(settings.lwa_client_secret)
    except SQLAlchemyError:
        pass  # the schema is behind: every page says which command to run

    def live_secrets() -> list[str]:
        # Read at every LWA request: a secret one process stores is every process's at once.
        try:
            return client_secrets.secrets() or [settings.lwa_client_secret]
        except SQLAlchemyError:
            return [settings.lwa_client_secret]

    lwa = LwaClient(settings.lwa_token_url, settings.lwa_client_id, live_secrets)
    targets = callback_targets(settings)
    origins = sorted({f"{t.scheme}://{t.netloc}" for t in targets})
    sessions = make_sessions(engine)
    token_cache = AccessTokenCache(lwa, shared=SharedTokenStore(engine, vault))
    app.extensions["spapi"] = Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        vault=vault,
        lwa=lwa,
        callback_allow_list=CallbackAllowList(targets, settings.application_id),
        consent_origins=tuple(origins),
        token_cache=token_cache,
        token_service=TokenService(vault, token_cache, settings.spapi_url, sessions=sessions),
        login_limiter=LoginLimiter(engine),
        admin_sessions=SessionStore(engine),
        client_secrets=client_secrets,
        # The doctor reads these raw values; they never reach a page (secrets are fingerprinted).
        raw_settings={k: str(v) for k, v in values.items() if k.startswith(SETTING_PREFIXES)},
        evidence=EvidenceCollector(settings.spapi_url, verify_seller_id=settings.verify_seller_id),
        role_session=RoleSession(
            settings.role_arn, external_id=settings.role_external_id, endpoint_url=settings.sts_endpoint_url
        )
        if settings.role_arn
        else None,
        simulator=_simulated_amazon(settings, engine, values) if settings.simulator else None,
        vault_policy=VaultPolicy(settings.previous_version_days, settings.max_pending),
        explain_context=Context(
            application_id=settings.application_id,
            client_id=settings.lwa_client_id,
            draft=settings.draft,
            redirect_uri=settings.redirect_uri,
            login_uri=settings.login_uri,
        ),
    )
    app.teardown_appcontext(close_db)


def _simulated_amazon(settings: Settings, engine: Engine, values: dict[str, str]) -> SimulatedAmazon:
    """The simulator's Amazon, registered as the settings describe the app."""
    uris = values.get("SPAPI_SIMULATOR_REDIRECT_URIS") or settings.redirect_uri
    return SimulatedAmazon(
        Registration(
            application_id=settings.application_id,
            status=values.get("SPAPI_SIMULATOR_APP_STATUS") or settings.app_status,
            client_id=settings.lwa_client_id,
            client_secret=settings.lwa_client_secret,
            redirect_uris=tuple(u.strip() for u in uris.split(",") if u.strip()),
            login_uri=settings.login_uri,
        ),
        GrantStore(engine),
    )


def services() -> Services:
    """Return the current app's services."""
    return current_app.extensions["spapi"]


def get_db() -> Session:
    """Return the request's database session, opening it on first use."""
    if "db" not in g:
        g.db = services().sessions()
    return g.db


def close_db(_error: BaseException | None = None) -> None:
    """Close the request's database session, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        db.close()
