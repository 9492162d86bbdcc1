"""The settings of the lifecycle (rotation, webhooks), the Associates check and the vault's trust
rules: each section read and checked on its own, then merged into ``Settings``."""

from collections.abc import Mapping

from auth.config.checks import ConfigError
from auth.config.checks import check_count
from auth.config.checks import check_url
from auth.config.checks import check_webhook_secret


def read_lifecycle(values: Mapping[str, str]) -> dict:
    """The client-secret rotation and webhook settings."""
    queue = str(values.get("SPAPI_ROTATION_QUEUE_URL") or "").strip() or None
    webhook = str(values.get("SPAPI_WEBHOOK_URL") or "").strip() or None
    webhook_secret = str(values.get("SPAPI_WEBHOOK_SECRET") or "").strip() or None
    if webhook:
        check_webhook_secret(webhook_secret)
    return {
        "rotation_queue_url": check_url("SPAPI_ROTATION_QUEUE_URL", queue) if queue else None,
        "auto_rotate_days": check_count("SPAPI_AUTO_ROTATE_DAYS", values.get("SPAPI_AUTO_ROTATE_DAYS"), 0),
        "webhook_url": check_url("SPAPI_WEBHOOK_URL", webhook) if webhook else None,
        "webhook_secret": webhook_secret,
        "simulator_old_secret_seconds": check_count(
            "SPAPI_SIMULATOR_OLD_SECRET_SECONDS",
            values.get("SPAPI_SIMULATOR_OLD_SECRET_SECONDS"),
            7 * 24 * 3600,
        ),
    }


def read_associates(values: Mapping[str, str]) -> dict:
    """The Associates credential check's settings."""
    url = str(values.get("SPAPI_ASSOCIATES_URL") or "").strip().rstrip("/") or None
    return {
        "associates_url": check_url("SPAPI_ASSOCIATES_URL", url) if url else None,
        "associates_cooldown": check_count(
            "SPAPI_ASSOCIATES_COOLDOWN", values.get("SPAPI_ASSOCIATES_COOLDOWN"), 10
        ),
    }


def read_trust(values: Mapping[str, str]) -> dict:
    """The vault's retention of displaced tokens and its bound on pending ones."""
    max_pending = check_count("SPAPI_MAX_PENDING", values.get("SPAPI_MAX_PENDING"), 5)
    if max_pending < 1:
        raise ConfigError(
            "SPAPI_MAX_PENDING", "must be at least 1: a pending token is how a takeover is stopped"
        )
    return {
        "previous_version_days": check_count(
            "SPAPI_PREVIOUS_VERSION_DAYS", values.get("SPAPI_PREVIOUS_VERSION_DAYS"), 30
        ),
        "max_pending": max_pending,
    }
