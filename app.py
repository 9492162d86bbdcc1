"""The application factory of spapi-auth."""

import hashlib
import hmac
import json
import os
import sys
from pathlib import Path
from secrets import token_urlsafe
from urllib.parse import urlsplit

from flask import Flask
from flask import redirect
from flask import url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from auth.config.mode import check_production
from auth.config.mode import is_development
from auth.config.settings import ConfigError
from auth.config.settings import load_settings
from auth.config.settings import read_environment
from auth.security import redact
from auth.security.passwords import WeakHash
from auth.security.passwords import check_hash_strength
from auth.security.passwords import hash_password
from auth.vault.crypto import fingerprint
from auth.vault.crypto import generate_key
from web import api
from web import cli
from web import connect
from web import console
from web import explainer
from web import oauth
from web import operations
from web import simulator
from web.shared import browser
from web.shared import errors
from web.shared import headers
from web.shared import hosts
from web.shared import services
from web.shared.explaining import explain_helpers
from web.shared.limits import BodyLimit
from web.shared.sessions import CachedSerializerSessionInterface

DEV_SECRETS_FILE = "dev-secrets.json"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app; ``test_config`` replaces the environment in tests."""
    root = Path(__file__).parent
    values = read_environment(root) if test_config is None else dict(test_config)
    app = Flask(__name__, instance_relative_config=True, instance_path=values.get("SPAPI_INSTANCE_PATH"))
    os.makedirs(app.instance_path, exist_ok=True)
    testing = bool(values.get("TESTING"))
    development = is_development(values)
    try:
        settings = load_settings(values, dev_defaults=_dev_defaults(app, values, testing, development))
        if settings.admin_password_hash:
            check_hash_strength(settings.admin_password_hash)
        if not (testing or development):
            check_production(settings, values, debug=app.debug)
    except WeakHash as error:
        if testing:
            raise ConfigError("ADMIN_PASSWORD_HASH", str(error)) from None
        sys.exit(f"spapi-auth cannot start: ADMIN_PASSWORD_HASH {error}")
    except ConfigError as error:
        if testing:
            raise
        # Refuse to start, naming the setting: a half-configured app would fail later in
        # front of a seller, in the middle of the five minutes a code lives.
        sys.exit(f"spapi-auth cannot start: {error}")

    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        TESTING=testing,
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SESSION_COOKIE_NAME="__Host-spapi" if settings.https else "spapi_session",
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_HTTPONLY=True,
        # Lax, not Strict: Amazon's redirect back to us is a cross-site navigation and the
        # cookie that binds the state to this browser must come with it.
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        SPAPI_DEVELOPMENT=development,
        SPAPI_SIMULATOR_APP_STATUS=values.get("SPAPI_SIMULATOR_APP_STATUS") or settings.app_status,
        SPAPI_SIMULATOR_REDIRECT_URIS=values.get("SPAPI_SIMULATOR_REDIRECT_URIS") or settings.redirect_uri,
    )
    if settings.trusted_hosts or not (testing or development):
        app.config["TRUSTED_HOSTS"] = list(settings.trusted_hosts) or [_host_of(settings.public_url)]
    if test_config is not None:
        app.config.update(
            {k: v for k, v in test_config.items() if k.isupper() and k.startswith(("WTF_", "SERVER_"))}
        )
    hops = settings.trust_proxy_hops
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # Outermost: a body over the cap is refused before anything reads it, chunked or not.
    app.wsgi_app = BodyLimit(app.wsgi_app, MAX_UPLOAD_BYTES)

    redact.install()
    # Services first: their schema check must answer before anything reads the database.
    # Tests, and development on SQLite, migrate at start-up: `flask --app app run` on a fresh
    # instance serves at once. Production checks and answers 503 naming `flask spapi db upgrade`.
    migrate = testing or (development and settings.database_url.startswith("sqlite"))
    services.init_app(app, settings, values, migrate=migrate)
    # The administrator check runs before CSRF: an unauthenticated POST is sent to the log-in
    # page, not told about a form token it never had.
    console.init_guard(app, settings.https)
    csrf.init_app(app)
    app.session_interface = CachedSerializerSessionInterface()
    app.add_template_filter(fingerprint, "fingerprint")
    app.context_processor(explain_helpers)
    hosts.init_app(app, settings.public_url)
    headers.init_app(app)
    browser.init_app(app, settings.https)
    errors.init_app(app)
    # After the browser cookie's hook: the connect hook's 303 to return_url still gets the cookie.
    connect.init_app(app)
    cli.init_app(app)
    app.register_blueprint(oauth.create_blueprint())
    app.register_blueprint(explainer.create_blueprint())
    # The JSON API changes nothing, so it takes POSTs without a form token.
    csrf.exempt(explainer.pages.api)
    app.register_blueprint(console.create_blueprint())
    # The token service authenticates with API keys, not sessions or form tokens.
    api_blueprint = api.create_blueprint()
    csrf.exempt(api_blueprint)
    app.register_blueprint(api_blueprint)
    app.register_blueprint(connect.create_blueprint())
    app.register_blueprint(connect.create_console_blueprint())
    connect_api = connect.create_api_blueprint()
    csrf.exempt(connect_api)
    app.register_blueprint(connect_api)
    operations.init_app(app)
    # Browsers ask for /favicon.ico on every page; the icon is one small SVG.
    app.add_url_rule(
        "/favicon.ico", "favicon", lambda: redirect(url_for("static", filename="favicon.svg"), code=301)
    )
    if settings.simulator:
        app.register_blueprint(simulator.create_blueprint())
        # Machine endpoints, as on Amazon: clients authenticate with tokens, not form tokens.
        csrf.exempt(simulator.lwa.token_endpoint)
        csrf.exempt(simulator.spapi.operation)
        for view in simulator.associates.MACHINE_ENDPOINTS:
            csrf.exempt(view)
    return app


def _host_of(url: str) -> str:
    return urlsplit(url).netloc


def _dev_defaults(app: Flask, values: dict, testing: bool, development: bool) -> dict[str, str]:
    """Defaults that make a bare checkout run: only in development and tests."""
    if not (testing or development):
        return {}
    defaults = {
        "PUBLIC_URL": f"http://127.0.0.1:{development_port()}",
        "DATABASE_URL": "sqlite:///" + os.path.join(app.instance_path, "spapi.sqlite"),
    }
    defaults.update(_ephemeral_secrets() if testing else _stored_dev_secrets(app))
    secret_key = values.get("SECRET_KEY") or defaults["SECRET_KEY"]
    # The simulator is the only party that knows this secret besides us, so deriving it from
    # the session key gives every process of one deployment the same value.
    defaults["LWA_CLIENT_SECRET"] = (
        "amzn1.oa2-cs.v1."
        + hmac.new(secret_key.encode(), b"simulator-client-secret", hashlib.sha256).hexdigest()
    )
    return defaults


def development_port(argv: list[str] | None = None, environ=None) -> int:
    """The port ``flask run`` serves on (``--port``/``-p`` or FLASK_RUN_PORT), else 5000, so
    that the development Redirect URI and Login URI point at the server that is running."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    value = environ.get("FLASK_RUN_PORT", "")
    program = argv[0] if argv else ""
    under_flask_run = "run" in argv and (
        Path(program).name == "flask" or program.endswith("flask/__main__.py")
    )
    for index, arg in enumerate(argv if under_flask_run else []):
        if arg in ("--port", "-p") and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--port="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-p") and arg[2:].isdigit():
            value = arg[2:]
    return int(value) if value.isdigit() and 0 < int(value) < 65536 else 5000


