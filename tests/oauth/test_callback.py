"""The Redirect URI: state checks, the LWA exchange, storage, and every failure."""

import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import requests
from sqlalchemy import update
from werkzeug import Response

from app import create_app
from auth.oauth.tables import OAuthState
from auth.oauth.tables import UsedCode
from auth.vault.models import Authorization
from auth.vault.models import PendingAuthorization
from auth.vault.models import utcnow
from tests.conftest import CLIENT_ID
from tests.conftest import CLIENT_SECRET
from tests.conftest import base_config
from tests.helpers import CODE
from tests.helpers import REFRESH_TOKEN
from tests.helpers import SELLING_PARTNER_ID
from tests.helpers import authorizations
from tests.helpers import count
from tests.helpers import lwa_success
from tests.helpers import query_of
from tests.helpers import start_website_flow
from tests.live import LiveServer

ON_BOTH_DATABASES = True


def callback(client, state, code=CODE, spid=SELLING_PARTNER_ID, **extra):
    params = {"selling_partner_id": spid, "spapi_oauth_code": code, "mws_auth_token": "amzn.mws.x"}
    if state is not None:
        params["state"] = state
    params.update(extra)
    return client.get("/oauth/redirect", query_string=params)


def settled(client, response):
    """Follow the Redirect URI's 303 to the landing page, where a failure is shown."""
    assert response.status_code == 303 and response.headers["Location"].endswith("/oauth/complete")
    return client.get(response.headers["Location"])


def test_success_sends_exact_lwa_form_and_stores_encrypted(app, client, httpserver):
    httpserver.expect_oneshot_request("/auth/o2/token", method="POST").respond_with_json(lwa_success())
    state = start_website_flow(client, "DE")
    response = callback(client, state)

    assert response.status_code == 303
    assert response.headers["Location"] == "/oauth/complete"
    assert len(httpserver.log) == 1
    request = httpserver.log[0][0]
    assert request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    form = {k: v[0] for k, v in parse_qs(request.get_data(as_text=True)).items()}
    assert form == {
        "grant_type": "authorization_code",
        "code": CODE,
        "redirect_uri": "https://app.example.test/oauth/redirect",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    assert request.headers.get("Authorization") is None  # client_secret_post, not basic
    [row] = authorizations(app)
    assert (row.selling_partner_id, row.region, row.account_type, row.workflow) == (
        SELLING_PARTNER_ID,
        "EU",
        "seller",
        "website",
    )
    assert REFRESH_TOKEN.encode() not in row.refresh_token_encrypted
    assert (
        app.extensions["spapi"].vault.open(row.refresh_token_encrypted, SELLING_PARTNER_ID, "EU")
        == REFRESH_TOKEN
    )

    landing = client.get("/oauth/complete")
    assert landing.status_code == 200
    page = landing.get_data(as_text=True)
    # The seller sees their account; a token fingerprint means nothing to them.
    assert SELLING_PARTNER_ID in page and row.fingerprint not in page and "fingerprint" not in page.lower()
    assert REFRESH_TOKEN not in page and CODE not in page and state not in page
    assert landing.headers["Referrer-Policy"] == "no-referrer"
    assert landing.headers["Cache-Control"] == "no-store"


def test_raw_database_file_never_holds_the_refresh_token(app, client, httpserver, tmp_path):
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(lwa_success())
    assert callback(client, start_website_flow(client)).status_code == 303
    app.extensions["spapi"].sessions.kw["bind"].dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("spapi.sqlite*"))
    assert b"Atzr|" not in raw and REFRESH_TOKEN.encode() not in raw
    assert CODE.encode() not in raw


def test_a_claimed_reauthorization_waits_and_the_row_keeps_its_token(app, client, httpserver):
    # Without a verified seller ID or a bound link, a matching account fingerprint is no proof.
    httpserver.expect_ordered_request("/auth/o2/token").respond_with_json(lwa_success())
    httpserver.expect_ordered_request("/auth/o2/token").respond_with_json(
        lwa_success(refresh_token="Atzr|second-token-0123456789")
    )
    assert callback(client, start_website_flow(client)).status_code == 303
    assert callback(client, start_website_flow(client), code="ANsecondCodeValue12").status_code == 303
    [row] = authorizations(app)
    assert (
        app.extensions["spapi"].vault.open(row.refresh_token_encrypted, SELLING_PARTNER_ID, "NA")
        == (lwa_success()["refresh_token"])
    )
    assert count(app, PendingAuthorization) == 1


