"""load_settings field by field: every setting read where it belongs, defaults where none is set."""

import pytest
from cryptography.fernet import Fernet

from auth.config.checks import ConfigError
from auth.config.settings import DEFAULT_LWA_TOKEN_URL
from auth.config.settings import SIMULATOR_APPLICATION_ID
from auth.config.settings import SIMULATOR_CLIENT_ID
from auth.config.settings import load_settings

KEY = Fernet.generate_key().decode()
FULL = {
    "SPAPI_APPLICATION_ID": "amzn1.sp.solution.0bf296b5-36a6-4942-a13e-0123456789ab",
    "SPAPI_APP_STATUS": "Published",
    "LWA_CLIENT_ID": "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef",
    "LWA_CLIENT_SECRET": " the-secret ",
    "PUBLIC_URL": "https://spapi.example.com/",
    "DATABASE_URL": "postgresql+psycopg://u@h/db",
    "SECRET_KEY": "0123456789abcdef0123456789ABCDEF",
    "TOKEN_ENCRYPTION_KEYS": KEY,
    "TRUSTED_HOSTS": " a.example , ,b.example ",
    "SPAPI_ROLE_ARN": " arn:aws:iam::123456789012:role/spapi ",
    "SPAPI_ROLE_EXTERNAL_ID": " ext ",
    "SPAPI_STS_ENDPOINT_URL": "https://sts.example.com/",
    "SPAPI_VERIFY_SELLER_ID": "yes",
    "SPAPI_PUBLIC_AUTHORIZE": "off",
    "SPAPI_API_URL": "https://proxy.example.com/",
    "TRUST_PROXY_HOPS": "2",
    "SPAPI_STATES_PER_MINUTE": "12",
}


def test_every_setting_lands_in_its_field():
    s = load_settings(FULL)
    assert (s.application_id, s.app_status, s.lwa_client_id) == (
        FULL["SPAPI_APPLICATION_ID"],
        "published",
        FULL["LWA_CLIENT_ID"],
    )
    assert s.lwa_client_secret == "the-secret" and s.secret_key == FULL["SECRET_KEY"]
    assert (s.public_url, s.database_url, s.token_encryption_keys) == (
        "https://spapi.example.com",
        FULL["DATABASE_URL"],
        (KEY,),
    )
    assert s.lwa_token_url == DEFAULT_LWA_TOKEN_URL and not s.simulator and not s.draft
    assert s.trusted_hosts == ("a.example", "b.example")
    assert (s.role_arn, s.role_external_id, s.sts_endpoint_url) == (
        "arn:aws:iam::123456789012:role/spapi",
        "ext",
        "https://sts.example.com",
    )
    assert (s.verify_seller_id, s.public_authorize, s.spapi_api_url) == (
        True,
        False,
        "https://proxy.example.com",
    )
    assert (s.trust_proxy_hops, s.states_per_minute, s.admin_password_hash) == (2, 12, None)
    assert (s.redirect_uri, s.login_uri, s.https) == (
        "https://spapi.example.com/oauth/redirect",
        "https://spapi.example.com/oauth/login",
        True,
    )


def test_defaults_where_nothing_optional_is_set():
    minimal = {k: FULL[k] for k in list(FULL)[:8]}
    s = load_settings(minimal)
    assert s.trusted_hosts == () and s.role_arn is None and s.role_external_id is None
    assert s.sts_endpoint_url is None and s.spapi_api_url is None
    assert (s.verify_seller_id, s.public_authorize, s.trust_proxy_hops, s.states_per_minute) == (
        False,
        True,
        0,
        30,
    )


def test_the_simulator_fills_identities_and_points_lwa_at_itself():
    values = {
        "SPAPI_SIMULATOR": "1",
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "LWA_CLIENT_SECRET": "x",
        "DATABASE_URL": "sqlite://",
        "SECRET_KEY": FULL["SECRET_KEY"],
        "TOKEN_ENCRYPTION_KEYS": KEY,
    }
    s = load_settings(values)
    assert (s.application_id, s.lwa_client_id, s.app_status, s.simulator) == (
        SIMULATOR_APPLICATION_ID,
        SIMULATOR_CLIENT_ID,
        "draft",
        True,
    )
    assert s.lwa_token_url == "http://127.0.0.1:5000/simulator/api.amazon.com/auth/o2/token"
    assert s.verify_seller_id is True and s.draft and not s.https
    assert s.amazon_url("https://sellercentral.amazon.de/apps/x?y=1") == (
        "http://127.0.0.1:5000/simulator/sellercentral.amazon.de/apps/x"
    )


LIFECYCLE = {
    "SPAPI_ROTATION_QUEUE_URL": " https://sqs.eu-west-1.amazonaws.com/123456789012/rotation ",
    "SPAPI_AUTO_ROTATE_DAYS": "7",
    "SPAPI_WEBHOOK_URL": "https://hooks.example.com/spapi",
    "SPAPI_WEBHOOK_SECRET": " 9f2c41d7e8b05a36-webhook-c7d1e4a9b2 ",
    "SPAPI_SIMULATOR_OLD_SECRET_SECONDS": "30",
}


def test_the_lifecycle_settings_land_in_their_fields():
    settings = load_settings({**FULL, **LIFECYCLE})
    assert settings.rotation_queue_url == "https://sqs.eu-west-1.amazonaws.com/123456789012/rotation"
    assert settings.auto_rotate_days == 7
    assert settings.webhook_url == "https://hooks.example.com/spapi"
    assert settings.webhook_secret == "9f2c41d7e8b05a36-webhook-c7d1e4a9b2"
    assert settings.simulator_old_secret_seconds == 30
    defaults = load_settings(FULL)
    assert (
        defaults.rotation_queue_url,
        defaults.auto_rotate_days,
        defaults.webhook_url,
        defaults.webhook_secret,
    ) == (
        None,
        0,
        None,
        None,
    )
    assert defaults.simulator_old_secret_seconds == 7 * 24 * 3600


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("SPAPI_ROTATION_QUEUE_URL", "http://sqs.example.com/q", "https"),
        ("SPAPI_AUTO_ROTATE_DAYS", "seven", "whole number"),
        ("SPAPI_WEBHOOK_URL", "ftp://hooks.example.com", ""),
        ("SPAPI_WEBHOOK_SECRET", "short", "32"),
        ("SPAPI_WEBHOOK_SECRET", "0123456789abcdef0123456789abcde", "32"),
        ("SPAPI_WEBHOOK_SECRET", "a" * 40, "does not look random"),
        ("SPAPI_WEBHOOK_SECRET", "abababababababababababababababab", "does not look random"),
        ("SPAPI_SIMULATOR_OLD_SECRET_SECONDS", "-1", "whole number"),
        ("SPAPI_DB_POOL_TIMEOUT", "0", "1 to 25"),
        ("SPAPI_DB_POOL_TIMEOUT", "30", "gunicorn"),
        ("SPAPI_DB_POOL_TIMEOUT", "ten", "whole number"),
    ],
)
def test_a_malformed_lifecycle_setting_is_named(name, value, words):
    values = {**FULL, **LIFECYCLE, name: value}
    with pytest.raises(ConfigError) as raised:
        load_settings(values)
    assert raised.value.setting == name and words in str(raised.value)


def test_a_webhook_needs_its_secret():
    values = {**FULL, "SPAPI_WEBHOOK_URL": "https://hooks.example.com/spapi"}
    with pytest.raises(ConfigError) as raised:
        load_settings(values)
    assert raised.value.setting == "SPAPI_WEBHOOK_SECRET"