def _ephemeral_secrets() -> dict[str, str]:
    return {"SECRET_KEY": os.urandom(32).hex(), "TOKEN_ENCRYPTION_KEYS": generate_key()}


def _stored_dev_secrets(app: Flask) -> dict[str, str]:
    """Load development keys from the instance folder, generating them on first start.

    The console's development password is generated with them and printed once; only its
    hash is kept.
    """
    path = Path(app.instance_path) / DEV_SECRETS_FILE
    if path.exists():
        stored = json.loads(path.read_text())
        if "ADMIN_PASSWORD_HASH" in stored:
            return stored
    secrets_ = _ephemeral_secrets() if not path.exists() else stored
    password = token_urlsafe(12)
    secrets_["ADMIN_PASSWORD_HASH"] = hash_password(password)
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with os.fdopen(os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        json.dump(secrets_, handle)
    try:
        if path.exists():
            os.replace(scratch, path)
        else:
            # link() is atomic and fails if the file exists: when two processes start at once
            # (the reloader), one set of keys wins and both use it.
            os.link(scratch, path)
    except FileExistsError:
        return json.loads(path.read_text())
    finally:
        if scratch.exists():
            os.unlink(scratch)
    print(f" * Generated development keys (SECRET_KEY, TOKEN_ENCRYPTION_KEYS) in {path}", file=sys.stderr)
    print(
        f" * Console: http://127.0.0.1:{development_port()}/console/ with the development password {password}"
        " (shown only now; set ADMIN_PASSWORD_HASH to choose your own)",
        file=sys.stderr,
    )
    return secrets_
