"""The LWA client's requests and errors, against a loopback token endpoint."""

from urllib.parse import parse_qs

import pytest

from auth.clients.lwa import LwaClient
from auth.clients.lwa import LwaError
from tests.helpers import lwa_success


def form_of(httpserver) -> dict:
    return {k: v[0] for k, v in parse_qs(httpserver.log[-1][0].get_data(as_text=True)).items()}


def test_grantless_sends_client_credentials_and_the_scope(httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(
        lwa_success(scope="sellingpartnerapi::notifications")
    )
    token = LwaClient(httpserver.url_for("/auth/o2/token"), "the-id", "the-secret").grantless(
        "sellingpartnerapi::notifications"
    )
    assert form_of(httpserver) == {
        "grant_type": "client_credentials",
        "scope": "sellingpartnerapi::notifications",
        "client_id": "the-id",
        "client_secret": "the-secret",
    }
    assert token.scope == "sellingpartnerapi::notifications"


def test_refresh_sends_no_scope(httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(lwa_success())
    LwaClient(httpserver.url_for("/auth/o2/token"), "the-id", "the-secret").refresh("Atzr|x")
    assert form_of(httpserver) == {
        "grant_type": "refresh_token",
        "refresh_token": "Atzr|x",
        "client_id": "the-id",
        "client_secret": "the-secret",
    }


def test_an_lwa_error_carries_its_code_description_status_and_exchange(httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(
        {"error": "invalid_grant", "error_description": "The request has an invalid grant parameter"},
        status=400,
    )
    with pytest.raises(LwaError) as caught:
        LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret").refresh("Atzr|x")
    error = caught.value
    assert (error.kind, error.description, error.http_status) == (
        "invalid_grant",
        "The request has an invalid grant parameter",
        400,
    )
    assert str(error) == "invalid_grant: The request has an invalid grant parameter"
    assert error.exchange is not None and error.exchange.status == 400
    assert "client_secret=secret" not in error.exchange.request_body


def test_an_error_without_a_description_is_named_by_its_kind(httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json({"error": "invalid_client"}, status=401)
    with pytest.raises(LwaError) as caught:
        LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret").refresh("Atzr|x")
    assert str(caught.value) == "invalid_client" and caught.value.description == ""
    assert LwaError("timeout").description == "" and str(LwaError("timeout")) == "timeout"


def test_a_code_exchange_sends_the_code_and_redirect_uri(httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(lwa_success())
    LwaClient(httpserver.url_for("/auth/o2/token"), "the-id", "the-secret").exchange_code(
        "ANcode", "https://app/r"
    )
    assert form_of(httpserver) == {
        "grant_type": "authorization_code",
        "code": "ANcode",
        "redirect_uri": "https://app/r",
        "client_id": "the-id",
        "client_secret": "the-secret",
    }


def test_a_code_exchange_without_a_refresh_token_is_a_bad_response(httpserver):
    body = lwa_success()
    del body["refresh_token"]
    httpserver.expect_request("/auth/o2/token").respond_with_json(body)
    with pytest.raises(LwaError) as caught:
        LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret").exchange_code(
            "ANcode", "https://app/r"
        )
    assert (caught.value.kind, caught.value.description) == (
        "bad_response",
        "LWA answered without a refresh_token",
    )
    assert caught.value.exchange is not None and caught.value.exchange.status == 200


def test_an_error_without_a_code_is_other():
    from auth.clients import lwa

    error = lwa._lwa_error(None, None, [])
    assert (error.kind, error.description, error.http_status, error.exchange) == ("other", "", None, None)


def secret_checking_lwa(httpserver, good="new-secret"):
    """LWA that knows one client secret: others get invalid_client."""
    from werkzeug import Response

    def answer(request):
        if request.form.get("client_secret") != good:
            body = '{"error": "invalid_client", "error_description": "Client authentication failed"}'
            return Response(body, status=401, content_type="application/json")
        return Response(
            '{"access_token": "Atza|x", "token_type": "bearer", "expires_in": 3600}',
            content_type="application/json",
        )

    httpserver.expect_request("/auth/o2/token").respond_with_handler(answer)
    return httpserver.url_for("/auth/o2/token")


@pytest.mark.parametrize(
    ("secrets", "requests", "outcome"),
    [
        (["new-secret"], 1, "ok"),
        (["new-secret", "old-secret"], 1, "ok"),  # the newest first, no fallback needed
        (["old-secret", "new-secret"], 2, "ok"),  # the newest refused: the older one is tried
        (["bad-1", "bad-2", "new-secret"], 3, "ok"),
        (["bad-1", "bad-2"], 2, "invalid_client"),  # every live secret refused
        ([], 0, "invalid_client"),  # none stored at all: refused before any request
    ],
)
def test_live_secrets_are_tried_newest_first_on_invalid_client(httpserver, secrets, requests, outcome):
    client = LwaClient(secret_checking_lwa(httpserver), "client", lambda: list(secrets))
    if outcome == "ok":
        assert client.grantless("sellingpartnerapi::notifications").access_token == "Atza|x"
    else:
        with pytest.raises(LwaError) as raised:
            client.grantless("sellingpartnerapi::notifications")
        assert raised.value.kind == outcome
    assert len(httpserver.log) == requests
    assert [parse_qs(r.get_data(as_text=True))["client_secret"][0] for r, _ in httpserver.log] == secrets[
        :requests
    ]


def test_another_error_is_not_retried_with_an_older_secret(httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(
        {
            "error": "invalid_grant",
            "error_description": "The request has an invalid grant parameter : refresh_token",
        },
        status=400,
    )
    client = LwaClient(httpserver.url_for("/auth/o2/token"), "client", lambda: ["new-secret", "old-secret"])
    with pytest.raises(LwaError) as raised:
        client.refresh("Atzr|revoked-token-0123456789")
    assert raised.value.kind == "invalid_grant" and len(httpserver.log) == 1
