"""What the operator is told: /metrics only for its bearer token, dead events and a delivery
backlog on the doctor, the dashboard and `events --status dead`, and the client secret's one
deadline from Amazon's expiry notice."""

import json
from datetime import timedelta

import boto3
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from auth.operations.pacing import Pace
from auth.vault.models import utcnow
from auth.vault.outbox import record_event
from tests.conftest import ADMIN_PASSWORD
from tests.conftest import base_config
from tests.conftest import live_login
from tests.conftest import live_simulator
from tests.conftest import post_form
from tests.operations.support import authorize
from tests.operations.support import spapi

TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
def metrics_app(tmp_path):
    from app import create_app

    app = create_app(base_config(tmp_path, SPAPI_METRICS_TOKEN=TOKEN))
    yield app
    app.extensions["spapi"].engine.dispose()


def samples(text) -> dict:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_are_404_without_the_setting(client):
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


def test_metrics_need_the_bearer_token(metrics_app):
    client = metrics_app.test_client()
    for headers in (
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": f"Basic {TOKEN}"},
    ):
        answer = client.get("/metrics", headers=headers)
        assert answer.status_code == 401 and TOKEN not in answer.get_data(as_text=True)
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    found = samples(answer.get_data(as_text=True))
    assert found[("spapi_outbox_events", (("status", "dead"),))] == 0
    assert 179 < found[("spapi_client_secret_expiry_days", ())] <= 180  # the 180-day rule, freshly seeded


def test_a_short_metrics_token_is_refused_at_start(tmp_path):
    from app import create_app
    from auth.config.checks import ConfigError

    with pytest.raises(ConfigError, match="SPAPI_METRICS_TOKEN"):
        create_app(base_config(tmp_path, SPAPI_METRICS_TOKEN="short"))


def test_metrics_count_token_service_answers_without_ids(metrics_app):
    client = metrics_app.test_client()
    before = samples(
        client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    )
    for _ in range(3):
        client.post("/api/lwa/o2/token", data={"grant_type": "refresh_token", "client_id": "nokey"})
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    key = ("spapi_token_service_requests_total", (("endpoint", "lwa_token"), ("outcome", "refused")))
    assert samples(text)[key] - before.get(key, 0) == 3
    assert "nokey" not in text


def test_metrics_count_callbacks_by_outcome(metrics_app):
    client = metrics_app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    key = ("spapi_callbacks_total", (("outcome", "refused"),))
    before = samples(client.get("/metrics", headers=headers).get_data(as_text=True)).get(key, 0)
    answer = client.get("/oauth/redirect?state=forged&selling_partner_id=A1X&spapi_oauth_code=ANcode")
    assert answer.status_code == 400
    after = client.get("/metrics", headers=headers).get_data(as_text=True)
    assert samples(after)[key] - before == 1
    assert "forged" not in after and "ANcode" not in after


@pytest.mark.parametrize(
    ("name", "value"),
    [("SPAPI_CHECK_RATE", "0"), ("SPAPI_CHECK_RATE", "fast"), ("SPAPI_CHECK_CONCURRENCY", "0")],
)
def test_bad_check_settings_are_refused_by_name(tmp_path, name, value):
    from app import create_app
    from auth.config.checks import ConfigError

    with pytest.raises(ConfigError, match=name):
        create_app(base_config(tmp_path, **{name: value}))


def add_event(app, status="pending", age=timedelta(0)):
    with app.extensions["spapi"].sessions() as db:
        event = record_event(db, "authorization.deleted", selling_partner_id="A1WARN", region="NA")
        event.status = status
        event.created_at = utcnow() - age
        db.commit()


def test_dead_events_warn_on_the_doctor_and_exit_1(app, runner):
    assert spapi(runner, "events", "--status", "dead").exit_code == 0
    add_event(app, status="dead")
    dead = spapi(runner, "events", "--status", "dead", "--json")
    assert dead.exit_code == 1 and json.loads(dead.output)[0]["status"] == "dead"
    doctor = json.loads(spapi(runner, "doctor", "--json").output)
    dead_findings = [f for f in doctor if "1 webhook event is dead" in f["message"]]
    assert [f["severity"] for f in dead_findings] == ["warning"], doctor


def test_an_old_backlog_warns_only_with_a_webhook(tmp_path):
    from app import create_app

    app = create_app(
        base_config(
            tmp_path,
            SPAPI_WEBHOOK_URL="http://127.0.0.1:9/hook",
            SPAPI_WEBHOOK_SECRET="9f3c1a7e5b2d4c6e8a0f1b3d5c7e9a2b4d6f8a0c",
        )
    )
    add_event(app, age=timedelta(minutes=30))
    runner = app.test_cli_runner()
    assert "undelivered" not in spapi(runner, "doctor").output
    add_event(app, age=timedelta(hours=2))
    assert "oldest undelivered webhook event has waited 120 minutes" in spapi(runner, "doctor").output
    app.extensions["spapi"].engine.dispose()


