"""What one Application Management notification may change, message by message: a new secret
only once LWA (a loopback stand-in) accepts it, an expiry notice recorded with its deadline and
the rotation it asks for, and every other message recorded once and otherwise ignored."""

import json
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from werkzeug import Response

from auth.lifecycle.notifications import EXPIRY
from auth.lifecycle.notifications import MAX_BODY
from auth.lifecycle.notifications import NEW_SECRET
from auth.lifecycle.notifications import expiry_notification
from auth.lifecycle.notifications import handle
from auth.lifecycle.notifications import new_secret_notification
from auth.lifecycle.verify import VERIFY_SCOPE
from auth.lifecycle.verify import lwa_secret_check
from auth.vault.models import utcnow
from tests.conftest import APPLICATION_ID
from tests.conftest import CLIENT_ID
from tests.conftest import CLIENT_SECRET

NEW = "amzn1.oa2-cs.v1.the-rotated-secret-from-amazon-0123456789"
OTHER_CLIENT = "amzn1.application-oa2-client.ffffffffffffffffffffffffffffffff"


class Lwa:
    """A loopback LWA token endpoint that answers ``status`` and keeps every form it got."""

    def __init__(self, httpserver, status=200):
        self.status, self.forms = status, []
        httpserver.expect_request("/auth/o2/token", method="POST").respond_with_handler(self.answer)
        self.url = httpserver.url_for("/auth/o2/token")

    def answer(self, request):
        self.forms.append({k: v[0] for k, v in parse_qs(request.get_data(as_text=True)).items()})
        if self.status == 200:
            body = {"access_token": "Atc|grantless", "token_type": "bearer", "expires_in": 3600}
        elif self.status == 401:
            body = {"error": "invalid_client", "error_description": "Client authentication failed"}
        else:
            body = {"error": "server_error"}
        return Response(json.dumps(body), status=self.status, content_type="application/json")


def apply(app, message, lwa=None, auto_rotate_days=0):
    """Hand one message body to the consumer's rules, checking secrets with ``lwa``."""
    services = app.extensions["spapi"]
    verify = lwa_secret_check(lwa.url if lwa else "http://127.0.0.1:9/auth/o2/token", CLIENT_ID)
    body = message if isinstance(message, str) else json.dumps(message)
    with services.sessions() as db:
        return handle(db, services.client_secrets, body, auto_rotate_days, verify)


def seen(handled):
    """What the consumer reports for one message: (notification ID, type, outcome)."""
    return handled.notification_id, handled.type, handled.outcome


def listed(runner):
    """The notifications as `flask spapi notifications --json` lists them."""
    result = runner.invoke(args=["spapi", "notifications", "--json"])
    assert result.exit_code == 0, result.output
    return [(n["notification_id"], n["type"], n["outcome"]) for n in json.loads(result.output)]


def events(runner):
    """The outbox events (newest first) as `flask spapi events --json` lists them."""
    result = runner.invoke(args=["spapi", "events", "--json"])
    return [(e["type"], e["data"]) for e in json.loads(result.output)]


def rotation(secret=NEW, client_id=CLIENT_ID, old_in=timedelta(days=30)):
    now = utcnow()
    return new_secret_notification(APPLICATION_ID, client_id, secret, now + timedelta(days=180), now + old_in)


def notice(days=3.0, client_id=CLIENT_ID):
    return expiry_notification(APPLICATION_ID, client_id, utcnow() + timedelta(days=days))


def nid(message):
    return message["notificationMetadata"]["notificationId"]


