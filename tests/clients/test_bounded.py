"""A slow or hostile token endpoint: dripping answers, huge bodies, status-only errors.
Real loopback servers only; the deadline is shortened for the test, not mocked."""

import json
import time

import pytest
import requests
from werkzeug import Response

from auth.clients import bounded
from auth.clients import lwa as lwa_module
from auth.clients.lwa import LwaClient
from auth.clients.lwa import LwaError
from auth.clients.token_cache import AccessTokenCache
from tests.helpers import lwa_success
from tests.helpers import start_website_flow


def dripping(seconds: float):
    """A handler that sends a valid token answer one byte at a time, ``seconds`` apart."""

    def handler(_request):
        body = json.dumps(lwa_success()).encode()

        def slowly():
            for byte in body:
                time.sleep(seconds)
                yield bytes([byte])

        return Response(slowly(), content_type="application/json")

    return handler


def huge(_request):
    def forever():
        for _ in range(4096):
            yield b" " * 65536  # 256 MB if nobody stops reading

    return Response(forever(), content_type="application/json")


def test_a_dripping_answer_stops_at_the_deadline(httpserver, monkeypatch):
    monkeypatch.setattr(lwa_module, "DEADLINE", 1.0)
    httpserver.expect_request("/auth/o2/token").respond_with_handler(dripping(0.05))
    client = LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret")
    started = time.monotonic()
    with pytest.raises(LwaError) as error:
        client.refresh("Atzr|x")
    assert error.value.kind == "timeout"
    assert time.monotonic() - started < 2.5


def test_a_huge_answer_is_cut_off_early(httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_handler(huge)
    client = LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret")
    with pytest.raises(LwaError) as error:
        client.refresh("Atzr|x")
    assert error.value.kind == "bad_response" and "64 KB" in error.value.description


def test_the_adapter_caps_any_session(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    session = bounded.bounded_session(5, 1000)
    with pytest.raises(bounded.ResponseTooLarge):
        session.get(httpserver.url_for("/big"), timeout=(1, 1))
    httpserver.expect_request("/small").respond_with_data(b"ok")
    assert session.get(httpserver.url_for("/small"), timeout=(1, 1)).content == b"ok"


@pytest.mark.parametrize(
    ("status", "body", "headers", "kind", "description", "retry_after"),
    [
        (429, "", {"Retry-After": "2"}, "rate_limited", "LWA is throttling token requests", 2.0),
        (
            429,
            '{"message": "Too Many Requests"}',
            {"Retry-After": "1"},
            "rate_limited",
            "LWA is throttling token requests",
            1.0,
        ),
        (429, "<html>slow down</html>", {}, "rate_limited", "LWA is throttling token requests", None),
        (429, "", {"Retry-After": "0"}, "rate_limited", "LWA is throttling token requests", 0.0),
        (503, "<html>busy</html>", {"Retry-After": "3"}, "http_error", "LWA answered HTTP 503", 3.0),
        (500, '{"message": "oops"}', {}, "http_error", "LWA answered HTTP 500", None),
        (
            400,
            '{"error": "invalid_grant", "error_description": "bad"}',
            {"Retry-After": "4"},
            "invalid_grant",
            "bad",
            4.0,
        ),
        (401, '{"error": "invalid_client"}', {}, "invalid_client", "", None),
        (404, "<html>not here</html>", {}, "non_json", "LWA answered HTTP 404 without a JSON error", None),
        (400, '{"error": ""}', {}, "non_json", "LWA answered HTTP 400 without a JSON error", None),
    ],
)
def test_failures_are_classified_by_status_first(
    httpserver, status, body, headers, kind, description, retry_after
):
    httpserver.expect_request("/auth/o2/token").respond_with_data(body, status=status, headers=headers)
    with pytest.raises(LwaError) as error:
        LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret").refresh("Atzr|x")
    found = error.value
    assert (found.kind, found.description, found.http_status, found.retry_after) == (
        kind,
        description,
        status,
        retry_after,
    )
    assert found.exchange is not None and found.exchange.status == status


def test_a_200_with_an_error_body_is_that_error(httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json({"error": "server_error"})
    with pytest.raises(LwaError) as error:
        LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret").refresh("Atzr|x")
    assert (error.value.kind, error.value.http_status) == ("server_error", 200)


def test_a_429_without_an_error_body_is_retried_after_retry_after(httpserver):
    httpserver.expect_ordered_request("/auth/o2/token").respond_with_data(
        "", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request("/auth/o2/token").respond_with_json(lwa_success())
    sleeps = []
    cache = AccessTokenCache(
        LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret"), sleep=sleeps.append
    )
    token = cache.for_refresh_token("Atzr|x")
    assert token.access_token == lwa_success()["access_token"]
    assert sleeps == [1.0] and len(httpserver.log) == 2


def test_a_dripping_lwa_gives_the_seller_an_explained_page(app, client, httpserver, monkeypatch):
    monkeypatch.setattr(lwa_module, "DEADLINE", 1.0)
    httpserver.expect_request("/auth/o2/token").respond_with_handler(dripping(0.05))
    state = start_website_flow(client)
    started = time.monotonic()
    answer = client.get(
        "/oauth/redirect",
        query_string={"state": state, "selling_partner_id": "A1DRIP", "spapi_oauth_code": "ANdrip"},
    )
    assert time.monotonic() - started < 3
    assert answer.status_code == 303  # the failure is shown on the clean landing page
    landing = client.get(answer.headers["Location"])
    assert landing.status_code == 502 and b"Amazon" in landing.data


def test_requests_timeout_alone_would_not_stop_a_drip(httpserver):
    # The reason for the adapter: each byte arrives within the read timeout.
    httpserver.expect_request("/drip").respond_with_handler(dripping(0.02))
    started = time.monotonic()
    requests.get(httpserver.url_for("/drip"), timeout=(1, 0.5))
    assert time.monotonic() - started > 1.0
