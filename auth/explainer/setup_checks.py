"""The configuration doctor: checks the settings the way SP-API set-ups fail in practice.

It reads the raw values (environment and .env), so it also explains a configuration that the
app refuses to start with. Run it as ``flask spapi doctor`` or ``python -m auth.explainer.setup_checks``.
"""

from collections.abc import Mapping
from datetime import date
from urllib.parse import urlsplit

from auth.config.checks import LOOPBACK_HOSTS
from auth.config.settings import APP_STATUSES
from auth.config.settings import DEFAULT_LWA_TOKEN_URL
from auth.config.settings import ConfigError
from auth.config.settings import check_application_id
from auth.config.settings import check_client_id
from auth.config.settings import check_encryption_keys
from auth.explainer.findings import Finding

SECRET_LIFETIME_DAYS = 180
SECRET_WARNING_DAYS = 30


def check(
    values: Mapping[str, str],
    today: date | None = None,
    amazon_version: str | None = None,
    secret_known: bool = False,
) -> list[Finding]:
    """Return the findings for a configuration; ``amazon_version`` is what Amazon last sent
    to the Login URI ("beta" or "none"), when known; ``secret_known``: the stored secret's
    deadline is reported by ``secret_findings``, so LWA_CLIENT_SECRET_CREATED says nothing."""
    today = today or date.today()
    simulator = str(values.get("SPAPI_SIMULATOR", "")).lower() in {"1", "true", "yes", "on"}
    found: list[Finding] = []
    found += _identity(values, simulator)
    found += _public_url(values.get("PUBLIC_URL"))
    found += _status(values, amazon_version)
    created = values.get("LWA_CLIENT_SECRET_CREATED")
    if not secret_known or not created:  # one age, one deadline: never two at once
        found += _secret_age(created, today)
    token_url = values.get("LWA_TOKEN_URL")
    if token_url and token_url != DEFAULT_LWA_TOKEN_URL and not simulator:
        found.append(
            Finding("warning", f"LWA_TOKEN_URL is {token_url}, not Amazon's {DEFAULT_LWA_TOKEN_URL}.")
        )
    found += _keys(values)
    return found


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.severity == "error" for f in findings)


def _identity(values, simulator) -> list[Finding]:
    found = []
    for name, checker, entry in (
        ("SPAPI_APPLICATION_ID", check_application_id, "MD1000"),
        ("LWA_CLIENT_ID", check_client_id, "invalid_client"),
    ):
        value = values.get(name)
        if not value:
            if not simulator:
                found.append(Finding("error", f"{name} is not set.", entry))
            continue
        try:
            checker(value)
        except ConfigError as error:
            found.append(Finding("error", f"{name} {error.problem}.", entry))
    if not values.get("LWA_CLIENT_SECRET") and not simulator:
        found.append(Finding("error", "LWA_CLIENT_SECRET is not set.", "invalid_client"))
    return found


def _public_url(value: str | None) -> list[Finding]:
    if not value:
        return [
            Finding("warning", "PUBLIC_URL is not set: only development defaults to http://127.0.0.1:5000.")
        ]
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return [Finding("error", "PUBLIC_URL is not a valid URL.")]
    found = []
    if "#" in value:
        found.append(
            Finding(
                "error", "PUBLIC_URL contains a fragment, so the Redirect URI would too (MD5110).", "MD5110"
            )
        )
    if parts.scheme != "https":
        if host in LOOPBACK_HOSTS:
            found.append(
                Finding(
                    "warning",
                    "PUBLIC_URL is plain http on this machine: fine with the simulator, but "
                    "Amazon needs HTTPS Login and Redirect URIs.",
                    "MD9999",
                )
            )
        else:
            found.append(
                Finding(
                    "error", "PUBLIC_URL must be https: Amazon needs HTTPS Login and Redirect URIs.", "MD9999"
                )
            )
    return found