@pytest.mark.parametrize("state_kind", ["missing", "unknown", "malformed"])
def test_bad_state_refused_before_lwa(app, client, httpserver, state_kind):
    start_website_flow(client)
    state = {"missing": None, "unknown": "x" * 43, "malformed": "<script>alert(1)</script>"}[state_kind]
    response = callback(client, state)
    assert response.status_code == 400
    assert b"<script>alert(1)" not in response.data
    assert httpserver.log == []
    assert count(app, Authorization) == 0 and count(app, UsedCode) == 0


def test_state_from_another_browser_refused(app, httpserver):
    first, second = app.test_client(), app.test_client()
    state = start_website_flow(first)
    start_website_flow(second)  # the second browser has a session, just not this state
    response = callback(second, state)
    assert response.status_code == 400
    assert b"another browser" in response.data
    assert httpserver.log == [] and count(app, Authorization) == 0
    # The state was not burnt by the foreign attempt: its owner can still finish.
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(lwa_success())
    assert callback(first, state).status_code == 303


def test_reused_state_refused_and_lwa_called_once(app, client, httpserver):
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(lwa_success())
    state = start_website_flow(client)
    assert callback(client, state).status_code == 303
    again = callback(client, state, code="ANanotherCodeValue1")
    assert again.status_code == 400
    assert b"already" in again.data
    assert len(httpserver.log) == 1
    assert count(app, Authorization) == 1


def test_expired_state_refused(app, client, httpserver):
    state = start_website_flow(client)
    with app.extensions["spapi"].sessions() as db:
        db.execute(update(OAuthState).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    response = callback(client, state)
    assert response.status_code == 400
    assert b"10 minutes" in response.data
    assert httpserver.log == [] and count(app, Authorization) == 0


def test_replayed_code_refused_before_lwa(app, client, httpserver):
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(lwa_success())
    assert callback(client, start_website_flow(client)).status_code == 303
    replay = settled(client, callback(client, start_website_flow(client)))  # fresh state, same code
    assert replay.status_code == 400
    assert b'data-outcome="callback.code_replayed"' in replay.data
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("code", ["AN code", "x" * 3000, "AN\u00e9"])
def test_a_malformed_code_is_named_and_never_sent(app, client, httpserver, code):
    response = settled(client, callback(client, start_website_flow(client), code=code))
    assert response.status_code == 400
    assert b'data-outcome="callback.malformed_code"' in response.data
    assert httpserver.log == [] and count(app, Authorization) == 0


def test_a_cancellation_carries_the_flow_it_ends(app, client):
    from auth.oauth.callback import Cancelled
    from auth.oauth.callback import complete_callback

    state = start_website_flow(client, "JP")
    browser = client.get_cookie(app.config["BROWSER_COOKIE_NAME"]).value
    services = app.extensions["spapi"]
    with services.sessions() as db:
        result = complete_callback(
            db, services.vault, services.lwa, "https://app/r", {"state": state}, browser
        )
    assert isinstance(result, Cancelled)
    assert (result.context.flow, result.context.region, result.error) == ("website", "FE", None)


def test_cancel_without_code_consumes_state_and_stores_nothing(app, client, httpserver):
    state = start_website_flow(client)
    response = client.get("/oauth/redirect", query_string={"state": state})
    assert response.status_code == 303 and response.headers["Location"].endswith("/oauth/complete")
    landing = client.get("/oauth/complete")
    assert landing.status_code == 200 and b"Authorization cancelled" in landing.data
    assert client.get("/oauth/complete").data == landing.data  # a reload says the same
    assert httpserver.log == [] and count(app, Authorization) == 0
    assert callback(client, state).status_code == 400  # the state cannot be used after


def test_error_parameter_is_explained_and_escaped(app, client, httpserver):
    state = start_website_flow(client)
    response = client.get(
        "/oauth/redirect",
        query_string={"state": state, "error": "access_denied", "error_description": "<b>denied</b>"},
        follow_redirects=True,
    )
    assert response.status_code == 400
    assert b'data-outcome="amazon.access_denied"' in response.data
    assert b"<b>denied</b>" not in response.data and b"&lt;b&gt;denied" in response.data
    assert b'href="/explain/access_denied"' in response.data


def test_lwa_timeout_is_explained(tmp_path, httpserver):
    release = threading.Event()

    def slow(_request):
        release.wait(5)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/auth/o2/token").respond_with_handler(slow)
    app = create_app(base_config(tmp_path, LWA_TOKEN_URL=httpserver.url_for("/auth/o2/token")))
    app.extensions["spapi"].lwa.timeout = (1, 0.5)
    client = app.test_client()
    response = settled(client, callback(client, start_website_flow(client)))
    assert response.status_code == 502
    assert b"did not answer" in response.data
    assert count(app, Authorization) == 0
    release.set()  # let the stand-in finish now, not during the next test
    deadline = time.monotonic() + 5
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.01)