def iso(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_secret_lwa_accepts_is_stored_first_announced_and_handled_once(app, httpserver, runner):
    lwa = Lwa(httpserver)
    message = rotation()
    handled = apply(app, message, lwa)
    assert seen(handled) == (nid(message), NEW_SECRET, "stored")
    assert not handled.keep and not handled.rotate
    assert app.extensions["spapi"].client_secrets.secrets() == [NEW, CLIENT_SECRET]
    [form] = lwa.forms  # one grantless request with the new secret, and only that
    assert form["client_secret"] == NEW and form["client_id"] == CLIENT_ID
    assert form["grant_type"] == "client_credentials" and form["scope"] == VERIFY_SCOPE
    [(kind, data)] = events(runner)
    payload = message["payload"]["applicationOAuthClientNewSecret"]
    assert kind == "client_secret.rotated" and data["client_id"] == CLIENT_ID
    assert data["new_secret_expires"] == payload["newClientSecretExpiryTime"]
    assert data["old_secret_expires"] == payload["oldClientSecretExpiryTime"]  # 30 days: kept as sent
    assert NEW not in json.dumps(data)
    assert listed(runner) == [(nid(message), NEW_SECRET, "stored")]
    again = apply(app, message, lwa)
    assert seen(again) == (nid(message), NEW_SECRET, "duplicate")
    assert len(lwa.forms) == 1 and len(events(runner)) == 1


def test_the_old_secret_is_kept_a_week_whatever_the_message_says(app, httpserver, runner):
    lwa = Lwa(httpserver)
    message = rotation(old_in=timedelta(days=1))
    del message["payload"]["applicationOAuthClientNewSecret"]["oldClientSecretExpiryTime"]
    assert apply(app, message, lwa).outcome == "stored"
    [(_, data)] = events(runner)
    left = iso(data["old_secret_expires"]) - utcnow()
    assert timedelta(days=6, hours=23) < left <= timedelta(days=7)


def test_a_secret_lwa_refuses_is_recorded_and_announced_never_stored(app, httpserver, runner):
    lwa = Lwa(httpserver, status=401)
    message = rotation()
    handled = apply(app, message, lwa)
    assert seen(handled) == (nid(message), NEW_SECRET, "refused")
    assert app.extensions["spapi"].client_secrets.secrets() == [CLIENT_SECRET]
    assert [(k, d["client_id"], d["notification_id"]) for k, d in events(runner)] == [
        ("client_secret.refused", CLIENT_ID, nid(message))
    ]
    assert listed(runner) == [(nid(message), NEW_SECRET, "refused")]
    assert apply(app, message, lwa).outcome == "duplicate" and len(lwa.forms) == 1


def test_lwa_down_leaves_the_message_unrecorded_for_later(app, httpserver, runner):
    lwa = Lwa(httpserver, status=503)
    message = rotation()
    handled = apply(app, message, lwa)
    assert seen(handled) == (nid(message), NEW_SECRET, "unverified")
    assert handled.keep
    assert listed(runner) == [] and events(runner) == []
    lwa.status = 200
    assert apply(app, message, lwa).outcome == "stored"


@pytest.mark.parametrize("secret", [None, "", 12345, "s" * 513])
def test_an_unusable_secret_is_malformed_and_never_sent_to_lwa(app, httpserver, runner, secret):
    lwa = Lwa(httpserver)
    message = rotation()
    message["payload"]["applicationOAuthClientNewSecret"]["newClientSecret"] = secret
    handled = apply(app, message, lwa)
    assert seen(handled) == (nid(message), NEW_SECRET, "malformed")
    assert lwa.forms == [] and listed(runner) == [(nid(message), NEW_SECRET, "malformed")]
    assert app.extensions["spapi"].client_secrets.secrets() == [CLIENT_SECRET]


def test_a_secret_of_512_characters_is_still_asked_about(app, httpserver):
    lwa = Lwa(httpserver, status=401)
    assert apply(app, rotation(secret="s" * 512), lwa).outcome == "refused"
    assert [f["client_secret"] for f in lwa.forms] == ["s" * 512]


def test_a_secret_already_held_is_a_duplicate_without_asking_lwa(app, httpserver, runner):
    lwa = Lwa(httpserver)
    message = rotation(secret=CLIENT_SECRET)
    handled = apply(app, message, lwa)
    assert seen(handled) == (nid(message), NEW_SECRET, "duplicate")
    assert lwa.forms == [] and events(runner) == []
    assert listed(runner) == [(nid(message), NEW_SECRET, "duplicate")]


@pytest.mark.parametrize("build", [rotation, notice])
def test_another_apps_message_is_recorded_as_foreign_and_changes_nothing(app, httpserver, runner, build):
    lwa = Lwa(httpserver)
    message = build(client_id=OTHER_CLIENT)
    kind = message["notificationType"]
    handled = apply(app, message, lwa, auto_rotate_days=30)
    assert seen(handled) == (nid(message), kind, "foreign")
    assert not handled.rotate and lwa.forms == [] and events(runner) == []
    assert listed(runner) == [(nid(message), kind, "foreign")]
    assert app.extensions["spapi"].client_secrets.secrets() == [CLIENT_SECRET]
    assert apply(app, message, lwa).outcome == "duplicate"


def test_an_expiry_notice_is_recorded_announced_and_sets_the_deadline(app, runner):
    message = notice(days=3)
    handled = apply(app, message, auto_rotate_days=7)
    assert seen(handled) == (nid(message), EXPIRY, "recorded")
    assert handled.rotate
    [(kind, data)] = events(runner)
    sent = message["payload"]["applicationOAuthClientSecretExpiry"]
    assert kind == "client_secret.expiring" and data["client_id"] == CLIENT_ID
    assert data["expires"] == sent["clientSecretExpiryTime"] and data["reason"] == "PERIODIC_ROTATION"
    assert abs(data["days_left"] - 3) < 1e-5
    assert listed(runner) == [(nid(message), EXPIRY, "recorded")]
    findings = json.loads(runner.invoke(args=["spapi", "doctor", "--json"]).output)
    doctor = " ".join(f["message"] for f in findings)
    assert "Amazon's expiry notice" in doctor
    again = apply(app, message, auto_rotate_days=7)
    assert seen(again) == (nid(message), EXPIRY, "duplicate")
    assert not again.rotate and len(events(runner)) == 1


@pytest.mark.parametrize(
    ("days", "auto_rotate_days", "rotate"),
    [(3, 7, True), (300, 7, False), (7.01, 7, False), (-2, 0, False), (3, 0, False)],
)
def test_a_rotation_is_asked_only_inside_the_configured_days(app, runner, days, auto_rotate_days, rotate):
    handled = apply(app, notice(days=days), auto_rotate_days=auto_rotate_days)
    assert handled.outcome == "recorded" and handled.rotate is rotate
    [(_, data)] = events(runner)
    assert abs(data["days_left"] - days) < 1e-5


def test_a_notice_without_a_time_is_recorded_and_asks_nothing(app, runner):
    message = notice()
    sent = message["payload"]["applicationOAuthClientSecretExpiry"]
    del sent["clientSecretExpiryTime"], sent["clientSecretExpiryReason"]
    handled = apply(app, message, auto_rotate_days=7)
    assert handled.outcome == "recorded" and not handled.rotate
    [(_, data)] = events(runner)
    assert data["expires"] is None and data["days_left"] is None and data["reason"] == ""


def test_a_long_reason_is_cut_to_sixty_characters(app, runner):
    message = notice()
    message["payload"]["applicationOAuthClientSecretExpiry"]["clientSecretExpiryReason"] = "R" * 100
    apply(app, message)
    [(_, data)] = events(runner)
    assert data["reason"] == "R" * 60


def test_an_unknown_type_is_recorded_once_as_ignored(app, runner):
    message = notice()
    message["notificationType"] = "ANY_OFFER_CHANGED"
    handled = apply(app, message, auto_rotate_days=7)
    assert seen(handled) == (nid(message), "ANY_OFFER_CHANGED", "ignored")
    assert not handled.rotate and events(runner) == []
    assert listed(runner) == [(nid(message), "ANY_OFFER_CHANGED", "ignored")]
    assert apply(app, message).outcome == "duplicate"


def test_a_numeric_id_and_a_long_type_are_kept_bounded(app, runner):
    message = notice()
    message["notificationType"] = "T" * 100
    message["notificationMetadata"]["notificationId"] = 12345
    handled = apply(app, message)
    assert seen(handled) == ("12345", "T" * 80, "ignored")
    long_id = notice()
    long_id["notificationMetadata"]["notificationId"] = "n" * 300
    assert apply(app, long_id).notification_id == "n" * 200


def _without(key):
    message = notice()
    del message[key]
    return json.dumps(message)


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        "[" * 100_000,
        json.dumps({**notice(), "notificationType": 7}),
        json.dumps({**notice(), "payload": "text"}),
        json.dumps({**notice(), "notificationMetadata": ["a"]}),
        _without("notificationType"),
        _without("payload"),
        _without("notificationMetadata"),
        json.dumps({**notice(), "notificationMetadata": {"notificationId": ""}}),
        json.dumps({**notice(), "notificationMetadata": {"notificationId": None}}),
        json.dumps({**notice(), "notificationMetadata": {}}),
        json.dumps({**notice(), "padding": "x" * MAX_BODY}),
    ],
)
def test_an_unreadable_message_is_malformed_and_records_nothing(app, runner, body):
    handled = apply(app, body, auto_rotate_days=7)
    assert seen(handled) == (None, None, "malformed")
    assert not handled.rotate and listed(runner) == [] and events(runner) == []


