"""The factory: settings from the environment, refusal to start, development defaults."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from auth.config.settings import ConfigError
from auth.config.settings import load_settings
from auth.config.settings import read_environment
from auth.security.passwords import verify_password
from auth.vault.schema import head_revision
from tests.conftest import APPLICATION_ID
from tests.conftest import CLIENT_ID
from tests.conftest import SECRET_KEY
from tests.conftest import TOKEN_KEY
from tests.conftest import base_config

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SPAPI_APPLICATION_ID": APPLICATION_ID,
    "SPAPI_APP_STATUS": "published",
    "LWA_CLIENT_ID": CLIENT_ID,
    "LWA_CLIENT_SECRET": "secret-value",
    "PUBLIC_URL": "https://spapi.example.com",
    "DATABASE_URL": "sqlite://",
    "SECRET_KEY": SECRET_KEY,
    "TOKEN_ENCRYPTION_KEYS": TOKEN_KEY,
}
SETTING_NAMES = [
    *PRODUCTION,
    "LWA_TOKEN_URL",
    "SPAPI_SIMULATOR",
    "SPAPI_ENV",
    "FLASK_DEBUG",
    "TRUSTED_HOSTS",
    "SPAPI_INSTANCE_PATH",
    "ADMIN_PASSWORD_HASH",
    "SPAPI_ROLE_ARN",
]


@pytest.fixture
def environ(monkeypatch, tmp_path):
    """A clean process environment holding only the settings a test sets."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPAPI_INSTANCE_PATH", str(tmp_path / "instance"))

    def set_all(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_all


def test_production_app_from_environment(environ):
    environ(**PRODUCTION)
    app = create_app()
    settings = app.extensions["spapi"].settings
    assert settings.redirect_uri == "https://spapi.example.com/oauth/redirect"
    assert settings.login_uri == "https://spapi.example.com/oauth/login"
    assert settings.lwa_token_url == "https://api.amazon.com/auth/o2/token"
    assert not app.testing and "simulator" not in app.blueprints
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-spapi" and app.config["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize("missing", list(PRODUCTION))
def test_refuses_to_start_naming_a_missing_setting(environ, missing):
    environ(**{k: v for k, v in PRODUCTION.items() if k != missing})
    with pytest.raises(SystemExit) as stop:
        create_app()
    assert missing in str(stop.value)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("PUBLIC_URL", "http://spapi.example.com", "https"),
        ("PUBLIC_URL", "https://spapi.example.com/#x", "fragment"),
        ("PUBLIC_URL", "spapi.example.com", "absolute"),
        ("PUBLIC_URL", "https://[spapi.example.com", "not a valid URL"),
        ("LWA_TOKEN_URL", "http://api.amazon.com/auth/o2/token", "https"),
        ("SPAPI_APPLICATION_ID", CLIENT_ID, "LWA client ID"),
        ("LWA_CLIENT_ID", APPLICATION_ID, "application ID"),
        ("SPAPI_APPLICATION_ID", "my-app", "amzn1.sp.solution"),
        ("SPAPI_APP_STATUS", "beta", "draft or published"),
        ("TOKEN_ENCRYPTION_KEYS", "not-a-key", "Fernet"),
        ("SECRET_KEY", "short", "32 characters"),
        ("ADMIN_PASSWORD_HASH", "my-plain-password", "never the password"),
        ("SPAPI_ROLE_ARN", "arn:aws:iam::1:role/x", "arn:aws:iam::123456789012:role/name"),
    ],
)
def test_refuses_malformed_settings(environ, name, value, words):
    environ(**{**PRODUCTION, name: value})
    with pytest.raises(SystemExit) as stop:
        create_app()
    assert name in str(stop.value) and words in str(stop.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:5000", "http://[::1]:5000"])
def test_plain_http_allowed_on_loopback(url):
    values = {**PRODUCTION, "PUBLIC_URL": url, "LWA_TOKEN_URL": url + "/auth/o2/token"}
    assert load_settings(values).public_url == url


def test_simulator_needs_no_app_identity():
    values = {k: PRODUCTION[k] for k in ("DATABASE_URL", "SECRET_KEY", "TOKEN_ENCRYPTION_KEYS")}
    settings = load_settings(
        {**values, "SPAPI_SIMULATOR": "1", "PUBLIC_URL": "http://127.0.0.1:5000"},
        dev_defaults={"LWA_CLIENT_SECRET": "x"},
    )
    assert settings.lwa_token_url == "http://127.0.0.1:5000/simulator/api.amazon.com/auth/o2/token"
    assert settings.draft


def test_dotenv_is_read_and_environment_wins(tmp_path):
    (tmp_path / ".env").write_text("PUBLIC_URL=https://from-dotenv.example\nSPAPI_APP_STATUS=draft\n")
    values = read_environment(tmp_path, {"SPAPI_APP_STATUS": "published"})
    assert values["PUBLIC_URL"] == "https://from-dotenv.example"
    assert values["SPAPI_APP_STATUS"] == "published"


def test_development_generates_keys_once(environ, tmp_path, capfd):
    environ(SPAPI_ENV="development", SPAPI_SIMULATOR="1")
    first = create_app()
    shown = capfd.readouterr().err
    password = re.search(r"development password (\S+) ", shown).group(1)
    secrets_file = tmp_path / "instance" / "dev-secrets.json"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    stored = json.loads(secrets_file.read_text())
    assert first.config["SECRET_KEY"] == stored["SECRET_KEY"]
    assert verify_password(stored["ADMIN_PASSWORD_HASH"], password) and password not in json.dumps(stored)
    second = create_app()
    assert "development password" not in capfd.readouterr().err  # shown once only
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert second.extensions["spapi"].settings.public_url == "http://127.0.0.1:5000"


def test_production_refuses_to_serve_until_the_schema_is_upgraded(environ):
    environ(**PRODUCTION)
    app = create_app()
    client = app.test_client()
    refused = client.get("/", headers={"Host": "spapi.example.com"})
    assert refused.status_code == 503 and b"spapi db upgrade" in refused.data
    status = app.test_cli_runner().invoke(args=["spapi", "db", "status"])
    assert status.exit_code == 1 and "Run: flask --app app spapi db upgrade" in status.output
    upgraded = app.test_cli_runner().invoke(args=["spapi", "db", "upgrade", "--json"])
    assert json.loads(upgraded.output) == {"from": None, "to": head_revision(), "changed": True}
    assert client.get("/", headers={"Host": "spapi.example.com"}).status_code == 200
    again = app.test_cli_runner().invoke(args=["spapi", "db", "upgrade"])
    assert "up to date" in again.output
    assert app.test_cli_runner().invoke(args=["spapi", "db", "status"]).exit_code == 0


def test_forged_host_header_is_refused_in_production(environ):
    environ(**PRODUCTION)
    app = create_app()
    app.test_cli_runner().invoke(args=["spapi", "db", "upgrade"])
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "spapi.example.com"}).status_code == 200


