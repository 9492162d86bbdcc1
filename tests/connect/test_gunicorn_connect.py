"""Connect as deployed: four gunicorn workers on one PostgreSQL, concurrent sellers, each step
on whichever worker answers; the access log never shows a link's secret part."""

import threading
from urllib.parse import urljoin

from bench.connect import connect_key
from bench.harness import GunicornProcess
from tests.helpers import query_of
from tests.live import parse_form
from tests.test_gunicorn import simulator_env

FLOWS = 12


def test_four_workers_complete_concurrent_connect_sessions(tmp_path, postgres_server, developer):
    import requests

    env = simulator_env(tmp_path, postgres_server.new_database())
    env["SPAPI_RETURN_URLS"] = f"{developer.url}/app"
    server = GunicornProcess("app:create_app()", env, workers=4, config=True, log_dir=str(tmp_path))
    developer.spapi_url, developer.key = server.url, connect_key(server.env)
    tokens, statuses = [], []

    def one(index: int) -> None:
        created = developer.create_session(
            customer_ref=f"cust-{index}", return_url=f"{developer.url}/app/connected"
        )
        tokens.append(created["url"].rsplit("/", 1)[1])
        browser = requests.Session()
        page = browser.get(created["url"], timeout=30)
        form = parse_form(page.text)
        consent = browser.get(urljoin(page.url, form["action"]), params={"marketplace": "US"}, timeout=30)
        fields = {
            **parse_form(consent.text)["fields"],
            "decision": "confirm",
            "selling_partner_id": f"AGCONNECT{index:05d}",
        }
        back = browser.post(urljoin(consent.url, parse_form(consent.text)["action"]), data=fields, timeout=30)
        statuses.append(query_of(back.url).get("status"))

    try:
        threads = [threading.Thread(target=one, args=(i,)) for i in range(FLOWS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == ["stored"] * FLOWS, server.logs()[-3000:]
        read = sorted(
            r["session"]["customer_ref"] for r in developer.returns if r["session"]["status"] == "stored"
        )
        assert read == sorted(f"cust-{i}" for i in range(FLOWS))
        assert len(server.worker_pids()) == 4
        logs = server.logs()
        assert "/connect/[redacted]" in logs and not any(token in logs for token in tokens)
    finally:
        server.close()
