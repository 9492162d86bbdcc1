"""What the developer's webhook receives and what the console's retry may do: the headers a
receiver relies on, one bounded round, and a retry that only ever revives a dead event."""

import json
import logging
from datetime import datetime

import pytest
from sqlalchemy import select
from werkzeug import Response

from auth.lifecycle.webhooks import MAX_ATTEMPTS
from auth.lifecycle.webhooks import deliver_due
from auth.lifecycle.webhooks import sign
from auth.lifecycle.webhooks import verify
from auth.vault.models import OutboxEvent
from auth.vault.models import utcnow
from auth.vault.outbox import record_event
from tests.lifecycle.test_webhooks_and_due import SECRET


class Receiver:
    """A loopback webhook that keeps each delivery's headers and body; answers ``status``."""

    def __init__(self, httpserver, status=204):
        self.status, self.deliveries, self.headers = status, [], {}
        httpserver.expect_request("/hook", method="POST").respond_with_handler(self.answer)
        self.url = httpserver.url_for("/hook")

    def answer(self, request):
        self.deliveries.append((dict(request.headers), request.get_data()))
        return Response("", status=self.status, headers=self.headers)


def events(app, count, kind="authorization.deleted"):
    with app.extensions["spapi"].sessions() as db:
        for number in range(count):
            record_event(db, kind, selling_partner_id=f"A{number}HOOK", region="NA")
        db.commit()


def deliver(app, receiver, **options):
    with app.extensions["spapi"].sessions() as db:
        return deliver_due(db, receiver.url, SECRET, **options)


def listed(runner):
    return json.loads(runner.invoke(args=["spapi", "events", "--json"]).output)


def test_a_delivery_carries_the_headers_a_receiver_checks(app, httpserver):
    receiver = Receiver(httpserver)
    events(app, 1)
    before = int(utcnow().timestamp())
    assert deliver(app, receiver).delivered == 1
    [(headers, body)] = receiver.deliveries
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "spapi-auth-webhooks/1"
    assert headers["X-Spapi-Auth-Event"] == "authorization.deleted"
    sent = json.loads(body)
    assert set(sent) == {"id", "type", "created_at", "data"}
    assert headers["X-Spapi-Auth-Event-Id"] == str(sent["id"])
    assert before - 1 <= int(headers["X-Spapi-Auth-Timestamp"]) <= before + 5
    assert headers["X-Spapi-Auth-Signature"] == sign(SECRET, int(headers["X-Spapi-Auth-Timestamp"]), body)
    assert verify(SECRET, headers["X-Spapi-Auth-Timestamp"], body, headers["X-Spapi-Auth-Signature"])


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    # The value a receiver in another language computes from the documented recipe.
    assert sign("key", 1700000000, b"{}") == (
        "v1=" + __import__("hmac").new(b"key", b"1700000000.{}", "sha256").hexdigest()
    )


def test_one_round_sends_at_most_its_limit(app, httpserver, runner):
    receiver = Receiver(httpserver)
    events(app, 101)
    assert deliver(app, receiver).delivered == 100
    assert len(receiver.deliveries) == 100
    assert [e["status"] for e in listed(runner)].count("pending") == 1
    assert deliver(app, receiver, limit=5).delivered == 1


def waits(event) -> float:
    return (datetime.fromisoformat(event["next_attempt_at"]) - utcnow()).total_seconds()


def due_now(app):
    with app.extensions["spapi"].sessions() as db:
        db.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).first().next_attempt_at = utcnow()
        db.commit()


def test_a_refused_delivery_records_the_answer_and_backs_off(app, httpserver, runner, caplog):
    caplog.set_level(logging.INFO, logger="auth.lifecycle.webhooks")
    receiver = Receiver(httpserver, status=500)
    events(app, 2)
    result = deliver(app, receiver, base_delay=30)
    assert (result.delivered, result.failed, result.dead) == (0, 1, 0)
    newest, oldest = listed(runner)
    assert oldest["last_error"] == "HTTP 500" and oldest["attempts"] == 1
    assert 25 < waits(oldest) <= 30  # the first retry after base_delay, then doubling
    assert newest["attempts"] == 0  # in order: the next one waits behind it
    due_now(app)
    deliver(app, receiver, base_delay=30)
    assert 55 < waits(listed(runner)[1]) <= 60
    due_now(app)
    deliver(app, receiver, base_delay=3000)  # 12000 s, but never more than an hour
    assert 3595 < waits(listed(runner)[1]) <= 3600
    lines = [r.getMessage() for r in caplog.records if r.name == "auth.lifecycle.webhooks"]
    first_id = oldest["id"]
    prefix = f"webhook event {first_id} authorization.deleted attempt"
    assert lines == [f"{prefix} {n}: HTTP 500" for n in (1, 2, 3)]
    receiver.status = 204
    due_now(app)
    caplog.clear()
    assert deliver(app, receiver).delivered == 2
    assert [r.getMessage() for r in caplog.records if r.name == "auth.lifecycle.webhooks"][0] == (
        f"webhook event {first_id} authorization.deleted attempt 4: delivered"
    )


