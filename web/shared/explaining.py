"""Helpers every capability uses to explain: this app's diagnosis context and diagnosis JSON."""

import functools
from dataclasses import asdict

from flask import current_app
from flask import request
from flask import url_for
from sqlalchemy.exc import SQLAlchemyError

from auth.clients.lwa import LwaError
from auth.explainer import setup_checks
from auth.explainer.catalog import Entry
from auth.explainer.diagnose import Context
from auth.explainer.diagnose import Diagnosis
from auth.explainer.diagnose import explain_lwa_error
from auth.explainer.findings import Finding
from auth.operations.deadline import effective_status
from auth.operations.warnings import outbox_warnings
from auth.vault.models import utcnow
from auth.vault.observations import latest
from web.shared.services import services

LINKS_KEY = "spapi.explain_links"


def app_context() -> Context:
    """What the diagnosis compares inputs against: this app's own configuration."""
    return services().explain_context


def explain_helpers():
    """Let every template link a code to its explanation."""
    return {"explain_url": lambda code: url_for("explainer.entry", entry_id=code)}


def as_json(result: Diagnosis) -> dict:
    """Serialise a diagnosis for the API and the CLI."""
    return {
        "kind": result.kind,
        "recognised": result.recognised,
        "truncated": result.truncated,
        "entries": [entry_json(e) for e in result.entries],
        "findings": [asdict(f) for f in result.findings],
        "suggestions": [{"id": e.id, "code": e.code, "title": e.title} for e in result.suggestions],
    }


@functools.cache
def _entry_fields(entry: Entry) -> dict:
    # Entries are immutable and few: serialise each once (asdict deep-copies, and was most of
    # /api/explain's time), never the matching aids (patterns, messages).
    return {k: v for k, v in asdict(entry).items() if k not in ("patterns", "messages")}


def entry_json(entry: Entry) -> dict:
    """Serialise one entry, with a link to its page when a request is active."""
    data = dict(_entry_fields(entry))
    if request:
        # An entry's link depends only on the app's routes and the mount point: built once
        # per app, mount point and entry instead of once per entry of every answer.
        links = current_app.extensions.setdefault(LINKS_KEY, {})
        key = (request.script_root, entry.id)
        if key not in links:
            links[key] = url_for("explainer.entry", entry_id=entry.id, _external=False)
        data["url"] = links[key]
    return data


def explain_lwa(error: LwaError | None):
    """The explainer's reading of an LWA failure, or None when there was none."""
    if error is None:
        return None
    return explain_lwa_error(error, app_context())


def doctor_findings() -> list:
    """The doctor's findings for this app: its settings, what Amazon last sent, the client
    secret's one deadline and the webhook outbox's warnings."""
    values = _doctor_values()
    amazon_version = None
    try:
        with services().sessions() as db:
            amazon_version = latest(db, "amazon_version")
            status, source = secret_deadline(db)
            outbox = outbox_warnings(db, bool(services().settings.webhook_url))
    except SQLAlchemyError:
        # The schema is behind: the doctor's other findings still stand.
        return setup_checks.check(values, amazon_version=amazon_version)
    # One age and one deadline: LWA_CLIENT_SECRET_CREATED's findings when they are the
    # deadline in force, else the stored secret's (or Amazon's notice's).
    from_setting = source == "setting_created"
    findings = setup_checks.check(
        values, amazon_version=amazon_version, secret_known=status.deadline is not None and not from_setting
    )
    findings += [Finding("warning", text) for text in outbox]
    return findings + setup_checks.secret_findings(
        status.created_at,
        None if from_setting else status.deadline,
        status.last_rotation,
        utcnow(),
        rotation_queue=bool(services().settings.rotation_queue_url),
        source=source,
    )


def secret_deadline(db):
    """The client secret's status with its one deadline, and where the deadline comes from."""
    return effective_status(
        db,
        services().client_secrets.status(),
        services().settings.lwa_client_id,
        services().raw_settings.get("LWA_CLIENT_SECRET_CREATED"),
    )


def _doctor_values() -> dict[str, str]:
    """The raw settings, completed with the values in force (development defaults included)."""
    settings = services().settings
    values = dict(services().raw_settings)
    values.update(
        SPAPI_APPLICATION_ID=settings.application_id,
        LWA_CLIENT_ID=settings.lwa_client_id,
        SPAPI_APP_STATUS=settings.app_status,
        PUBLIC_URL=settings.public_url,
        LWA_CLIENT_SECRET=settings.lwa_client_secret,
        SPAPI_SIMULATOR="1" if settings.simulator else "",
        TOKEN_ENCRYPTION_KEYS=",".join(settings.token_encryption_keys),
    )
    return values
