"""Rotation cannot take the app down (issue 18): a forged NEW_SECRET is refused by asking LWA,
a message never expires a working secret early, a restart with LWA_CLIENT_SECRET recovers,
and bad messages never stop the good ones. The simulator's LWA and moto's SQS, on loopback."""

import json
import time
from datetime import timedelta

import boto3
import pytest
from sqlalchemy import select
from sqlalchemy import update

from app import create_app
from auth.lifecycle.consumer import consume
from auth.lifecycle.notifications import expiry_notification
from auth.lifecycle.notifications import new_secret_notification
from auth.lifecycle.sqs import queue_client
from auth.lifecycle.tables import LwaNotification
from auth.lifecycle.verify import lwa_secret_check
from auth.vault.models import ClientSecret
from auth.vault.models import utcnow
from auth.vault.outbox import list_events
from tests.conftest import CLIENT_ID
from tests.conftest import CLIENT_SECRET
from tests.conftest import base_config
from tests.conftest import live_simulator
from tests.lifecycle.test_rotation import SCOPE
from tests.lifecycle.test_rotation import genuine_notification
from tests.lifecycle.test_rotation import listen
from tests.lifecycle.test_rotation import lwa_status


@pytest.fixture(autouse=True)
def _aws(aws_environment):
    """Every test here talks to moto with fake credentials."""


@pytest.fixture
def queue(moto_server, request):
    client = boto3.client("sqs", region_name="us-east-1", endpoint_url=moto_server)
    return client.create_queue(QueueName="forged-" + request.node.name[:60])["QueueUrl"]


@pytest.fixture
def server(tmp_path, queue):
    with live_simulator(tmp_path, SPAPI_ROTATION_QUEUE_URL=queue, SPAPI_AUTO_ROTATE_DAYS="7") as live:
        live.app.test_client().get("/simulator/")
        yield live


def send(queue_url, *bodies):
    client = queue_client(queue_url)
    for body in bodies:
        client.send_message(
            QueueUrl=queue_url, MessageBody=body if isinstance(body, str) else json.dumps(body)
        )


def forged(secret="amzn1.oa2-cs.v1.forged-by-someone-with-queue-access"):
    now = utcnow()
    return new_secret_notification("app", CLIENT_ID, secret, now + timedelta(days=180), now)


def test_a_forged_new_secret_is_refused_recorded_and_changes_nothing(server, queue):
    services = server.app.extensions["spapi"]
    send(queue, forged())
    [handled] = listen(server)
    assert handled["outcome"] == "refused"
    assert services.client_secrets.secrets() == [CLIENT_SECRET]
    assert services.lwa.grantless(SCOPE).access_token  # the app still works
    with services.sessions() as db:
        assert [e.type for e in list_events(db)] == ["client_secret.refused"]
        [note] = db.scalars(select(LwaNotification)).all()
        assert note.outcome == "refused" and "forged" not in note.detail
    shown = server.app.test_cli_runner().invoke(
        args=["spapi", "notifications", "--outcome", "refused", "--json"]
    )
    assert [r["outcome"] for r in json.loads(shown.output)] == ["refused"]
    assert "forged" not in server.app.test_cli_runner().invoke(args=["spapi", "notifications"]).output
    assert queue_client(queue).receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages") is None


def test_a_message_never_expires_a_working_secret_early(server, queue):
    services = server.app.extensions["spapi"]
    body, secret = genuine_notification(server, queue)
    body["payload"]["applicationOAuthClientNewSecret"]["oldClientSecretExpiryTime"] = "2020-01-01T00:00:00Z"
    send(queue, body)
    assert [h["outcome"] for h in listen(server)] == ["stored"]
    assert services.client_secrets.secrets() == [secret, CLIENT_SECRET]
    with services.sessions() as db:
        old = db.scalar(select(ClientSecret).where(ClientSecret.source == "setting"))
        assert old.expires_at >= utcnow() + timedelta(days=6)


def test_a_restart_with_a_working_setting_always_recovers(server, queue, tmp_path):
    services = server.app.extensions["spapi"]
    # What the old code left behind: every stored secret expired by a forged message.
    with services.sessions() as db:
        db.execute(update(ClientSecret).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.commit()
    assert services.client_secrets.secrets() == []
    config = base_config(
        tmp_path, SPAPI_SIMULATOR="1", PUBLIC_URL=server.url, LWA_TOKEN_URL="", SPAPI_API_URL=""
    )
    restarted = create_app({**config, "SPAPI_ROTATION_QUEUE_URL": queue, "LWA_CLIENT_SECRET": CLIENT_SECRET})
    try:
        again = restarted.extensions["spapi"]
        assert again.client_secrets.secrets() == [CLIENT_SECRET]
        assert lwa_status(server, CLIENT_SECRET) == 200
    finally:
        restarted.extensions["spapi"].engine.dispose()


def test_bad_messages_never_stop_the_good_ones_and_are_recorded_once(server, queue):
    services = server.app.extensions["spapi"]
    good, secret = genuine_notification(server, queue)
    string_payload = {**good, "payload": "not an object"}
    list_metadata = {**good, "notificationMetadata": ["not", "an", "object"]}
    send(queue, "not json at all", string_payload, list_metadata, "[" * 100_000, json.dumps([1, 2]), good)
    outcomes = []
    for _round in range(4):
        outcomes += [h["outcome"] for h in listen(server)]
        if "stored" in outcomes and len(outcomes) >= 6:
            break
    assert outcomes.count("stored") == 1 and outcomes.count("malformed") == 5
    assert services.client_secrets.secrets()[0] == secret
    with services.sessions() as db:
        unreadable = db.scalars(select(LwaNotification).where(LwaNotification.type == "unreadable")).all()
    assert len(unreadable) == 5
    assert queue_client(queue).receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages") is None


def test_lwa_down_leaves_the_new_secret_on_the_queue_for_later(server, queue):
    services = server.app.extensions["spapi"]
    body, secret = genuine_notification(server, queue)
    send(queue, body)
    client = queue_client(queue)
    down = lwa_secret_check("http://127.0.0.1:9/auth/o2/token", CLIENT_ID)  # nothing listens there
    kw = dict(once=True, wait_seconds=1, visibility=1)
    [first] = consume(client, queue, services.sessions, services.client_secrets, verify=down, **kw)
    assert first.outcome == "unverified" and secret not in services.client_secrets.secrets()
    up = lwa_secret_check(services.settings.lwa_token_url, CLIENT_ID)
    time.sleep(1.2)  # the message comes back after its visibility timeout
    [later] = consume(client, queue, services.sessions, services.client_secrets, verify=up, **kw)
    assert later.outcome == "stored" and services.client_secrets.secrets()[0] == secret


def test_a_redelivered_expiry_notice_asks_for_one_rotation(server, queue):
    services = server.app.extensions["spapi"]
    notice = expiry_notification(services.settings.application_id, CLIENT_ID, utcnow() + timedelta(days=3))
    send(queue, notice, notice)
    rotations = []
    handled = []
    for _round in range(3):
        handled += consume(
            queue_client(queue),
            queue,
            services.sessions,
            services.client_secrets,
            auto_rotate_days=7,
            on_rotate=lambda: rotations.append(1),
            once=True,
            wait_seconds=1,
        )
        if len(handled) >= 2:
            break
    assert sorted(h.outcome for h in handled) == ["duplicate", "recorded"]
    assert rotations == [1]
