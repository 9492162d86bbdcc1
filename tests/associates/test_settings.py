"""The Associates settings: checked at start-up, naming the setting."""

import pytest

from app import create_app
from auth.config.settings import ConfigError
from tests.conftest import base_config


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SPAPI_ASSOCIATES_URL", "http://stand-in.example.com"),
        ("SPAPI_ASSOCIATES_URL", "nope"),
        ("SPAPI_ASSOCIATES_COOLDOWN", "ten"),
    ],
)
def test_a_malformed_setting_is_named(tmp_path, name, value):
    with pytest.raises(ConfigError) as error:
        create_app(base_config(tmp_path, **{name: value}))
    assert name in str(error.value)


def test_defaults_and_a_loopback_stand_in(tmp_path):
    app = create_app(base_config(tmp_path, SPAPI_ASSOCIATES_URL="http://127.0.0.1:8080/"))
    settings = app.extensions["spapi"].settings
    assert (settings.associates_url, settings.associates_cooldown) == ("http://127.0.0.1:8080", 10)
    app.extensions["spapi"].engine.dispose()
