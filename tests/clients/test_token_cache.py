"""The access-token cache: single flight, expiry margin, and the retry matrix, against a real
loopback LWA stand-in."""

import json
import socket
import threading
import time
from urllib.parse import parse_qs

import pytest
from werkzeug import Response

from auth.clients.lwa import LwaClient
from auth.clients.lwa import LwaError
from auth.clients.token_cache import AccessTokenCache
from auth.clients.token_cache import RetryPolicy
from tests.conftest import CLIENT_ID
from tests.conftest import CLIENT_SECRET

REFRESH = "Atzr|cache-test-refresh-token"


def token_body(expires_in=3600, token="Atza|cached"):
    return json.dumps(
        {"access_token": token, "token_type": "bearer", "expires_in": expires_in, "refresh_token": REFRESH}
    )


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def lwa(httpserver):
    return LwaClient(httpserver.url_for("/auth/o2/token"), CLIENT_ID, CLIENT_SECRET, timeout=(1, 1))


def test_64_concurrent_callers_cause_one_request(httpserver, lwa):
    calls = []

    def slow(request):
        calls.append(request)
        time.sleep(0.2)
        return Response(token_body(), content_type="application/json")

    httpserver.expect_request("/auth/o2/token").respond_with_handler(slow)
    cache = AccessTokenCache(lwa)
    barrier = threading.Barrier(64)
    tokens, errors = [], []

    def caller():
        barrier.wait()
        try:
            tokens.append(cache.for_refresh_token(REFRESH))
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=caller) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(tokens) == 64
    assert len(calls) == 1 and len(httpserver.log) == 1
    assert {t.access_token for t in tokens} == {"Atza|cached"}
    assert sum(t.fetched for t in tokens) == 1
    form = {k: v[0] for k, v in parse_qs(calls[0].get_data(as_text=True)).items()}
    assert form == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }  # no scope on refresh


def test_cached_until_60_seconds_before_expiry(httpserver, lwa):
    httpserver.expect_request("/auth/o2/token").respond_with_data(
        token_body(), content_type="application/json"
    )
    clock = Clock()
    cache = AccessTokenCache(lwa, clock=clock)
    assert cache.for_refresh_token(REFRESH).fetched
    clock.now += 3600 - 61
    assert not cache.for_refresh_token(REFRESH).fetched
    assert len(httpserver.log) == 1
    clock.now += 2  # now 59 s before expiry: inside the margin
    assert cache.for_refresh_token(REFRESH).fetched
    assert len(httpserver.log) == 2


def test_keys_are_separate(httpserver, lwa):
    httpserver.expect_request("/auth/o2/token").respond_with_data(
        token_body(), content_type="application/json"
    )
    cache = AccessTokenCache(lwa)
    cache.for_refresh_token(REFRESH)
    cache.for_refresh_token(REFRESH + "-other")
    cache.for_scope("sellingpartnerapi::notifications")
    cache.for_scope("sellingpartnerapi::notifications")
    assert len(httpserver.log) == 3


def _respond(status, body=None, headers=None):
    def handler(_request):
        return Response(
            json.dumps(body) if body is not None else "gateway error",
            status=status,
            content_type="application/json" if body is not None else "text/html",
            headers=headers,
        )

    return handler


OK = (200, json.loads(token_body()), None)
RETRY_MATRIX = [
    # (responses in order, expected requests, expected error kind or None, expected sleeps)
    ([(503, {"error": "temporarily_unavailable"}, None), OK], 2, None, 1),
    ([(500, {"error": "server_error"}, None), (502, None, None), OK], 3, None, 2),
    ([(429, None, {"Retry-After": "3"}), OK], 2, None, 1),
    ([(500, None, None)] * 4, 4, "http_error", 3),
    (
        [
            (
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The request has an invalid grant parameter : refresh_token",
                },
                None,
            )
        ],
        1,
        "invalid_grant",
        0,
    ),
    (
        [(401, {"error": "invalid_client", "error_description": "Client authentication failed"}, None)],
        1,
        "invalid_client",
        0,
    ),
    ([(400, {"error": "invalid_request"}, None)], 1, "invalid_request", 0),
]


@pytest.mark.parametrize(("responses", "requests", "kind", "sleeps"), RETRY_MATRIX)
def test_retry_matrix(httpserver, lwa, responses, requests, kind, sleeps):
    for status, body, headers in responses:
        httpserver.expect_ordered_request("/auth/o2/token").respond_with_handler(
            _respond(status, body, headers)
        )
    slept = []
    cache = AccessTokenCache(lwa, sleep=slept.append)
    if kind is None:
        assert cache.for_refresh_token(REFRESH).attempts == requests
    else:
        with pytest.raises(LwaError) as error:
            cache.for_refresh_token(REFRESH)
        assert error.value.kind == kind
    assert len(httpserver.log) == requests
    assert len(slept) == sleeps
    assert all(0 <= s <= 10 for s in slept)
    if responses[0][0] == 429:
        assert slept == [3.0]  # Retry-After honoured


def test_timeouts_are_retried(httpserver, lwa):
    def hang(_request):
        time.sleep(1.5)  # longer than the client's 1 s read timeout
        return Response(token_body(), content_type="application/json")

    httpserver.expect_ordered_request("/auth/o2/token").respond_with_handler(hang)
    httpserver.expect_ordered_request("/auth/o2/token").respond_with_data(
        token_body(), content_type="application/json"
    )
    cache = AccessTokenCache(lwa, sleep=lambda s: None)
    token = cache.for_refresh_token(REFRESH)
    assert token.attempts == 2 and len(httpserver.log) == 2


def test_refused_connections_are_retried_then_reported():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    slept = []
    cache = AccessTokenCache(
        LwaClient(f"http://127.0.0.1:{port}/auth/o2/token", CLIENT_ID, CLIENT_SECRET),
        retry=RetryPolicy(attempts=3),
        sleep=slept.append,
    )
    with pytest.raises(LwaError) as error:
        cache.for_scope("sellingpartnerapi::notifications")
    assert error.value.kind == "unreachable" and len(slept) == 2


def test_waiters_share_the_leaders_failure(httpserver, lwa):
    def slow_fail(_request):
        time.sleep(0.2)
        return Response(json.dumps({"error": "invalid_client"}), status=401, content_type="application/json")

    httpserver.expect_request("/auth/o2/token").respond_with_handler(slow_fail)
    cache = AccessTokenCache(lwa)
    kinds = []

    def caller():
        try:
            cache.for_refresh_token(REFRESH)
        except LwaError as error:
            kinds.append(error.kind)

    threads = [threading.Thread(target=caller) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert kinds == ["invalid_client"] * 16 and len(httpserver.log) == 1
