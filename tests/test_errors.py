"""One error model: every failure of /api/* in its API's documented shape, pages elsewhere."""

import logging

import pytest
import requests

from app import create_app
from auth.errors import AppError
from auth.errors import NotFound
from tests.conftest import live_simulator
from tests.test_factory import PRODUCTION
from tests.test_factory import environ  # noqa: F401  (fixture)

HOST = {"Host": "spapi.example.com"}


def api_error(answer) -> dict:
    body = answer.get_json() if hasattr(answer, "get_json") else answer.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]


def lwa_error(answer) -> dict:
    body = answer.json()
    assert set(body) == {"error", "error_description"}, body
    return body


def test_api_v1_404_and_405_are_in_the_api_shape(client):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and api_error(missing)["code"] == "not_found"
    wrong = client.delete("/api/v1/authorizations")
    assert wrong.status_code == 405 and api_error(wrong)["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"]


def test_the_body_cap_answers_each_api_in_its_own_shape(tmp_path):
    big = b"x" * (3 * 1024 * 1024)
    with live_simulator(tmp_path) as server:
        v1 = requests.post(f"{server.url}/api/v1/access-tokens", data=big, timeout=20)
        assert v1.status_code == 413 and api_error(v1)["code"] == "request_too_large"
        lwa = requests.post(f"{server.url}/api/lwa/o2/token", data=big, timeout=20)
        assert lwa.status_code == 413 and lwa_error(lwa)["error"] == "invalid_request"
        page = requests.post(f"{server.url}/explain", data=big, headers={"Accept": "text/html"}, timeout=20)
        assert page.status_code == 413 and "too large" in page.text


def test_a_schema_behind_is_a_503_with_retry_after_in_each_shape(environ):  # noqa: F811
    environ(**PRODUCTION)
    client = create_app().test_client()
    page = client.get("/", headers=HOST)
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    api = client.get("/api/v1/authorizations", headers=HOST)
    assert api.status_code == 503 and api.headers["Retry-After"].isdigit()
    assert api_error(api)["code"] == "temporarily_unavailable"
    assert "spapi db upgrade" in api_error(api)["message"]
    lwa = client.post("/api/lwa/o2/token", headers=HOST, data={"grant_type": "client_credentials"})
    assert lwa.status_code == 503 and lwa.get_json()["error"] == "temporarily_unavailable"


@pytest.mark.parametrize("path,shape", [("/api/v1/boom", "api"), ("/api/lwa/boom", "lwa"), ("/boom", "html")])
def test_a_core_error_renders_with_its_own_status_on_every_surface(app, client, admin, path, shape):
    def boom():
        raise NotFound("No such authorization: A1GONE.")

    app.add_url_rule(path, "boom" + shape, boom)
    admin.login()  # routes outside the public flow are the administrator's
    answer = client.get(path)
    assert answer.status_code == 404
    if shape == "api":
        assert api_error(answer) == {"code": "not_found", "message": "No such authorization: A1GONE."}
    elif shape == "lwa":
        assert answer.get_json() == {
            "error": "invalid_request",
            "error_description": "No such authorization: A1GONE.",
        }
    else:
        assert b"No such authorization: A1GONE." in answer.data and answer.mimetype == "text/html"


def test_every_core_error_is_an_app_error():
    from auth.clients.lwa import LwaError
    from auth.oauth.callback import CallbackError
    from auth.oauth.state import StateError
    from auth.security.api_keys import ApiKeyError
    from auth.tokens.service import ServiceError
    from auth.vault.schema import SchemaBehind

    for kind in (LwaError, CallbackError, StateError, ApiKeyError, ServiceError, SchemaBehind):
        assert issubclass(kind, AppError), kind


def test_an_unexpected_error_logs_a_redacted_traceback(app, client, admin, caplog):
    secret = "client-secret-" + "0123456789abcdef"

    def explode():
        raise RuntimeError(f"the message holds {secret}")

    app.add_url_rule("/explode", "explode", explode)
    admin.login()
    with caplog.at_level(logging.ERROR):
        answer = client.get("/explode")
    assert answer.status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "in explode" in logged  # the frame, not only the type
    assert secret not in logged  # the exception's text is never logged
