"""The throttle across four gunicorn workers: ten concurrent checks of one credential reach
Amazon (the simulator, in this process) one call per second and all pass."""

import threading
import time

import pytest
import requests

from app import create_app
from auth.security.api_keys import create_key
from bench.harness import GunicornProcess
from tests.associates.conftest import add_account
from tests.associates.conftest import calls_of
from tests.conftest import live_simulator
from tests.test_gunicorn import production_env


def check_until_done(url: str, key: str, results: list) -> None:
    """Press "check" until the credential's turn comes (a 429 says to wait)."""
    deadline = time.time() + 60
    while time.time() < deadline:
        answer = requests.post(url, headers={"Authorization": key}, timeout=30)
        if answer.status_code != 429:
            results.append(answer)
            return
        time.sleep(0.2)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_ten_concurrent_checks_across_four_workers_make_one_call_a_second(tmp_path, database_url):
    (tmp_path / "sim").mkdir()
    with live_simulator(tmp_path / "sim") as amazon:
        env = production_env(
            tmp_path,
            database_url,
            SPAPI_ASSOCIATES_URL=amazon.url + "/simulator/associates",
            SPAPI_ASSOCIATES_COOLDOWN="0",
        )
        server = GunicornProcess("app:create_app()", env, workers=4, config=True, log_dir=str(tmp_path))
        try:
            admin = create_app({**env, "TESTING": True, "PUBLIC_URL": server.url})
            simulator_key = amazon.app.extensions["spapi"].settings.secret_key
            credential = add_account(admin, "creators-ok", simulator_key=simulator_key)
            with admin.extensions["spapi"].sessions() as db:
                key = "Bearer " + create_key(db, "plugin", operations=["associates"]).bearer
            admin.extensions["spapi"].engine.dispose()
            url = f"{server.url}/api/v1/associates/{credential}/check"
            results: list = []
            threads = [threading.Thread(target=check_until_done, args=(url, key, results)) for _ in range(10)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert [r.status_code for r in results] == [200] * 10, server.logs()[-2000:]
            assert all(r.json()["result"] == "PASS" for r in results)
            calls = sorted(calls_of(amazon.app, "creators-ok"))
            assert len(calls) == 10
            gaps = [later - earlier for earlier, later in zip(calls, calls[1:], strict=False)]
            assert min(gaps) >= 1.0, gaps  # Amazon's one request a second, kept fleet-wide
            assert len(server.worker_pids()) == 4
        finally:
            server.close()
