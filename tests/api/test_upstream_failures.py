"""When LWA (a loopback stand-in) fails behind the JSON API: a worker gets a 502 or, when LWA did
not answer in time, a 504 that names the failure, a refused grant revokes the authorization, and
each outcome is in the key's audit trail."""

import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.api.test_restricted_data_tokens import uses
from tests.api.test_token_service import bearer
from tests.api.test_token_service import new_key
from tests.api.test_token_service import stored  # noqa: F401 (the fixture, used by name)
from tests.helpers import SELLING_PARTNER_ID

pytestmark = pytest.mark.usefixtures("stored")


def access_token(client, key):
    answer = client.post(
        "/api/v1/access-tokens",
        json={"selling_partner_id": SELLING_PARTNER_ID, "region": "NA"},
        headers=bearer(key),
    )
    return answer.status_code, answer.get_json()["error"] if answer.status_code != 200 else answer.get_json()


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (Response("<html>down</html>", status=500), "http_error"),
        (Response('{"error": "server_error"}', status=503, content_type="application/json"), "server_error"),
    ],
)
def test_a_failing_lwa_is_a_502_that_names_it(app, client, httpserver, answer, kind):
    httpserver.expect_request("/auth/o2/token").respond_with_response(answer)
    key = new_key(app)
    status, error = access_token(client, key)
    assert status == 502
    assert (error["code"], error["message"]) == ("server_error", f"LWA failed: {kind}")
    assert uses(app, key) == [("token:access_tokens", f"lwa_{kind}", SELLING_PARTNER_ID, "NA")]


def test_an_lwa_that_does_not_answer_in_time_is_a_504(app, client):
    def late(_request):
        time.sleep(1.0)
        return Response("{}", content_type="application/json")

    # A stand-in of its own, so the late answer never reaches another test's stand-in.
    own = HTTPServer(host="127.0.0.1", port=0)
    own.start()
    try:
        own.expect_request("/auth/o2/token").respond_with_handler(late)
        lwa = app.extensions["spapi"].lwa
        lwa.token_url, lwa.timeout = own.url_for("/auth/o2/token"), (1, 0.3)  # a quick read timeout
        key = new_key(app)
        status, error = access_token(client, key)
        assert status == 504
        assert (error["code"], error["message"]) == ("server_error", "LWA failed: timeout")
        assert uses(app, key) == [("token:access_tokens", "lwa_timeout", SELLING_PARTNER_ID, "NA")]
    finally:
        own.stop()


def test_a_refused_grant_revokes_the_authorization_for_every_later_request(app, client, httpserver, runner):
    httpserver.expect_request("/auth/o2/token").respond_with_json(
        {"error": "invalid_grant", "error_description": "The request has an invalid grant parameter"},
        status=400,
    )
    key = new_key(app)
    status, error = access_token(client, key)
    assert status == 400 and error["code"] == "invalid_grant"
    assert access_token(client, key)[0] == 400
    refused = [request for request, answer in httpserver.log if answer.status_code == 400]
    assert len(refused) == 1  # the revoked authorization is never sent to LWA again
    assert uses(app, key) == [
        ("token:access_tokens", "lwa_invalid_grant", SELLING_PARTNER_ID, "NA"),
        ("token:access_tokens", "invalid_grant", SELLING_PARTNER_ID, "NA"),
    ]
