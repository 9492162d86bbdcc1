"""Client-secret rotation end to end, offline: the simulator's Application Management API, an
SQS queue in moto's server mode on loopback, the consumer, and LWA calls with the new secret."""

import json
import multiprocessing
import time
from datetime import timedelta

import boto3
import pytest
import requests

from auth.clients.lwa import LwaClient
from auth.lifecycle.consumer import consume
from auth.lifecycle.notifications import expiry_notification
from auth.lifecycle.notifications import new_secret_notification
from auth.lifecycle.sqs import queue_client
from auth.lifecycle.verify import lwa_secret_check
from auth.vault.client_secrets import ClientSecretStore
from auth.vault.crypto import fingerprint
from auth.vault.db import make_engine
from auth.vault.models import utcnow
from auth.vault.outbox import list_events
from tests.clients.test_shared_cache import finish
from tests.clients.test_shared_cache import reap
from tests.conftest import CLIENT_ID
from tests.conftest import CLIENT_SECRET
from tests.conftest import live_simulator

SCOPE = "sellingpartnerapi::notifications"


@pytest.fixture(autouse=True)
def _aws(aws_environment):
    """Every test here talks to moto with fake credentials."""


@pytest.fixture
def queue(moto_server, request):
    client = boto3.client("sqs", region_name="us-east-1", endpoint_url=moto_server)
    name = "rotation-" + request.node.name.replace("[", "-").replace("]", "")[:60]
    return client.create_queue(QueueName=name)["QueueUrl"]


@pytest.fixture
def server(tmp_path, queue):
    with live_simulator(
        tmp_path,
        SPAPI_ROTATION_QUEUE_URL=queue,
        SPAPI_SIMULATOR_OLD_SECRET_SECONDS="2",
        SPAPI_AUTO_ROTATE_DAYS="7",
    ) as live:
        live.app.test_client().get("/simulator/")
        yield live


def lwa_status(server, secret):
    answer = requests.post(
        f"{server.url}/simulator/api.amazon.com/auth/o2/token",
        data={
            "grant_type": "client_credentials",
            "scope": SCOPE,
            "client_id": CLIENT_ID,
            "client_secret": secret,
        },
        timeout=10,
    )
    return answer.status_code


