"""Helpers of the operations tests: partners authorized through the simulated Amazon, and
what the database then says about them."""

import json

from sqlalchemy import select

from auth.security.api_keys import create_key
from auth.vault.models import Authorization
from auth.vault.models import OutboxEvent
from tests.factories import stored_authorization


def authorize(app, partners, region="NA") -> None:
    """Each partner presses the simulated "Authorize app" and the token is stored."""
    from web.simulator.instance import amazon

    with app.app_context():
        tokens = {partner: amazon().self_authorize(partner) for partner in partners}
    for partner, token in tokens.items():
        stored_authorization(app, partner, region=region, workflow="self", refresh_token=token)


def rows(app) -> dict[str, Authorization]:
    """Every authorization by selling partner ID."""
    with app.extensions["spapi"].sessions() as db:
        return {row.selling_partner_id: row for row in db.scalars(select(Authorization))}


def events(app, event_type: str) -> list[dict]:
    """The payloads of the outbox events of ``event_type``, oldest first."""
    with app.extensions["spapi"].sessions() as db:
        found = db.scalars(select(OutboxEvent).where(OutboxEvent.type == event_type).order_by(OutboxEvent.id))
        return [json.loads(event.payload) for event in found]


def api_key(app):
    """A fresh API key for the token service."""
    with app.extensions["spapi"].sessions() as db:
        return create_key(db, "worker")


def spapi(runner, *args):
    """Run ``flask spapi ARGS`` and return the result."""
    return runner.invoke(args=["spapi", *args])
