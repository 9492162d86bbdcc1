"""The explainer's page, entry pages, JSON API and CLI, and links from failure pages."""

import json
import re

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from auth.explainer.catalog import catalog
from tests.conftest import APPLICATION_ID
from tests.conftest import CLIENT_ID
from tests.helpers import start_website_flow
from tests.oauth.test_callback import callback


def csrf_token(client) -> str:
    page = client.get("/explain").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_index_lists_every_entry_grouped_by_system(client):
    page = client.get("/explain").get_data(as_text=True)
    for system in catalog().systems:
        assert f'id="system-{system.key}"' in page
        for entry in system.entries:
            assert f'href="/explain/{entry.id}"' in page


def test_search_shows_the_entry(client):
    page = client.get("/explain?q=md5110").get_data(as_text=True)
    assert "Redirect URI contains a fragment" in page and "RFC 6749" in page


def test_paste_of_a_url_shows_findings_against_our_app(client):
    url = f"https://sellercentral.amazon.com/apps/authorize/consent?application_id={CLIENT_ID}&state=x"
    page = client.post("/explain", data={"text": url, "csrf_token": csrf_token(client)}).get_data(
        as_text=True
    )
    assert "LWA client ID" in page and "version=beta is missing" in page
    assert 'href="/explain/MD1000"' in page


def test_paste_without_csrf_token_is_refused(client):
    assert client.post("/explain", data={"text": "MD1000"}).status_code == 400


def test_entry_page_choice_page_and_unknown_code(client):
    assert b"Developer Central" in client.get("/explain/MD1000").data
    shared = client.get("/explain/invalid_grant").get_data(as_text=True)
    assert "invalid_grant-code" in shared and "invalid_grant-refresh_token" in shared
    unknown = client.get("/explain/MD1001")
    assert unknown.status_code == 404 and b'href="/explain/MD1000"' in unknown.data


def test_weakly_sourced_entries_say_so(client):
    assert b"Weakly sourced" in client.get("/explain/SPSA0404").data
    assert b"Weakly sourced" not in client.get("/explain/MD5101").data


def test_api_returns_entries_and_findings(client):
    url = f"https://sellercentral.amazon.com/apps/authorize/consent?application_id={APPLICATION_ID}&state=x"
    answer = client.get("/api/explain", query_string={"q": url}).json
    assert answer["kind"] == "url" and answer["recognised"]
    assert answer["entries"][0]["id"] == "MD1000" and answer["entries"][0]["url"] == "/explain/MD1000"
    assert any(
        "version=beta is missing" in f["message"] and f["entry_id"] == "MD1000" for f in answer["findings"]
    )
    assert set(answer["entries"][0]) >= {
        "code",
        "system",
        "where",
        "meaning",
        "causes",
        "fix",
        "sources",
        "confidence",
    }


def test_api_accepts_a_posted_body_without_csrf(client):
    body = json.dumps({"error": "invalid_client", "error_description": "Client authentication failed"})
    answer = client.post("/api/explain", data=body, content_type="application/json").json
    assert answer["entries"][0]["id"] == "invalid_client"


def test_api_without_input_is_a_json_400(client):
    answer = client.get("/api/explain")
    assert answer.status_code == 400 and answer.is_json and "q" in answer.json["message"]


def test_api_unrecognised_input_suggests(client):
    answer = client.get("/api/explain?q=MD1001").json
    assert not answer["recognised"] and answer["suggestions"][0]["id"] == "MD1000"


@pytest.mark.parametrize(
    "payload",
    [
        "x" * (1024 * 1024),
        "<script>alert(1)</script> MD1000",
        "\x00\x01\x02 binary \xff\xfe",
    ],
)
def test_any_paste_answers_a_page_and_escapes(client, payload):
    response = client.post("/explain", data={"text": payload, "csrf_token": csrf_token(client)})
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.data


def test_invalid_utf8_and_oversized_requests(client):
    assert client.get("/api/explain?q=%ff%fe%fdMD1000").status_code == 200
    assert client.post("/api/explain", data=b"\xff\xfe" * 1000).status_code == 200
    assert client.post("/api/explain", data=b"x" * (3 * 1024 * 1024)).status_code == 413


def test_landing_page_links_the_explanation(client, httpserver):
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(
        {"error": "invalid_grant", "error_description": "The request has an invalid grant parameter : code"},
        status=400,
    )
    answer = callback(client, start_website_flow(client))
    assert answer.status_code == 303  # a failed exchange ends on a clean URL
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'href="/explain/invalid_grant"' in page


def test_cli_explain_text_stdin_and_json(runner):
    text = runner.invoke(args=["spapi", "explain", "SPDC8143"])
    assert text.exit_code == 0 and "primary user" in text.output
    piped = runner.invoke(
        args=["spapi", "explain", "-", "--json"],
        input='{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota"}]}',
    )
    assert piped.exception is None, piped.exc_info
    assert json.loads(piped.output)["entries"][0]["id"] == "QuotaExceeded"
    unknown = runner.invoke(args=["spapi", "explain", "MD1001"])
    assert unknown.exit_code == 0 and "Not recognised" in unknown.output and "MD1000" in unknown.output


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.text(max_size=400),
        st.builds(
            lambda s, h, q: f"{s}://{h}/apps/authorize/consent?{q}",
            st.sampled_from(["https", "http", "x", ""]),
            st.text(max_size=40),
            st.text(max_size=120),
        ),
        st.builds(
            lambda k, v: '{"' + k + '": ' + v + "}",
            st.sampled_from(["error", "errors", "x"]),
            st.text(max_size=80),
        ),
    )
)
def test_fuzzed_explain_inputs_never_fail(client, text):
    response = client.get("/api/explain", query_string={"q": text})
    assert response.status_code in (200, 400)
