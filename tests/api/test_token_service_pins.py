"""Token-service behaviours no test held (issue 23), over the real endpoint with a loopback LWA."""

import json

import pytest
from sqlalchemy import select
from sqlalchemy import update

from auth.vault.models import Authorization
from auth.vault.models import OutboxEvent
from tests.api.test_token_service import HANDLE
from tests.api.test_token_service import LWA_BODY
from tests.api.test_token_service import lwa_token
from tests.api.test_token_service import new_key
from tests.api.test_token_service import stored  # noqa: F401 (the fixture, used by name)
from tests.helpers import SELLING_PARTNER_ID

ON_BOTH_DATABASES = True


def revoked_events(app):
    with app.extensions["spapi"].sessions() as db:
        events = db.scalars(select(OutboxEvent).where(OutboxEvent.type == "authorization.revoked")).all()
        return [json.loads(e.payload) for e in events]


def row(app):
    with app.extensions["spapi"].sessions() as db:
        return db.scalar(select(Authorization).where(Authorization.selling_partner_id == SELLING_PARTNER_ID))


@pytest.mark.usefixtures("stored")
def test_an_authorization_needing_reauthorization_is_never_served_nor_sent_to_lwa(app, client, httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    with app.extensions["spapi"].sessions() as db:
        db.execute(update(Authorization).values(needs_reauthorization=True))
        db.commit()
    key = new_key(app)
    for _ in range(2):
        answer = lwa_token(client, key)
        assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_grant"
    assert httpserver.log == []  # the dead refresh token never goes to LWA again


@pytest.mark.usefixtures("stored")
def test_invalid_grant_from_lwa_marks_revoked_and_reports_it_once(app, client, httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(
        {"error": "invalid_grant", "error_description": "The refresh token is invalid"}, status=400
    )
    key = new_key(app)
    first = lwa_token(client, key)
    assert first.status_code == 400 and first.get_json()["error"] == "invalid_grant"
    assert row(app).needs_reauthorization and row(app).last_refresh_result == "invalid_grant"
    second = lwa_token(client, key)
    assert second.get_json()["error"] == "invalid_grant"
    assert len(httpserver.log) == 1  # the second request never reached LWA
    [event] = revoked_events(app)
    assert event["selling_partner_id"] == SELLING_PARTNER_ID


@pytest.mark.usefixtures("stored")
@pytest.mark.parametrize(
    "handle",
    [
        f"{SELLING_PARTNER_ID}:NA",
        f"spapi-autx:{SELLING_PARTNER_ID}:NA",
        f"SPAPI-AUTH:{SELLING_PARTNER_ID}:NA",
        f" {HANDLE}",
        f"x{HANDLE}",
    ],
)
def test_a_handle_without_the_prefix_is_refused(app, client, httpserver, handle):
    answer = lwa_token(client, new_key(app), refresh_token=handle)
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_grant"
    assert httpserver.log == []
