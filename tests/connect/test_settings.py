"""The connect settings: an app with a malformed one refuses to start, naming it."""

import pytest

from app import create_app
from auth.config.checks import ConfigError
from tests.conftest import base_config


@pytest.mark.parametrize(
    "name, value",
    [
        ("SPAPI_RETURN_URLS", "http://product.example/app"),  # plain http off loopback
        ("SPAPI_RETURN_URLS", "https://product.example/app, not a url"),
        ("SPAPI_RETURN_URLS", "https://product.example/app?x=1"),
        ("SPAPI_SIGNIN_URL", "http://product.example/signin"),
        ("SPAPI_SUPPORT_URL", "https://user:pw@support.example/"),
        ("SPAPI_APP_NAME", "x" * 81),
        ("SPAPI_APP_NAME", "Acme\u0007"),
    ],
)
def test_a_malformed_setting_is_named(tmp_path, name, value):
    with pytest.raises(ConfigError) as raised:
        create_app(base_config(tmp_path, **{name: value}))
    assert raised.value.setting == name


def test_the_settings_are_read(tmp_path):
    app = create_app(
        base_config(
            tmp_path,
            SPAPI_RETURN_URLS=" https://a.example/x/ ,http://127.0.0.1:3000/cb",
            SPAPI_SIGNIN_URL="https://a.example/signin",
            SPAPI_APP_NAME="  Acme   Repricer ",
            SPAPI_SUPPORT_URL="https://a.example/help",
        )
    )
    settings = app.extensions["spapi"].settings
    assert settings.return_urls == ("https://a.example/x", "http://127.0.0.1:3000/cb")
    assert (settings.signin_url, settings.app_name, settings.support_url) == (
        "https://a.example/signin",
        "Acme Repricer",
        "https://a.example/help",
    )
    app.extensions["spapi"].engine.dispose()
    default = create_app(base_config(tmp_path))
    assert default.extensions["spapi"].settings.app_name == "spapi-auth"
    page = default.test_client().get("/").get_data(as_text=True)
    assert "Authorize our app" in page and "· spapi-auth" in page  # unset: today's texts
    default.extensions["spapi"].engine.dispose()
