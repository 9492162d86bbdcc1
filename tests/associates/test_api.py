"""POST /api/v1/associates/<id>/check: an API key with the associates operation gets the same
result as --json; ten presses at once run one check and tell the rest how long to wait."""

import threading

import pytest
import requests

from auth.security.api_keys import create_key
from tests.associates.conftest import add_account
from tests.associates.conftest import calls_of
from tests.associates.test_cli import REHEARSALS
from tests.conftest import live_simulator


def bearer(app, operations=("associates",)) -> str:
    with app.extensions["spapi"].sessions() as db:
        return "Bearer " + create_key(db, "plugin", operations=list(operations)).bearer


def post(server, credential, key, **kwargs):
    return requests.post(
        f"{server.url}/api/v1/associates/{credential}/check",
        headers={"Authorization": key},
        timeout=30,
        **kwargs,
    )


@pytest.mark.parametrize("name", sorted(REHEARSALS))
def test_each_rehearsal_through_the_api(associates_server, name):
    result_, step, code, exit_code, entry = REHEARSALS[name]
    credential = add_account(associates_server.app, name)
    answer = post(associates_server, credential, bearer(associates_server.app))
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    report = answer.json()
    assert (report["result"], report["failed_step"], report["code"], report["exit_code"]) == (
        result_,
        step,
        code,
        exit_code,
    )
    assert report["explain"] == (f"/explain/{entry}" if entry else None)
    assert [s["name"] for s in report["steps"]][0] == "consistency"


def test_an_asin_can_be_chosen_and_a_malformed_one_is_named(associates_server):
    app = associates_server.app
    credential, key = add_account(app, "creators-ok"), bearer(app)
    bad = post(associates_server, credential, key, json={"asin": "x"})
    assert bad.status_code == 400 and "asin" in bad.json()["error"]["message"]
    not_object = post(associates_server, credential, key, data="[1]")
    assert not_object.status_code == 400 and "JSON object" in not_object.json()["error"]["message"]
    good = post(associates_server, credential, key, json={"asin": "B000000001"})
    assert good.json()["steps"][-1]["asin"] == "B000000001"
    assert '"B000000001"' in good.json()["steps"][-1]["exchanges"][0]["request_body"]


def test_keys_need_the_associates_operation(associates_server):
    app = associates_server.app
    credential = add_account(app, "creators-ok")
    assert post(associates_server, credential, "Bearer spak_nope.nope").status_code == 401
    refused = post(associates_server, credential, bearer(app, ("access_tokens",)))
    assert refused.status_code == 403 and "associates" in refused.json()["error"]["message"]
    with app.extensions["spapi"].sessions() as db:
        default_key = create_key(db, "default operations")
    assert (
        "associates" not in default_key.id
        and post(associates_server, credential, "Bearer " + default_key.bearer).status_code == 403
    )  # a key gets Associates checks only when they are named
    assert post(associates_server, 999, bearer(app)).status_code == 404
    assert calls_of(app, "creators-ok") == []


def test_ten_presses_at_once_run_one_check_and_the_rest_wait(tmp_path):
    with live_simulator(tmp_path) as server:  # the default 10-second cool-down
        credential, key = add_account(server.app, "creators-ok"), bearer(server.app)
        answers = []
        threads = [
            threading.Thread(target=lambda: answers.append(post(server, credential, key))) for _ in range(10)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200] + [429] * 9
        waits = [a for a in answers if a.status_code == 429]
        assert all(1 <= int(a.headers["Retry-After"]) <= 10 for a in waits), [
            a.headers["Retry-After"] for a in waits
        ]
        assert all(
            f"wait {a.json()['error']['wait_seconds']} s" in a.json()["error"]["message"] for a in waits
        )
        assert len(calls_of(server.app, "creators-ok")) == 1
