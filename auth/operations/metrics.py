"""Prometheus metrics: counters of what the app did, and gauges read from the database at
scrape time (so every worker and instance reports the same fleet-wide numbers).

Under gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory before the app
starts: each worker then writes its counters there and a scrape of any worker adds them up
(``gunicorn.conf.py`` empties it at start and marks dead workers). No label ever holds a
selling partner's or an API key's ID: only fixed vocabularies.
"""

import logging
import os
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import generate_latest
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.clients import lwa
from auth.vault.models import Authorization
from auth.vault.models import OutboxEvent
from auth.vault.models import utcnow

CONTENT_TYPE = CONTENT_TYPE_LATEST
log = logging.getLogger(__name__)
_broken = False
# LWA's error codes (RFC 6749 and its own) and our failure kinds; anything else is "other",
# so an upstream answer can never grow the label set.
LWA_OUTCOMES = frozenset(
    {
        "ok",
        "invalid_grant",
        "invalid_client",
        "invalid_request",
        "invalid_scope",
        "unauthorized_client",
        "unsupported_grant_type",
        "access_denied",
        "server_error",
        "temporarily_unavailable",
        "timeout",
        "unreachable",
        "rate_limited",
        "http_error",
        "non_json",
        "bad_response",
    }
)
GRANT_TYPES = frozenset({"authorization_code", "refresh_token", "client_credentials"})

COUNTERS = CollectorRegistry(auto_describe=True)
LWA_REQUESTS = Counter(
    "spapi_lwa_requests", "Requests to the LWA token endpoint.", ["grant_type", "outcome"], registry=COUNTERS
)
CALLBACKS = Counter("spapi_callbacks", "Calls of the OAuth Redirect URI.", ["outcome"], registry=COUNTERS)
TOKEN_SERVICE = Counter(
    "spapi_token_service_requests",
    "Requests to the token service.",
    ["endpoint", "outcome"],
    registry=COUNTERS,
)


def increment(counter: Counter, *labels: str) -> None:
    """Add one to ``counter``; a metrics directory that cannot be written never fails the
    request being counted (it is logged once)."""
    global _broken
    try:
        counter.labels(*labels).inc()
    except OSError as error:
        if not _broken:
            log.warning("metrics not counted: %s (PROMETHEUS_MULTIPROC_DIR)", type(error).__name__)
        _broken = True


def count_lwa(grant_type: str, outcome: str) -> None:
    """Count one LWA request (the observer ``auth.clients.lwa`` calls)."""
    increment(
        LWA_REQUESTS,
        grant_type if grant_type in GRANT_TYPES else "other",
        outcome if outcome in LWA_OUTCOMES else "other",
    )


def install() -> None:
    """Start counting LWA requests (once per process), creating the multiprocess directory."""
    directory = multiprocess_dir()
    if directory:
        os.makedirs(directory, exist_ok=True)
    if count_lwa not in lwa.OBSERVERS:
        lwa.OBSERVERS.append(count_lwa)


def multiprocess_dir() -> str | None:
    """The directory of the multiprocess mode, when it is on."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")


class _Counters:
    """This process's counters (when not in multiprocess mode)."""

    def collect(self):
        yield from COUNTERS.collect()


class FleetGauges:
    """Gauges read from the database at each scrape."""

    def __init__(self, db: Session, secret_deadline: datetime | None):
        self.db = db
        self.secret_deadline = secret_deadline

    def collect(self):
        authorizations = GaugeMetricFamily(
            "spapi_authorizations", "Stored authorizations.", labels=["status", "health"]
        )
        found = {(s, h): 0 for s in ("active", "needs_reauthorization") for h in ("ok", "failing", "revoked")}
        rows = self.db.execute(
            select(Authorization.needs_reauthorization, Authorization.health, func.count()).group_by(
                Authorization.needs_reauthorization, Authorization.health
            )
        )
        for needs, health, number in rows:
            key = ("needs_reauthorization" if needs else "active", health)
            found[key] = found.get(key, 0) + number
        for (status, health), number in sorted(found.items()):
            authorizations.add_metric([status, health], number)
        yield authorizations
        events = GaugeMetricFamily("spapi_outbox_events", "Webhook events by status.", labels=["status"])
        by_status = dict.fromkeys(("pending", "delivered", "dead"), 0)
        for status, number in self.db.execute(
            select(OutboxEvent.status, func.count()).group_by(OutboxEvent.status)
        ):
            by_status[status] = number
        for status, number in sorted(by_status.items()):
            events.add_metric([status], number)
        yield events
        if self.secret_deadline is not None:
            days = (self.secret_deadline - utcnow()).total_seconds() / 86400
            yield GaugeMetricFamily(
                "spapi_client_secret_expiry_days",
                "Days until the LWA client secret's deadline (Amazon's notice, else 180 days).",
                value=round(days, 3),
            )


def exposition(db: Session, secret_deadline: datetime | None) -> bytes:
    """The text a scrape gets: the counters of every process, and the fleet's gauges."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Counters())
    registry.register(FleetGauges(db, secret_deadline))
    return generate_latest(registry)