def test_redirect_uri_never_comes_from_the_request(tmp_path, lwa_url):
    from tests.oauth.test_login_uri import login_params

    app = create_app(base_config(tmp_path, LWA_TOKEN_URL=lwa_url))
    response = app.test_client().get(
        "/oauth/login",
        query_string=login_params(),
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    assert "redirect_uri=https%3A%2F%2Fapp.example.test%2Foauth%2Fredirect" in response.headers["Location"]


def test_importing_and_creating_the_app_does_not_import_boto3(tmp_path):
    code = (
        "import sys, app\n"
        f"config = {{'TESTING': True, 'SPAPI_SIMULATOR': '1', 'SPAPI_INSTANCE_PATH': {str(tmp_path)!r}}}\n"
        "app.create_app(config)\n"
        "print('boto3' in sys.modules, 'botocore' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_config_error_names_setting():
    with pytest.raises(ConfigError) as error:
        load_settings({})
    assert error.value.setting == "PUBLIC_URL"


@pytest.mark.parametrize(
    ("argv", "environ", "port"),
    [
        (["flask", "run"], {}, 5000),
        (["flask", "run", "--port", "5051"], {}, 5051),
        (["flask", "run", "--port=5052"], {}, 5052),
        (["flask", "run", "-p", "5053"], {}, 5053),
        (["flask", "run", "-p5054"], {}, 5054),
        (["flask", "run"], {"FLASK_RUN_PORT": "5055"}, 5055),
        (["flask", "run", "--port", "junk"], {}, 5000),
        (["flask", "run", "--port", "99999"], {}, 5000),
        (["pytest", "-p", "5099"], {}, 5000),
        (["/venv/lib/python3.11/site-packages/flask/__main__.py", "run", "-p", "5056"], {}, 5056),
    ],
)
def test_development_uris_follow_the_port_flask_runs_on(argv, environ, port):
    from app import development_port

    assert development_port(argv, environ) == port


def test_a_development_app_on_another_port_builds_its_uris_there(environ):
    environ(SPAPI_ENV="development", SPAPI_SIMULATOR="1", FLASK_RUN_PORT="5077")
    settings = create_app().extensions["spapi"].settings
    assert settings.redirect_uri == "http://127.0.0.1:5077/oauth/redirect"
    assert settings.amazon_url("https://sellercentral.amazon.com/apps/authorize/consent").startswith(
        "http://127.0.0.1:5077/simulator/"
    )
