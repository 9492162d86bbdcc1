"""The issue's sequences over real servers: gunicorn with 4 workers (PostgreSQL and SQLite),
the simulated LWA they serve, a loopback webhook receiver, /metrics in multiprocess mode, and
two `flask spapi worker` processes sharing one database."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.wrappers import Response

from app import create_app
from bench.harness import GunicornProcess
from tests.operations.support import api_key
from tests.operations.support import authorize
from tests.operations.support import events
from tests.operations.support import rows
from tests.operations.support import spapi
from tests.test_gunicorn import simulator_env

ROOT = Path(__file__).resolve().parents[2]
PARTNERS = ["A1FLEETONE0001", "A1FLEETTWO0002"]
METRICS_TOKEN = "metrics-token-0123456789abcdef"
WEBHOOK_SECRET = "9f3c1a7e5b2d4c6e8a0f1b3d5c7e9a2b4d6f8a0c"


class Receiver:
    """The developer's webhook: records each event it is sent; ``delay`` slows its answer."""

    def __init__(self, httpserver):
        self.received: list[dict] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        httpserver.expect_request("/hook", method="POST").respond_with_handler(self.handle)
        self.url = httpserver.url_for("/hook")

    def handle(self, request):
        time.sleep(self.delay)
        with self.lock:
            self.received.append(json.loads(request.data))
        return Response("ok", 200)

    def ids(self, event_type=None) -> list[int]:
        return [e["id"] for e in self.received if event_type in (None, e["type"])]


@pytest.fixture
def receiver(httpserver):
    return Receiver(httpserver)


@pytest.fixture
def fleet(tmp_path, database_url, receiver):
    env = simulator_env(tmp_path, database_url) | {
        "SPAPI_METRICS_TOKEN": METRICS_TOKEN,
        "SPAPI_WEBHOOK_URL": receiver.url,
        "SPAPI_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    server = GunicornProcess("app:create_app()", env, workers=4, config=True, log_dir=str(tmp_path))
    # The operator's shell on the same database: commands run in this process.
    local = {k: v for k, v in server.env.items() if k in env or k == "PUBLIC_URL"}
    local.pop("PROMETHEUS_MULTIPROC_DIR")
    app = create_app({**local, "TESTING": True})
    try:
        server.app = app
        yield server
    finally:
        app.extensions["spapi"].engine.dispose()
        server.close()


def token_request(fleet, key, partner):
    return requests.post(
        f"{fleet.url}/api/lwa/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": f"spapi-auth:{partner}:NA",
            "client_id": key.id,
            "client_secret": key.secret,
        },
        headers={"Connection": "close"},  # a new connection each time: any worker may answer
        timeout=30,
    )