def test_lwa_refused_connection_is_explained(tmp_path):
    import socket

    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(base_config(tmp_path, LWA_TOKEN_URL=f"http://127.0.0.1:{port}/auth/o2/token"))
    client = app.test_client()
    response = settled(client, callback(client, start_website_flow(client)))
    assert response.status_code == 502
    assert b"could not connect" in response.data
    assert count(app, Authorization) == 0


def test_two_racing_callbacks_with_one_state_one_wins(tmp_path, httpserver, database_url):
    def slow_success(_request):
        time.sleep(0.2)
        return Response(__import__("json").dumps(lwa_success()), content_type="application/json")

    httpserver.expect_request("/auth/o2/token").respond_with_handler(slow_success)
    lwa = httpserver.url_for("/auth/o2/token")
    with LiveServer(
        lambda url: create_app(
            base_config(tmp_path, PUBLIC_URL=url, LWA_TOKEN_URL=lwa, DATABASE_URL=database_url)
        )
    ) as server:
        browser = requests.Session()
        first = browser.get(f"{server.url}/authorize?marketplace=US", allow_redirects=False)
        state = query_of(first.headers["Location"])["state"]
        barrier = threading.Barrier(8)
        statuses = []

        def race(index):
            barrier.wait()
            answer = requests.get(
                f"{server.url}/oauth/redirect",
                cookies=browser.cookies.get_dict(),
                params={
                    "state": state,
                    "selling_partner_id": SELLING_PARTNER_ID,
                    "spapi_oauth_code": f"ANraceCode{index:010d}",
                },
                allow_redirects=False,
                timeout=10,
            )
            statuses.append(answer.status_code)

        threads = [threading.Thread(target=race, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [303] + [400] * 7
        assert len(httpserver.log) == 1
        assert len(authorizations(server.app)) == 1


def test_appstore_state_requires_same_selling_partner(app, client, httpserver):
    from tests.oauth.test_login_uri import login_params

    response = client.get("/oauth/login", query_string=login_params(selling_partner_id="A1STARTEDHERE"))
    state = query_of(response.headers["Location"])["state"]
    mismatch = settled(client, callback(client, state, spid="A2SOMEONEELSE"))
    assert mismatch.status_code == 400
    assert b'data-outcome="callback.selling_partner_mismatch"' in mismatch.data
    assert httpserver.log == [] and count(app, Authorization) == 0


def test_without_a_collector_the_row_says_no_evidence_was_collected(app, client, httpserver):
    import json

    from auth.oauth.callback import complete_callback

    httpserver.expect_request("/auth/o2/token").respond_with_json(lwa_success())
    state = start_website_flow(client)
    browser = client.get_cookie(app.config["BROWSER_COOKIE_NAME"]).value
    services = app.extensions["spapi"]
    params = {"state": state, "selling_partner_id": SELLING_PARTNER_ID, "spapi_oauth_code": CODE}
    with services.sessions() as db:
        row = complete_callback(db, services.vault, services.lwa, "https://app/r", params, browser)
    assert json.loads(row.evidence)["notes"] == ["no evidence was collected"]


def test_a_vendor_flow_records_that_nothing_could_be_checked(app, client, httpserver, spapi_stub):
    import json

    httpserver.expect_request("/auth/o2/token").respond_with_json(lwa_success())
    spapi_stub.clear()  # a vendor flow must not call the Sellers API at all
    assert callback(client, start_website_flow(client, "DE", "vendor")).status_code == 303
    [row] = authorizations(app)
    evidence = json.loads(row.evidence)
    assert evidence["account_fingerprint"] is None and "vendor account" in evidence["notes"][0]
    assert spapi_stub.log == []