def test_a_message_just_under_the_size_limit_is_read(app):
    message = notice()
    message["padding"] = ""
    message["padding"] = "x" * (MAX_BODY - len(json.dumps(message)))
    assert len(json.dumps(message)) == MAX_BODY
    assert apply(app, json.dumps(message)).outcome == "recorded"


def test_the_simulator_sends_amazons_documented_shapes():
    now = utcnow()
    rotated = new_secret_notification(APPLICATION_ID, CLIENT_ID, NEW, now, now)
    expiring = expiry_notification(APPLICATION_ID, CLIENT_ID, now)
    shape = {"notificationVersion", "notificationType", "payloadVersion", "eventTime", "payload"}
    for message, kind, payload_key in (
        (rotated, NEW_SECRET, "applicationOAuthClientNewSecret"),
        (expiring, EXPIRY, "applicationOAuthClientSecretExpiry"),
    ):
        assert set(message) == shape | {"notificationMetadata"}
        assert message["notificationVersion"] == "1.0" and message["payloadVersion"] == "2023-11-30"
        assert message["notificationType"] == kind and list(message["payload"]) == [payload_key]
        metadata = message["notificationMetadata"]
        assert set(metadata) == {"applicationId", "subscriptionId", "publishTime", "notificationId"}
        assert metadata["applicationId"] == APPLICATION_ID
        for stamp in (message["eventTime"], metadata["publishTime"]):
            assert stamp.endswith("Z") and abs(iso(stamp) - now) < timedelta(seconds=5)
    assert rotated["payload"]["applicationOAuthClientNewSecret"] == {
        "clientId": CLIENT_ID,
        "newClientSecret": NEW,
        "newClientSecretExpiryTime": now.isoformat().replace("+00:00", "Z"),
        "oldClientSecretExpiryTime": now.isoformat().replace("+00:00", "Z"),
    }
    assert expiring["payload"]["applicationOAuthClientSecretExpiry"] == {
        "clientId": CLIENT_ID,
        "clientSecretExpiryTime": now.isoformat().replace("+00:00", "Z"),
        "clientSecretExpiryReason": "PERIODIC_ROTATION",
    }
    other = new_secret_notification(APPLICATION_ID, CLIENT_ID, NEW, now, now)["notificationMetadata"]
    assert other["notificationId"] != rotated["notificationMetadata"]["notificationId"]
    assert len(other["notificationId"]) == 32 and len(other["subscriptionId"]) == 16