def _status(values, amazon_version) -> list[Finding]:
    status = str(values.get("SPAPI_APP_STATUS") or "").lower()
    if not status:
        return []
    if status not in APP_STATUSES:
        return [Finding("error", f"SPAPI_APP_STATUS is {status!r}; use draft or published.", "MD1000")]
    found = []
    if amazon_version == "beta" and status == "published":
        found.append(
            Finding(
                "error",
                "Amazon's last Login URI call carried version=beta, so Amazon still has the app "
                "as a draft, but SPAPI_APP_STATUS=published: consent URIs lack version=beta (MD1000).",
                "MD1000",
            )
        )
    if amazon_version == "none" and status == "draft":
        found.append(
            Finding(
                "error",
                "Amazon's last Login URI call had no version=beta, so the app is published, but "
                "SPAPI_APP_STATUS=draft sends version=beta to the draft version.",
                "MD1000",
            )
        )
    simulated = str(values.get("SPAPI_SIMULATOR_APP_STATUS") or "").lower()
    if simulated and simulated != status:
        found.append(
            Finding(
                "info",
                f"The simulator plays an app that is {simulated} while SPAPI_APP_STATUS is "
                f"{status}: expect MD1000 from it, on purpose.",
                "MD1000",
            )
        )
    return found


def _secret_age(value: str | None, today: date) -> list[Finding]:
    if not value:
        return [
            Finding(
                "info",
                "Set LWA_CLIENT_SECRET_CREATED (YYYY-MM-DD) to be warned before the client secret's "
                "180-day deadline.",
            )
        ]
    try:
        created = date.fromisoformat(value.strip())
    except ValueError:
        return [Finding("error", f"LWA_CLIENT_SECRET_CREATED is {value[:20]!r}; use YYYY-MM-DD.")]
    age = (today - created).days
    left = SECRET_LIFETIME_DAYS - age
    if left < 0:
        return [
            Finding(
                "error",
                f"The LWA client secret is {age} days old: past Amazon's 180-day rotation deadline, "
                "calls fail until it is rotated.",
                "Unauthorized-expired-secret",
            )
        ]
    if left <= SECRET_WARNING_DAYS:
        return [
            Finding(
                "warning",
                f"The LWA client secret must be rotated within {left} days (it is {age} days old).",
                "Unauthorized-expired-secret",
            )
        ]
    return [Finding("info", f"The LWA client secret is {age} days old; rotation is due in {left} days.")]


def _keys(values) -> list[Finding]:
    raw = values.get("TOKEN_ENCRYPTION_KEYS")
    if not raw:
        return []
    try:
        keys = check_encryption_keys(raw)
    except ConfigError as error:
        return [Finding("error", f"TOKEN_ENCRYPTION_KEYS: {error.problem}.")]
    if len(keys) > 1:
        return [
            Finding(
                "info",
                f"{len(keys)} encryption keys are configured: run flask spapi rotate-keys, then drop "
                "the older ones.",
            )
        ]
    return []


def secret_findings(
    created_at, deadline, last_rotation, now, rotation_queue: bool, source: str = "180_day_rule"
) -> list[Finding]:
    """The client secret's age and deadline: Amazon stops every LWA call after the deadline
    (``source``: ``amazon_notice`` when Amazon's expiry notice gave it)."""
    found: list[Finding] = []
    rule = "Amazon's expiry notice" if source == "amazon_notice" else "Amazon's 180-day rule"
    if deadline is not None:
        days = (deadline - now).days
        if days < 0:
            found.append(
                Finding(
                    "error",
                    f"The LWA client secret passed its rotation deadline {-days} days ago: "
                    "every LWA call fails until it is rotated.",
                    "invalid_client",
                )
            )
        elif days < 30:
            found.append(
                Finding(
                    "warning",
                    f"The LWA client secret must be rotated within {days} days ({rule}).",
                    "invalid_client",
                )
            )
        else:
            found.append(
                Finding(
                    "info",
                    f"The LWA client secret is {(now - created_at).days} days old; "
                    f"its deadline is in {days} days ({rule}).",
                )
            )
    found.append(
        Finding(
            "info",
            f"Last client-secret rotation: {last_rotation:%Y-%m-%d}."
            if last_rotation
            else "The client secret was never rotated here (it came from LWA_CLIENT_SECRET).",
        )
    )
    if not rotation_queue:
        found.append(
            Finding(
                "warning",
                "SPAPI_ROTATION_QUEUE_URL is not set: a rotated secret would have nowhere to arrive, "
                "and Amazon refuses to rotate.",
            )
        )
    return found