def scrape(fleet) -> dict[tuple, float]:
    answer = requests.get(
        f"{fleet.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text[:300]
    found = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    found["_text"] = answer.text
    return found


def deliver(fleet):
    result = spapi(fleet.app.test_cli_runner(), "events", "deliver", "--once", "--json")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_a_revocation_reaches_every_worker_and_is_announced_once(fleet, receiver):
    runner = fleet.app.test_cli_runner()
    authorize(fleet.app, PARTNERS)
    key = api_key(fleet.app)
    revoked = PARTNERS[0]
    warm = [token_request(fleet, key, revoked).status_code for _ in range(12)]
    assert warm == [200] * 12  # every worker that answered now holds a cached token
    assert spapi(runner, "simulator", "revoke", revoked).exit_code == 0
    result = spapi(runner, "check", "--all", "--json")
    assert result.exit_code == 1, result.output
    assert rows(fleet.app)[revoked].health == "revoked"
    refused = [token_request(fleet, key, revoked) for _ in range(16)]
    assert [(r.status_code, r.json()["error"]) for r in refused] == [(400, "invalid_grant")] * 16
    assert token_request(fleet, key, PARTNERS[1]).status_code == 200
    deliver(fleet)
    deliver(fleet)
    assert [
        e["data"]["selling_partner_id"] for e in receiver.received if e["type"] == "authorization.revoked"
    ] == [revoked]
    metrics = scrape(fleet)
    ok = ("spapi_token_service_requests_total", (("endpoint", "lwa_token"), ("outcome", "ok")))
    no = ("spapi_token_service_requests_total", (("endpoint", "lwa_token"), ("outcome", "refused")))
    assert (metrics[ok], metrics[no]) == (13, 16)  # summed over the 4 workers
    lwa_ok = ("spapi_lwa_requests_total", (("grant_type", "refresh_token"), ("outcome", "ok")))
    # 12 requests over 4 workers cost one LWA request, and partner 2's token came from the
    # check (run in this process, counted here, not in the fleet's directory).
    assert metrics[lwa_ok] == 1
    revoked_gauge = ("spapi_authorizations", (("health", "revoked"), ("status", "needs_reauthorization")))
    assert metrics[revoked_gauge] == 1
    assert metrics[("spapi_authorizations", (("health", "ok"), ("status", "active")))] == 1
    assert metrics[("spapi_outbox_events", (("status", "pending"),))] == 0
    assert ("spapi_client_secret_expiry_days", ()) in metrics
    for secret in (revoked, PARTNERS[1], key.id, key.secret):
        assert secret not in metrics["_text"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_outage_of_three_checks_is_failing_then_recovered_is_delivered(fleet, receiver):
    runner = fleet.app.test_cli_runner()
    authorize(fleet.app, PARTNERS)
    spapi(runner, "simulator", "outage", "--seconds", "600")
    for _ in range(3):
        assert spapi(runner, "check", "--all").exit_code == 2
    assert {row.health for row in rows(fleet.app).values()} == {"failing"}
    spapi(runner, "simulator", "outage", "--seconds", "0")
    assert spapi(runner, "check", "--all").exit_code == 0
    deliver(fleet)
    recovered = [
        e["data"]["selling_partner_id"] for e in receiver.received if e["type"] == "authorization.recovered"
    ]
    assert sorted(recovered) == sorted(PARTNERS)
    assert not [e for e in receiver.received if e["type"] == "authorization.revoked"]


def start_worker(fleet, log_path, *options):
    env = {**fleet.env}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    argv = [str(Path(sys.executable).parent / "flask"), "--app", "app", "spapi", "worker", *options]
    log = open(log_path, "wb")  # noqa: SIM115 (closed by the caller via the process)
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    process.log_file = log
    return process


def stop(process, within=10.0) -> float:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=within + 5)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.log_file.close()
    return time.monotonic() - started


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_two_workers_run_each_job_once_and_stop_on_sigterm(fleet, receiver, tmp_path):
    authorize(fleet.app, PARTNERS)
    with fleet.app.extensions["spapi"].sessions() as db:
        from auth.vault.outbox import record_event

        for number in range(5):
            record_event(db, "authorization.deleted", selling_partner_id=f"A1GONE{number:08d}", region="NA")
        db.commit()
    expected = len(events(fleet.app, "authorization.stored")) + 5
    options = (
        "--deliver-every",
        "1",
        "--check-every",
        "3600",
        "--due-every",
        "3600",
        "--notifications-every",
        "3600",
    )
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [start_worker(fleet, path, *options) for path in logs]
    try:
        assert wait_for(lambda: len(receiver.received) >= expected), receiver.received
        assert wait_for(lambda: sum(p.read_text().count("job check_health:") for p in logs) >= 1)
        time.sleep(3)  # several delivery rounds in both workers
    finally:
        took = [stop(worker) for worker in workers]
    assert all(t < 10 for t in took), took
    assert [w.returncode for w in workers] == [0, 0]
    text = [path.read_text() for path in logs]
    assert sorted(receiver.ids()) == sorted(set(receiver.ids())) and len(receiver.ids()) == expected
    assert sum(t.count("job check_health:") for t in text) == 1
    assert sum(t.count("job announce_due:") for t in text) == 1
    assert sum(t.count("job deliver_events:") for t in text) >= 3
    assert all("worker stopped" in t for t in text)
    assert {row.health for row in rows(fleet.app).values()} == {"ok"}
    attempts = sum(t.count("attempt 1: delivered") for t in text)
    assert attempts == expected  # one log line per delivery attempt
    for secret in ("Atzr|", "Atza|", WEBHOOK_SECRET):
        assert all(secret not in t for t in text)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sigterm_mid_delivery_loses_and_duplicates_nothing(fleet, receiver, tmp_path):
    with fleet.app.extensions["spapi"].sessions() as db:
        from auth.vault.outbox import record_event

        record_event(db, "authorization.deleted", selling_partner_id="A1SLOWHOOK0001", region="NA")
        db.commit()
    receiver.delay = 3.0  # the receiver is slow: the worker is stopped while it waits
    options = (
        "--deliver-every",
        "1",
        "--check-every",
        "3600",
        "--due-every",
        "3600",
        "--notifications-every",
        "3600",
    )
    worker = start_worker(fleet, tmp_path / "worker.log", *options)
    started = time.monotonic()
    assert wait_for(lambda: "worker started" in (tmp_path / "worker.log").read_text())
    time.sleep(1.5)  # the POST is in flight now
    took = stop(worker)
    assert took < 10 and worker.returncode == 0
    assert time.monotonic() - started < 20
    assert receiver.ids() and len(receiver.ids()) == len(set(receiver.ids()))
    with fleet.app.extensions["spapi"].sessions() as db:
        from auth.vault.outbox import list_events

        assert {e.status for e in list_events(db)} == {"delivered"}