def listen(server):
    runner = server.app.test_cli_runner()
    result = runner.invoke(args=["spapi", "notifications", "listen", "--once", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_rotate_notify_store_use_and_the_old_secret_ends(server):
    services = server.app.extensions["spapi"]
    assert services.client_secrets.secrets() == [CLIENT_SECRET]
    rotated = server.app.test_cli_runner().invoke(args=["spapi", "rotate-secret", "--json"])
    assert rotated.exit_code == 0 and json.loads(rotated.output)["accepted"], rotated.output
    [handled] = listen(server)
    assert handled["type"] == "APPLICATION_OAUTH_CLIENT_NEW_SECRET" and handled["outcome"] == "stored"
    new, old = services.client_secrets.secrets()
    assert old == CLIENT_SECRET and new != CLIENT_SECRET
    # LWA calls use the new secret first (the exchange shows its fingerprint, never the secret).
    token = services.lwa.grantless(SCOPE)
    assert f"client_secret=[{fingerprint(new)}]" in token.exchange.request_body
    assert lwa_status(server, CLIENT_SECRET) == 200  # the old one still works for a while
    time.sleep(2.2)
    assert lwa_status(server, CLIENT_SECRET) == 401 and lwa_status(server, new) == 200
    # The old secret stays as our last fallback for a week, whatever the message said: LWA
    # refuses it now, and the new one is always tried first.
    assert services.client_secrets.secrets() == [new, CLIENT_SECRET]
    assert services.lwa.grantless(SCOPE).access_token
    status = services.client_secrets.status()
    assert status.last_rotation is not None and status.fingerprint == fingerprint(new)
    with services.sessions() as db:
        assert [e.type for e in list_events(db)] == ["client_secret.rotated"]


def genuine_notification(server, queue) -> tuple[dict, str]:
    """Ask the simulated Amazon for a rotation; take its NEW_SECRET message off the queue."""
    assert server.app.test_cli_runner().invoke(args=["spapi", "rotate-secret"]).exit_code == 0
    client = queue_client(queue)
    [message] = client.receive_message(QueueUrl=queue, WaitTimeSeconds=5)["Messages"]
    client.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    body = json.loads(message["Body"])
    return body, body["payload"]["applicationOAuthClientNewSecret"]["newClientSecret"]


def verifier(server):
    return lwa_secret_check(server.app.extensions["spapi"].settings.lwa_token_url, CLIENT_ID)


def test_duplicates_and_other_apps_notifications_are_ignored(server, queue):
    services = server.app.extensions["spapi"]
    now = utcnow()
    body, secret = genuine_notification(server, queue)
    foreign = new_secret_notification("other", "amzn1.application-oa2-client.other", "x", now, now)
    client = queue_client(queue)
    for message in (body, body, foreign):
        client.send_message(QueueUrl=queue, MessageBody=json.dumps(message))
    outcomes = sorted(h["outcome"] for h in listen(server) + listen(server))
    assert outcomes == ["duplicate", "foreign", "stored"]
    assert services.client_secrets.secrets()[0] == secret
    assert "x" not in services.client_secrets.secrets()
    assert client.receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages") is None  # all deleted


def test_a_consumer_killed_between_receive_and_store_loses_nothing(server, queue):
    services = server.app.extensions["spapi"]
    body, secret = genuine_notification(server, queue)
    client = queue_client(queue)
    client.send_message(QueueUrl=queue, MessageBody=json.dumps(body))

    class Crashing(ClientSecretStore):
        def store_rotation(self, *args, **kwargs):
            raise SystemExit("killed")  # the process dies before anything is stored

    crashing = Crashing(services.engine, services.vault, CLIENT_ID)
    with pytest.raises(SystemExit):
        consume(
            client,
            queue,
            services.sessions,
            crashing,
            once=True,
            wait_seconds=1,
            visibility=1,
            verify=verifier(server),
        )
    assert secret not in services.client_secrets.secrets()
    time.sleep(1.2)  # the message comes back after its visibility timeout
    handled = consume(
        client,
        queue,
        services.sessions,
        services.client_secrets,
        once=True,
        wait_seconds=1,
        verify=verifier(server),
    )
    assert [h.outcome for h in handled] == ["stored"]
    assert services.client_secrets.secrets()[0] == secret


def _worker_uses_the_stored_secret(database_url, keys, lwa_url, results):
    from auth.vault.crypto import TokenVault

    store = ClientSecretStore(make_engine(database_url), TokenVault(keys), CLIENT_ID)
    try:
        LwaClient(lwa_url, CLIENT_ID, store.secrets).grantless(SCOPE)
        results.put("ok")
    except Exception as error:  # the parent reports what failed
        results.put(repr(error))
    finish(results)


def test_every_worker_sees_the_new_secret_at_once(server):
    services = server.app.extensions["spapi"]
    assert server.app.test_cli_runner().invoke(args=["spapi", "rotate-secret"]).exit_code == 0
    listen(server)
    time.sleep(2.2)  # the old secret is now refused by the simulated LWA
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    url = f"{server.url}/simulator/api.amazon.com/auth/o2/token"
    database_url = services.settings.database_url
    processes = [
        context.Process(
            target=_worker_uses_the_stored_secret,
            args=(database_url, services.settings.token_encryption_keys, url, results),
            daemon=True,
        )
        for _ in range(4)
    ]
    [p.start() for p in processes]
    outcomes = [results.get(timeout=30) for _ in processes]
    reap(processes)
    assert outcomes == ["ok"] * 4


def test_an_expiry_notice_triggers_a_rotation(server, queue):
    services = server.app.extensions["spapi"]
    notice = expiry_notification(services.settings.application_id, CLIENT_ID, utcnow() + timedelta(days=3))
    queue_client(queue).send_message(QueueUrl=queue, MessageBody=json.dumps(notice))
    [handled] = listen(server)  # fewer than SPAPI_AUTO_ROTATE_DAYS=7 left: rotation requested
    assert handled["outcome"] == "recorded"
    [stored] = listen(server)  # Amazon's NEW_SECRET notification
    assert stored["outcome"] == "stored" and len(services.client_secrets.secrets()) == 2
    with services.sessions() as db:
        assert {e.type for e in list_events(db)} == {"client_secret.expiring", "client_secret.rotated"}


def test_without_a_queue_amazon_refuses_the_rotation(tmp_path):
    with live_simulator(tmp_path) as live:
        live.app.test_client().get("/simulator/")
        result = live.app.test_cli_runner().invoke(args=["spapi", "rotate-secret", "--json"])
        assert result.exit_code == 1 and "not enrolled" in result.output
        listen_result = live.app.test_cli_runner().invoke(args=["spapi", "notifications", "listen", "--once"])
        assert listen_result.exit_code == 1 and "SPAPI_ROTATION_QUEUE_URL" in listen_result.output
