"""The app as the README deploys it: gunicorn with gunicorn.conf.py (gthread workers, redacted
logs), several workers sharing one database, migrations run once beforehand."""

import secrets
import socket
import threading
import time
from urllib.parse import urljoin

import pytest
import requests
from cryptography.fernet import Fernet

from bench.harness import GunicornProcess
from tests.conftest import ADMIN_PASSWORD
from tests.conftest import ADMIN_PASSWORD_HASH
from tests.live import parse_form


def production_env(tmp_path, database_url: str, **extra) -> dict[str, str]:
    """Every setting set, as in production; the simulator on loopback where asked."""
    return {
        "SPAPI_APPLICATION_ID": "amzn1.sp.solution.0bf296b5-36a6-4942-a13e-0123456789ab",
        "SPAPI_APP_STATUS": "draft",
        "LWA_CLIENT_ID": "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef",
        "LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1." + secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ADMIN_PASSWORD_HASH": ADMIN_PASSWORD_HASH,
        "SPAPI_INSTANCE_PATH": str(tmp_path),
        "SPAPI_STATES_PER_MINUTE": "0",
        **extra,
    }


def simulator_env(tmp_path, database_url):
    return production_env(
        tmp_path, database_url, SPAPI_SIMULATOR="1", SPAPI_SIMULATOR_ON_LOOPBACK="1", LWA_TOKEN_URL=""
    )


def one_flow(base: str, index: int) -> bool:
    """A whole website flow through the simulator; True when it ends on the success page."""
    browser = requests.Session()
    consent = browser.get(f"{base}/authorize?marketplace=US", timeout=30)
    form = parse_form(consent.text)
    fields = {**form["fields"], "decision": "confirm", "selling_partner_id": f"AGUNICORN{index:05d}"}
    landing = browser.post(urljoin(consent.url, form["action"]), data=fields, timeout=30)
    return landing.status_code == 200 and "You're connected" in landing.text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_four_workers_share_the_simulator_and_every_flow_completes(tmp_path, database_url):
    server = GunicornProcess(
        "app:create_app()",
        simulator_env(tmp_path, database_url),
        workers=4,
        config=True,
        log_dir=str(tmp_path),
    )
    try:
        results = []
        threads = [
            threading.Thread(target=lambda i=i: results.append(one_flow(server.url, i))) for i in range(24)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results.count(True) == 24, server.logs()[-3000:]
        assert len(server.worker_pids()) == 4
    finally:
        server.close()


def test_gunicorns_own_log_lines_are_redacted(tmp_path):
    env = production_env(tmp_path, f"sqlite:///{tmp_path}/g.sqlite")
    server = GunicornProcess("app:create_app()", env, workers=1, config=True, log_dir=str(tmp_path))
    try:
        port = int(server.url.rsplit(":", 1)[1])
        for raw in (
            b"GET  /oauth/redirect?state=SEKRETSTATE1&spapi_oauth_code=SEKRETCODE1 HTTP/1.1\r\n"
            b"Host: x\r\n\r\n",
            b"GET /oauth/redirect?state=SEKRETSTATE2&spapi_oauth_code=SEKRETCODE2\r\n\r\n",
        ):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                connection.sendall(raw)
                assert connection.recv(100).startswith(b"HTTP/1.1 400")
        requests.get(
            f"{server.url}/oauth/redirect?state=SEKRETSTATE3&spapi_oauth_code=SEKRETCODE3", timeout=10
        )
        time.sleep(0.5)
        logs = server.logs()
        assert "Invalid request" in logs and "/oauth/redirect" in logs  # the lines were logged
        assert "SEKRET" not in logs
    finally:
        server.close()


def test_log_in_limit_is_shared_by_every_worker(tmp_path):
    env = production_env(tmp_path, f"sqlite:///{tmp_path}/l.sqlite")
    server = GunicornProcess("app:create_app()", env, workers=4, config=True)
    try:
        statuses = []
        for _ in range(24):
            browser = requests.Session()  # a new connection, so any worker may answer
            page = browser.get(f"{server.url}/console/login", timeout=10)
            token = parse_form(page.text)["fields"]["csrf_token"]
            answer = browser.post(
                f"{server.url}/console/login", data={"password": "wrong", "csrf_token": token}, timeout=10
            )
            statuses.append(answer.status_code)
        assert statuses.count(401) == 5 and statuses.count(429) == 19
        right = requests.Session()
        page = right.get(f"{server.url}/console/login", timeout=10)
        token = parse_form(page.text)["fields"]["csrf_token"]
        blocked = right.post(
            f"{server.url}/console/login", data={"password": ADMIN_PASSWORD, "csrf_token": token}
        )
        assert blocked.status_code == 429  # this address failed five times
    finally:
        server.close()


def test_control_characters_in_the_request_line_are_escaped_in_the_access_log(tmp_path):
    env = production_env(tmp_path, f"sqlite:///{tmp_path}/g.sqlite")
    server = GunicornProcess("app:create_app()", env, workers=1, config=True, log_dir=str(tmp_path))
    try:
        forged = '/explain/x%0d%0a127.0.0.1 [01/Jan/2026] "GET /console/ HTTP/1.1" 200 -%1b[31m%c2%85end'
        requests.get(f"{server.url}{forged}", timeout=10)
        time.sleep(0.5)
        logs = server.logs()
        [line] = [entry for entry in logs.splitlines() if "/explain/x" in entry]
        assert "\\x0d\\x0a127.0.0.1" in line and "\\x1b[31m" in line
        assert "\x1b" not in logs and "\x85" not in logs
        assert not any(entry.startswith("127.0.0.1 [01/Jan/2026]") for entry in logs.splitlines())
    finally:
        server.close()