def test_the_dashboard_shows_warnings_and_unhealthy_authorizations(tmp_path):
    with live_simulator(tmp_path) as server:
        authorize(server.app, ["A1DASHBOARD001"])
        runner = server.app.test_cli_runner()
        spapi(runner, "simulator", "revoke", "A1DASHBOARD001")
        spapi(runner, "check", "--all")
        add_event(server.app, status="dead")
        page = live_login(server, ADMIN_PASSWORD).get(f"{server.url}/console/", timeout=10).text
        assert 'id="operations-warnings"' in page
        assert "1 webhook event is dead" in page
        assert "1 authorization revoked" in page
        listing = live_login(server).get(f"{server.url}/console/authorizations", timeout=10).text
        assert "health-revoked" in listing


@pytest.fixture
def queue(moto_server, aws_environment, request):
    client = boto3.client("sqs", region_name="us-east-1", endpoint_url=moto_server)
    return client.create_queue(QueueName="ops-" + request.node.name[:60])["QueueUrl"]


def test_amazons_expiry_notice_is_the_one_deadline_everywhere(tmp_path, queue):
    with live_simulator(
        tmp_path, SPAPI_ROTATION_QUEUE_URL=queue, LWA_CLIENT_SECRET_CREATED=utcnow().date().isoformat()
    ) as server:
        runner = server.app.test_cli_runner()
        sent = spapi(runner, "simulator", "expiry-notice", "--days", "12", "--json")
        assert sent.exit_code == 0, sent.output
        assert spapi(runner, "notifications", "listen", "--once").exit_code == 0
        doctor = spapi(runner, "doctor").output
        assert "deadline is in 11 days" in doctor or "within 11 days" in doctor, doctor
        assert "Amazon's expiry notice" in doctor
        assert doctor.count("days old") <= 1  # one age, never LWA_CLIENT_SECRET_CREATED's beside it
        page = live_login(server).get(f"{server.url}/console/", timeout=10).text
        assert "from Amazon&#39;s expiry notice" in page or "from Amazon's expiry notice" in page


def test_simulator_buttons_revoke_and_take_lwa_down(tmp_path):
    with live_simulator(tmp_path) as server:
        authorize(server.app, ["A1BUTTONS00001"])
        browser = requests.Session()
        page = f"{server.url}/simulator/"
        answer = post_form(
            browser, f"{server.url}/simulator/controls/revoke", page, selling_partner_id="A1BUTTONS00001"
        )
        assert answer.status_code == 200 and "Revoked 1 refresh token of A1BUTTONS00001" in answer.text
        runner = server.app.test_cli_runner()
        assert spapi(runner, "check", "--all").exit_code == 1
        authorize(server.app, ["A1BUTTONS00002"])
        answer = post_form(browser, f"{server.url}/simulator/controls/outage", page, seconds="600")
        assert "answers 503 for 600 seconds" in answer.text
        assert spapi(runner, "check", "--partner", "A1BUTTONS00002").exit_code == 2
        bad = post_form(browser, f"{server.url}/simulator/controls/outage", page, seconds="-5")
        assert bad.status_code == 400 and "seconds" in bad.text
        no_queue = post_form(browser, f"{server.url}/simulator/controls/expiry-notice", page, days="3")
        assert no_queue.status_code == 400 and "SPAPI_ROTATION_QUEUE_URL" in no_queue.text


def test_the_pace_spaces_requests_and_pauses_for_retry_after():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    pace = Pace(rate=4, burst=1, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        pace.wait()
    assert now[0] == pytest.approx(1.0)  # 5 requests at 4 a second: the burst, then 4 x 0.25 s
    pace.pause(3.0)
    pace.wait()
    assert now[0] == pytest.approx(4.0)  # nobody sends until LWA's Retry-After has passed


def test_an_unwritable_metrics_directory_never_fails_a_request(metrics_app, monkeypatch, tmp_path):
    from auth.operations import metrics

    def unwritable(*_labels):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(metrics.TOKEN_SERVICE, "labels", unwritable)
    answer = metrics_app.test_client().post("/api/lwa/o2/token", data={"grant_type": "refresh_token"})
    assert answer.status_code in (400, 401)  # the token service's own answer, not a 500
