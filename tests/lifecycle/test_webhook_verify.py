"""What a webhook receiver relies on: ``verify`` covers the timestamp, keeps the replay window
both ways, and answers False (never raises) for any malformed header (issues 18 and 23)."""

import time

import pytest
from werkzeug import Response

from auth.lifecycle.webhooks import deliver_due
from auth.lifecycle.webhooks import sign
from auth.lifecycle.webhooks import verify
from tests.lifecycle.test_webhooks_and_due import SECRET
from tests.lifecycle.test_webhooks_and_due import stored


@pytest.fixture
def captured(app, httpserver):
    """One real delivery, captured on a loopback receiver: (timestamp, body, signature, event ID)."""
    seen = []

    def keep(request):
        seen.append((dict(request.headers), request.get_data()))
        return Response("", status=204)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(keep)
    stored(app, "A1CAPTURED")
    with app.extensions["spapi"].sessions() as db:
        assert deliver_due(db, httpserver.url_for("/hook"), SECRET).delivered == 1
    [(headers, body)] = seen
    return (
        headers["X-Spapi-Auth-Timestamp"],
        body,
        headers["X-Spapi-Auth-Signature"],
        headers["X-Spapi-Auth-Event-Id"],
    )


def test_the_captured_delivery_verifies_and_names_its_event(captured):
    timestamp, body, signature, event_id = captured
    assert verify(SECRET, timestamp, body, signature)
    assert event_id.isdigit() and f'"id": {event_id}' in body.decode()  # the ID receivers dedupe on


def test_a_replay_with_a_fresh_timestamp_fails(captured):
    timestamp, body, signature, _ = captured
    fresh = str(int(timestamp) + 1)
    assert not verify(SECRET, fresh, body, signature)
    assert not verify(SECRET, timestamp, body + b" ", signature)
    assert not verify("another-secret-" + SECRET, timestamp, body, signature)


def test_the_replay_window_holds_in_the_past_and_in_the_future():
    body = b'{"id": 1}'
    now = int(time.time())
    for offset, expected in ((-290, True), (-310, False), (290, True), (310, False)):
        stamp = now + offset
        assert verify(SECRET, str(stamp), body, sign(SECRET, stamp, body)) is expected, offset


FRESH = object()  # stands for the current time, read when the test runs


@pytest.mark.parametrize(
    ("timestamp", "body", "signature"),
    [
        (None, b"{}", "v1=00"),
        ("", b"{}", "v1=00"),
        ("\u00b2\u00b3", b"{}", "v1=00"),
        ("1e9", b"{}", "v1=00"),
        ("-5", b"{}", "v1=00"),
        ("9" * 400, b"{}", "v1=00"),
        ("NOW", b"{}", "v1=00"),
        (FRESH, b"{}", None),
        (FRESH, b"{}", "v1=\u00e9\u00e9"),
        (FRESH, b"{}", "v1=" + "0" * 10_000),
        (FRESH, None, "v1=00"),
        (FRESH, 12, "v1=00"),
        (FRESH, "\udcff", "v1=00"),
        (12, b"{}", "v1=00"),
    ],
)
def test_a_malformed_header_is_false_and_never_raises(timestamp, body, signature):
    # A fresh timestamp is taken when the test runs, not when it is collected: a stale one
    # would be refused for its age before the header under test is even looked at.
    timestamp = str(int(time.time())) if timestamp is FRESH else timestamp
    assert verify(SECRET, timestamp, body, signature) is False


def test_a_body_given_as_text_verifies_like_bytes():
    stamp = int(time.time())
    assert verify(SECRET, str(stamp), '{"id": 1}', sign(SECRET, stamp, b'{"id": 1}'))


def test_a_timestamp_three_hundred_seconds_old_is_already_refused():
    body = b'{"id": 1}'
    stamp = int(time.time()) - 300  # 300.x seconds old by the time it is checked
    assert not verify(SECRET, str(stamp), body, sign(SECRET, stamp, body))


@pytest.mark.parametrize("spelling", [" {}", "{} ", "+{}", "{}\n", "\t{}"])
def test_only_the_plain_digits_that_were_signed_are_a_timestamp(spelling):
    stamp = int(time.time())
    body = b'{"id": 1}'
    timestamp = spelling.format(stamp)
    assert int(timestamp) == stamp  # Python would read it as the signed number
    assert verify(SECRET, timestamp, body, sign(SECRET, stamp, body)) is False


@pytest.mark.parametrize("secret", ["", None, b"webhook-secret-0123456789abcdef"])
def test_without_a_usable_secret_nothing_verifies(secret):
    stamp = int(time.time())
    body = b'{"id": 1}'
    # Signed with the empty key: what anyone could forge if an empty secret were accepted.
    assert verify(secret, str(stamp), body, sign("", stamp, body)) is False
    assert verify(secret, str(stamp), body, sign(SECRET, stamp, body)) is False
