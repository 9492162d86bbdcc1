"""Events to the developer's backend (outbox, signatures, retries in order, dead letters) and
re-authorization reminders (`flask spapi due`)."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug import Response

from auth.lifecycle.webhooks import MAX_ATTEMPTS
from auth.lifecycle.webhooks import deliver_due
from auth.lifecycle.webhooks import verify
from auth.vault.models import Authorization
from auth.vault.models import OutboxEvent
from auth.vault.models import utcnow
from auth.vault.outbox import record_event
from tests.factories import pending_authorization
from tests.factories import stored_authorization
from tests.helpers import REFRESH_TOKEN

ON_BOTH_DATABASES = True
SECRET = "webhook-secret-0123456789abcdef"


def stored(app, partner, days_ago=0, workflow="website"):
    return stored_authorization(
        app, partner, workflow=workflow, refresh_token=REFRESH_TOKEN + partner, days_ago=days_ago
    )


class Receiver:
    """A loopback webhook that checks every signature and can be 'down'."""

    def __init__(self, httpserver):
        self.received, self.down = [], False
        httpserver.expect_request("/hook", method="POST").respond_with_handler(self.handle)
        self.url = httpserver.url_for("/hook")

    def handle(self, request):
        if self.down:
            return Response("down", status=503)
        body = request.get_data()
        ok = verify(
            SECRET, request.headers["X-Spapi-Auth-Timestamp"], body, request.headers["X-Spapi-Auth-Signature"]
        )
        if not ok:
            return Response("bad signature", status=401)
        self.received.append(json.loads(body))
        return Response("", status=204)


def deliver(app, receiver, base_delay=0.0):
    with app.extensions["spapi"].sessions() as db:
        return deliver_due(db, receiver.url, SECRET, base_delay=base_delay)


def test_events_are_signed_delivered_in_order_and_retried_while_the_receiver_is_down(app, httpserver):
    receiver = Receiver(httpserver)
    for partner in ("A1FIRST", "A2SECOND", "A3THIRD"):
        stored(app, partner)
    receiver.down = True
    for _ in range(3):
        result = deliver(app, receiver)
        assert (result.delivered, result.failed) == (0, 1)  # the first waits, the others wait behind it
    receiver.down = False
    assert deliver(app, receiver).delivered == 3
    assert [e["data"]["selling_partner_id"] for e in receiver.received] == ["A1FIRST", "A2SECOND", "A3THIRD"]
    assert {e["type"] for e in receiver.received} == {"authorization.stored"}
    assert all("Atzr|" not in json.dumps(e) for e in receiver.received)
    with app.extensions["spapi"].sessions() as db:
        first = db.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).first()
        assert first.status == "delivered" and first.attempts == 4


def test_a_bad_signature_is_refused_by_the_receiver(app, httpserver):
    receiver = Receiver(httpserver)
    stored(app, "A1SIGNED")
    with app.extensions["spapi"].sessions() as db:
        result = deliver_due(db, receiver.url, "another-secret-0123456789")
    assert result.failed == 1 and receiver.received == []


def test_backoff_then_dead_letter_then_retry_from_the_console(app, httpserver, client, admin):
    receiver = Receiver(httpserver)
    receiver.down = True
    stored(app, "A1DEAD")
    with app.extensions["spapi"].sessions() as db:
        deliver_due(db, receiver.url, SECRET, base_delay=60)
        event = db.scalars(select(OutboxEvent)).one()
        assert event.status == "pending" and event.next_attempt_at > utcnow() + timedelta(seconds=50)
        assert deliver_due(db, receiver.url, SECRET).failed == 0  # not due yet: nothing sent
        for _ in range(MAX_ATTEMPTS):
            event.next_attempt_at = utcnow()
            db.commit()
            deliver_due(db, receiver.url, SECRET, base_delay=0)
        assert db.get(OutboxEvent, event.id).status == "dead"
    admin.login()
    page = client.get("/console/events").get_data(as_text=True)
    assert "dead" in page and "A1DEAD" in page
    token = admin.csrf("/console/events")
    assert client.post(f"/console/events/{event.id}/retry", data={"csrf_token": token}).status_code == 303
    receiver.down = False
    assert deliver(app, receiver).delivered == 1


def test_a_crash_between_the_change_and_the_delivery_still_delivers(app, httpserver):
    receiver = Receiver(httpserver)
    services = app.extensions["spapi"]
    with services.sessions() as db:  # the change and its event commit together, then "crash"
        record_event(db, "authorization.deleted", selling_partner_id="A1CRASH", region="NA")
        db.commit()
    # A new process (here: a new session) finds the event and delivers it.
    assert deliver(app, receiver).delivered == 1 and receiver.received[0]["type"] == "authorization.deleted"


def test_a_rolled_back_change_reports_nothing(app):
    services = app.extensions["spapi"]
    with services.sessions() as db:
        record_event(db, "authorization.deleted", selling_partner_id="A1ROLLED", region="NA")
        db.rollback()
        assert db.scalars(select(OutboxEvent)).all() == []


def test_events_command_lists_them(app, runner):
    stored(app, "A1LISTED")
    listed = json.loads(runner.invoke(args=["spapi", "events", "--json"]).output)
    assert [(e["type"], e["status"], e["data"]["selling_partner_id"]) for e in listed] == [
        ("authorization.stored", "pending", "A1LISTED")
    ]


def test_due_exit_codes_and_announcements(app, runner):
    assert runner.invoke(args=["spapi", "due", "--within", "30"]).exit_code == 0
    stored(app, "A1OLD", days_ago=350)
    stored(app, "A2FRESH", days_ago=10)
    stored(app, "A3SELF", days_ago=360, workflow="self")  # self-authorizations do not expire so
    result = runner.invoke(args=["spapi", "due", "--within", "30", "--json"])
    assert result.exit_code == 1
    [due] = json.loads(result.output)
    assert due["selling_partner_id"] == "A1OLD" and 13 <= due["days_left"] <= 15
    assert runner.invoke(args=["spapi", "due", "--within", "10"]).exit_code == 0
    runner.invoke(args=["spapi", "due", "--within", "30"])  # again: no second announcement
    with app.extensions["spapi"].sessions() as db:
        announced = db.scalars(select(OutboxEvent).where(OutboxEvent.type == "authorization.due_soon")).all()
        assert [json.loads(e.payload)["selling_partner_id"] for e in announced] == ["A1OLD"]


def test_the_dashboard_offers_a_reauthorization_link_for_what_is_due(app, client, admin):
    row_id = stored(app, "A1REMIND", days_ago=350)
    admin.login()
    page = client.get("/console/").get_data(as_text=True)
    assert "A1REMIND" in page and "Re-authorization due" in page
    token = admin.csrf("/console/")
    answer = client.post(f"/console/authorizations/{row_id}/reauthorize", data={"csrf_token": token})
    assert answer.status_code == 201 and "/invite/" in answer.get_data(as_text=True)
    with app.extensions["spapi"].sessions() as db:
        assert db.get(Authorization, row_id) is not None


def test_pending_approved_rejected_and_revoked_write_their_events(app, runner, httpserver):
    from auth.clients.lwa import LwaError
    from auth.clients.refresh import refresh_stored

    services = app.extensions["spapi"]
    ids = [pending_authorization(app, p, refresh_token=REFRESH_TOKEN + p) for p in ("A1APPROVE", "A2REJECT")]
    assert runner.invoke(args=["spapi", "approve", f"p{ids[0]}"]).exit_code == 0
    assert runner.invoke(args=["spapi", "reject", f"p{ids[1]}"]).exit_code == 0
    httpserver.expect_request("/auth/o2/token").respond_with_json(
        {
            "error": "invalid_grant",
            "error_description": "The request has an invalid grant parameter : refresh_token",
        },
        status=400,
    )
    with services.sessions() as db:
        row = db.scalars(select(Authorization)).one()
        with pytest.raises(LwaError):
            refresh_stored(db, services.vault, services.token_cache, row)
        types = [e.type for e in db.scalars(select(OutboxEvent).order_by(OutboxEvent.id))]
    assert types == [
        "authorization.pending",
        "authorization.pending",
        "authorization.approved",
        "authorization.rejected",
        "authorization.revoked",
    ]


def test_the_doctor_shows_the_secrets_age_and_deadline(app, runner):
    from auth.vault.models import ClientSecret

    result = json.loads(runner.invoke(args=["spapi", "doctor", "--json"]).output)
    messages = " ".join(f["message"] for f in result)
    assert "days old; its deadline is in 179 days" in messages or "deadline is in 180 days" in messages
    assert "never rotated" in messages and "SPAPI_ROTATION_QUEUE_URL is not set" in messages
    with app.extensions["spapi"].sessions() as db:
        db.scalars(select(ClientSecret)).one().created_at = utcnow() - timedelta(days=200)
        db.commit()
    late = runner.invoke(args=["spapi", "doctor", "--json"])
    assert late.exit_code == 1 and re.search(r"passed its rotation deadline 2[01] days ago", late.output)


def test_event_payloads_say_exactly_what_changed(app, runner, httpserver):
    from auth.clients.lwa import LwaError
    from auth.clients.refresh import refresh_stored
    from auth.vault.crypto import fingerprint

    services = app.extensions["spapi"]
    stored(app, "A1PAYLOAD")
    stored(app, "A1PAYLOAD")  # a second token for the same partner replaces the first
    pending_authorization(
        app,
        "A2PAYLOAD",
        region="EU",
        account_type="vendor",
        refresh_token=REFRESH_TOKEN + "pending",
        reason="evidence disagrees",
    )
    httpserver.expect_request("/auth/o2/token").respond_with_json({"error": "invalid_grant"}, status=400)
    with services.sessions() as db:
        row = db.scalars(select(Authorization).where(Authorization.selling_partner_id == "A1PAYLOAD")).one()
        for _ in range(2):  # revoked once, reported once
            with pytest.raises(LwaError):
                refresh_stored(db, services.vault, services.token_cache, row)
        assert row.needs_reauthorization and row.last_refresh_result == "invalid_grant"
        events = [
            (e.type, json.loads(e.payload)) for e in db.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        ]
    # Every event about an authorization names the developer's customer (none here: no connect session).
    for _type, data in events:
        assert (data.pop("customer_ref"), data.pop("tags")) == (None, {})
    token = fingerprint(REFRESH_TOKEN + "A1PAYLOAD")
    assert events == [
        (
            "authorization.stored",
            {
                "account_type": "seller",
                "customer": None,
                "region": "NA",
                "replaced": False,
                "selling_partner_id": "A1PAYLOAD",
                "token_fingerprint": token,
                "trust": "claimed",
            },
        ),
        (
            "authorization.stored",
            {
                "account_type": "seller",
                "customer": None,
                "region": "NA",
                "replaced": True,
                "selling_partner_id": "A1PAYLOAD",
                "token_fingerprint": token,
                "trust": "claimed",
            },
        ),
        (
            "authorization.pending",
            {
                "account_type": "vendor",
                "reason": "evidence disagrees",
                "region": "EU",
                "selling_partner_id": "A2PAYLOAD",
                "token_fingerprint": fingerprint(REFRESH_TOKEN + "pending"),
                "trust": "claimed",
            },
        ),
        (
            "authorization.revoked",
            {"region": "NA", "selling_partner_id": "A1PAYLOAD", "token_fingerprint": token},
        ),
    ]


def test_without_a_webhook_events_read_as_kept_not_pending(app, runner, console):
    stored_authorization(app, "A1KEPT")
    listed = runner.invoke(args=["spapi", "events"]).output
    assert "kept, no webhook configured" in listed and "\tpending\t" not in listed
    page = console.get("/console/events").get_data(as_text=True)
    assert "kept, no webhook configured" in page