def test_a_redirect_is_not_a_delivery_and_is_never_followed(app, httpserver, runner):
    receiver = Receiver(httpserver, status=302)
    elsewhere = []
    httpserver.expect_request("/elsewhere").respond_with_handler(
        lambda request: elsewhere.append(request) or Response("", status=204)
    )
    receiver.headers = {"Location": httpserver.url_for("/elsewhere")}
    events(app, 1)
    assert deliver(app, receiver).failed == 1 and listed(runner)[0]["last_error"] == "HTTP 302"
    assert len(receiver.deliveries) == 1 and elsewhere == []


@pytest.mark.parametrize(("status", "delivered"), [(200, True), (299, True), (300, False), (404, False)])
def test_only_a_2xx_answer_is_a_delivery(app, httpserver, runner, status, delivered):
    receiver = Receiver(httpserver, status=status)
    events(app, 1)
    result = deliver(app, receiver)
    assert (result.delivered, result.failed) == ((1, 0) if delivered else (0, 1))
    [event] = listed(runner)
    assert event["status"] == ("delivered" if delivered else "pending")
    assert event["last_error"] == (None if delivered else f"HTTP {status}")


def test_dead_events_are_counted_and_the_next_ones_go_on(app, httpserver, runner):
    receiver = Receiver(httpserver, status=503)
    events(app, 3)
    with app.extensions["spapi"].sessions() as db:
        for event in db.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()[:2]:
            event.attempts = MAX_ATTEMPTS - 1
        db.commit()
    result = deliver(app, receiver)
    assert (result.delivered, result.failed, result.dead) == (0, 1, 2)
    assert [e["status"] for e in listed(runner)] == ["pending", "dead", "dead"]
    assert [e["attempts"] for e in listed(runner)] == [1, MAX_ATTEMPTS, MAX_ATTEMPTS]


def test_an_unreachable_webhook_is_named_without_the_url(app, runner):
    events(app, 1)
    with app.extensions["spapi"].sessions() as db:
        result = deliver_due(db, "http://127.0.0.1:9/hook?secret=x", SECRET)
    assert result.failed == 1
    [event] = listed(runner)
    assert event["last_error"] == "ConnectionError: the webhook could not be reached"


def test_the_console_retry_revives_only_a_dead_event(app, httpserver, client, admin, runner):
    receiver = Receiver(httpserver, status=503)
    events(app, 2)
    with app.extensions["spapi"].sessions() as db:
        first, second = db.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        second.status, second.delivered_at = "delivered", utcnow()
        first.attempts = MAX_ATTEMPTS - 1
        db.commit()
        first_id, second_id = first.id, second.id
    assert deliver(app, receiver).dead == 1
    admin.login()
    token = admin.csrf("/console/events")

    def retry(event_id):
        answer = client.post(f"/console/events/{event_id}/retry", data={"csrf_token": token})
        assert answer.status_code == 303
        return client.get("/console/events").get_data(as_text=True)

    for not_dead in (second_id, 999_999):
        assert "will be delivered again" not in retry(not_dead)
    assert {e["id"]: e["status"] for e in listed(runner)} == {first_id: "dead", second_id: "delivered"}
    assert f"Event {first_id} will be delivered again." in retry(first_id)
    revived = {e["id"]: e for e in listed(runner)}[first_id]
    assert (revived["status"], revived["attempts"]) == ("pending", 0)
    receiver.deliveries.clear()
    for _ in range(MAX_ATTEMPTS - 1):  # a fresh set of attempts: all of them, not one fewer
        with app.extensions["spapi"].sessions() as db:
            db.get(OutboxEvent, first_id).next_attempt_at = utcnow()
            db.commit()
        deliver(app, receiver, base_delay=0)
    assert {e["id"]: e["status"] for e in listed(runner)}[first_id] == "pending"
    assert len(receiver.deliveries) == MAX_ATTEMPTS - 1
