"""Which mode the app runs in, and what each mode forbids: development conveniences (generated
keys, the simulator, Flask's debugger) never leak into production."""

from urllib.parse import urlsplit

from auth.config.checks import LOOPBACK_HOSTS
from auth.config.checks import ConfigError
from auth.config.checks import check_flag
from auth.config.settings import Settings


def is_development(values) -> bool:
    """Development is asked for by ``SPAPI_ENV=development`` only (never by FLASK_DEBUG alone)."""
    return str(values.get("SPAPI_ENV", "")).strip().lower() == "development"


def check_production(settings: Settings, values, *, debug: bool) -> None:
    """Refuse development features outside development, naming the setting.

    :raises ConfigError: FLASK_DEBUG is on, or the simulator is on without its loopback guard.
    """
    if debug:
        raise ConfigError(
            "FLASK_DEBUG",
            "is on outside development; set SPAPI_ENV=development on a development machine, "
            "never in production",
        )
    if settings.simulator:
        host = urlsplit(settings.public_url).hostname
        allowed = check_flag("SPAPI_SIMULATOR_ON_LOOPBACK", values.get("SPAPI_SIMULATOR_ON_LOOPBACK"), False)
        if host not in LOOPBACK_HOSTS or not allowed:
            raise ConfigError(
                "SPAPI_SIMULATOR",
                "is on outside development: real sellers would be sent to the simulator. Use it with "
                "SPAPI_ENV=development, or on a loopback PUBLIC_URL with SPAPI_SIMULATOR_ON_LOOPBACK=1",
            )
