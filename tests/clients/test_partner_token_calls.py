"""An SP-API call made with a partner's token (playground, token service RDT, evidence) never
follows a redirect with ``x-amz-access-token``, reads at most 10 MB, and an unexpected Tokens
API body is a 502 that says so (issue 18). Real loopback servers only."""

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from auth.clients.sellers import get_json
from auth.clients.spapi_client import call_operation
from auth.config.marketplaces import catalog
from tests.api.test_token_service import LWA_BODY
from tests.api.test_token_service import bearer
from tests.api.test_token_service import new_key
from tests.api.test_token_service import stored  # noqa: F401 (the fixture, used by name)
from tests.helpers import ACCESS_TOKEN
from tests.helpers import SELLING_PARTNER_ID


@pytest.fixture
def elsewhere():
    """Another host (another origin on loopback) that must never see the token."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/steal").respond_with_data("thanks")
    yield server
    server.stop()


def test_a_redirect_to_another_host_is_not_followed_with_the_token(httpserver, elsewhere):
    httpserver.expect_request("/orders/v0/orders").respond_with_response(
        Response("", status=302, headers={"Location": elsewhere.url_for("/steal")})
    )
    region = catalog().regions["NA"]
    result = call_operation(
        region,
        ACCESS_TOKEN,
        "GET",
        "/orders/v0/orders",
        sandbox=False,
        url_for_amazon=lambda _u: httpserver.url_for("/orders/v0/orders"),
    )
    assert result.status == 302
    answer = get_json(httpserver.url_for("/orders/v0/orders"), ACCESS_TOKEN)
    assert answer.status == 302 and not answer.ok
    assert elsewhere.log == []  # the token never left for the other host


def test_an_answer_over_10_mb_is_refused(httpserver):
    httpserver.expect_request("/huge").respond_with_data(b"x" * (10 * 1024 * 1024 + 1))
    region = catalog().regions["NA"]
    result = call_operation(
        region,
        ACCESS_TOKEN,
        "GET",
        "/huge",
        sandbox=False,
        url_for_amazon=lambda _u: httpserver.url_for("/huge"),
    )
    assert result.status is None and "more than 10 MB" in result.error


@pytest.mark.usefixtures("stored")
def test_an_unexpected_tokens_api_body_is_a_502_that_says_so(app, client, httpserver, spapi_stub):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    spapi_stub.expect_request("/tokens/2021-03-01/restrictedDataToken", method="POST").respond_with_json(
        {"restrictedDataToken": 12, "expiresIn": "soon"}
    )
    key = new_key(app)
    answer = client.post(
        "/api/v1/restricted-data-tokens",
        json={
            "selling_partner_id": SELLING_PARTNER_ID,
            "region": "NA",
            "restricted_resources": [{"method": "GET", "path": "/orders/v0/orders"}],
        },
        headers=bearer(key),
    )
    assert answer.status_code == 502
    assert "without a restrictedDataToken" in answer.get_json()["error"]["message"]
