"""A failed code exchange ends on a clean URL (303) like a success, and a reload of that page
shows the same failure, never "This authorization was already completed" (issue 17)."""

import socket

import pytest

from app import create_app
from auth.vault.models import Authorization
from tests.conftest import base_config
from tests.helpers import CODE
from tests.helpers import SELLING_PARTNER_ID
from tests.helpers import count
from tests.helpers import lwa_success
from tests.helpers import start_website_flow

ON_BOTH_DATABASES = True


def redirect_call(client, state, code=CODE):
    params = {"selling_partner_id": SELLING_PARTNER_ID, "spapi_oauth_code": code, "state": state}
    return client.get("/oauth/redirect", query_string=params)


def assert_clean_failure(client, response, outcome: str, status: int) -> str:
    """The Redirect URI answers 303 to /oauth/complete; the page and its reload agree."""
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.endswith("/oauth/complete")
    assert "state" not in location and "code" not in location
    first = client.get(location)
    again = client.get(location)
    for page in (first, again):
        text = page.get_data(as_text=True)
        assert page.status_code == status
        assert f'data-outcome="{outcome}"' in text
        assert "already completed" not in text
        assert "Start again" in text
    return first.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lwa_status", "body", "outcome", "status"),
    [
        (400, {"error": "invalid_grant", "error_description": "expired code"}, "lwa.invalid_grant", 400),
        (401, {"error": "invalid_client", "error_description": "bad secret"}, "lwa.invalid_client", 502),
    ],
)
def test_lwa_refusal_ends_on_a_clean_url_and_reloads_the_same(
    app, client, httpserver, lwa_status, body, outcome, status
):
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(body, status=lwa_status)
    page = assert_clean_failure(client, redirect_call(client, start_website_flow(client)), outcome, status)
    assert f"<code>{body['error']}</code>" in page
    assert count(app, Authorization) == 0 and len(httpserver.log) == 1


def test_a_replayed_code_ends_on_a_clean_url_and_reloads_the_same(app, client, httpserver):
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(lwa_success())
    assert redirect_call(client, start_website_flow(client)).status_code == 303
    replay = redirect_call(client, start_website_flow(client))
    assert_clean_failure(client, replay, "callback.code_replayed", 400)
    assert len(httpserver.log) == 1


def test_lwa_down_ends_on_a_clean_url_and_reloads_the_same(tmp_path, database_url):
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(
        base_config(
            tmp_path, DATABASE_URL=database_url, LWA_TOKEN_URL=f"http://127.0.0.1:{port}/auth/o2/token"
        )
    )
    client = app.test_client()
    page = assert_clean_failure(
        client, redirect_call(client, start_website_flow(client)), "lwa.unreachable", 502
    )
    assert "could not connect" in page
    app.extensions["spapi"].engine.dispose()


def test_a_later_success_replaces_the_remembered_failure(app, client, httpserver):
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(
        {"error": "invalid_grant"}, status=400
    )
    redirect_call(client, start_website_flow(client))
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(lwa_success())
    landing = client.get(
        redirect_call(client, start_website_flow(client), code="ANotherCode01").headers["Location"]
    )
    assert landing.status_code == 200 and "failure" not in landing.get_data(as_text=True)


def test_lwa_429_says_amazon_is_busy_and_when_to_try_again(app, client, httpserver):
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(
        {"error": "slow down"}, status=429, headers={"Retry-After": "30"}
    )
    page = assert_clean_failure(
        client, redirect_call(client, start_website_flow(client)), "lwa.rate_limited", 502
    )
    assert "Amazon is busy" in page and "try again in 30 seconds" in page
    assert "refused" not in page.lower()
