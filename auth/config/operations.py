"""The operations settings: the metrics bearer token and how hard ``check`` may press LWA."""

from collections.abc import Mapping

from auth.config.checks import ConfigError
from auth.config.checks import check_count

# LWA publishes no rate limit for its token endpoint (UNCONFIRMED): five requests a second
# and four at a time stays far below what one app's workers send at a busy hour anyway.
DEFAULT_CHECK_RATE = 5
DEFAULT_CHECK_CONCURRENCY = 4
MIN_METRICS_TOKEN = 16


def operations_settings(values: Mapping[str, str]) -> dict:
    """``SPAPI_METRICS_TOKEN``, ``SPAPI_CHECK_RATE`` and ``SPAPI_CHECK_CONCURRENCY``, checked."""
    token = str(values.get("SPAPI_METRICS_TOKEN") or "").strip() or None
    if token and len(token) < MIN_METRICS_TOKEN:
        raise ConfigError("SPAPI_METRICS_TOKEN", f"must be at least {MIN_METRICS_TOKEN} random characters")
    rate = check_count("SPAPI_CHECK_RATE", values.get("SPAPI_CHECK_RATE"), DEFAULT_CHECK_RATE)
    concurrency = check_count(
        "SPAPI_CHECK_CONCURRENCY", values.get("SPAPI_CHECK_CONCURRENCY"), DEFAULT_CHECK_CONCURRENCY
    )
    if rate < 1 or concurrency < 1:
        raise ConfigError("SPAPI_CHECK_RATE" if rate < 1 else "SPAPI_CHECK_CONCURRENCY", "must be 1 or more")
    return {"metrics_token": token, "check_rate": rate, "check_concurrency": concurrency}
