"""The OAuth Login URI (Appstore workflow) and its open-redirect guard."""

import html
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from auth.oauth.state import digest
from auth.oauth.tables import OAuthState
from tests.conftest import APPLICATION_ID
from tests.helpers import count
from tests.helpers import query_of
from tests.helpers import states

CALLBACK = f"https://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}"


def login_params(**overrides) -> dict:
    """Query parameters Amazon sends to the Login URI for a draft app."""
    params = {
        "amazon_callback_uri": CALLBACK,
        "amazon_state": "amazonstateexample",
        "selling_partner_id": "A3FHEXAMPLEYWS",
        "version": "beta",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def test_valid_callback_redirects_with_exactly_our_parameters(app, client):
    response = client.get("/oauth/login", query_string=login_params())
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "sellercentral.amazon.com",
        f"/apps/authorize/confirm/{APPLICATION_ID}",
    )
    query = query_of(location)
    assert set(query) == {"redirect_uri", "amazon_state", "state", "version"}
    assert query["redirect_uri"] == "https://app.example.test/oauth/redirect"
    assert query["amazon_state"] == "amazonstateexample"
    assert query["version"] == "beta"
    [row] = states(app)
    assert row.state_hash == digest(query["state"])
    assert (row.flow, row.region, row.account_type, row.selling_partner_id) == (
        "appstore",
        "NA",
        "seller",
        "A3FHEXAMPLEYWS",
    )
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_published_app_gets_no_version(tmp_path, lwa_url):
    from app import create_app
    from tests.conftest import base_config

    app = create_app(base_config(tmp_path, SPAPI_APP_STATUS="published", LWA_TOKEN_URL=lwa_url))
    response = app.test_client().get("/oauth/login", query_string=login_params(version=None))
    assert response.status_code == 302
    assert "version" not in query_of(response.headers["Location"])


def test_inbound_state_and_redirect_uri_are_dropped(client):
    hostile = CALLBACK + "?state=theirs&redirect_uri=https://evil.example/&keep=1"
    response = client.get("/oauth/login", query_string=login_params(amazon_callback_uri=hostile))
    query = query_of(response.headers["Location"])
    assert query["state"] != "theirs"
    assert query["redirect_uri"] == "https://app.example.test/oauth/redirect"
    assert query["keep"] == "1"


def test_europe_and_vendor_hosts_set_region_and_account(app, client):
    europe = f"https://sellercentral-europe.amazon.com/apps/authorize/confirm/{APPLICATION_ID}"
    assert (
        client.get("/oauth/login", query_string=login_params(amazon_callback_uri=europe)).status_code == 302
    )
    vendor = f"https://vendorcentral.amazon.co.jp/apps/authorize/confirm/{APPLICATION_ID}"
    assert (
        client.get("/oauth/login", query_string=login_params(amazon_callback_uri=vendor)).status_code == 302
    )
    assert sorted((s.region, s.account_type) for s in states(app)) == [("EU", "seller"), ("FE", "vendor")]


HOST, PATH, USER = "must be https on an exact", "must have the path", "user information (@)"
CHARS = "contains spaces, control characters, backslashes or non-ASCII text"
# Each hostile value, and the reason it must be refused for (not merely refused).
HOSTILE_CALLBACKS = [
    (f"http://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}", HOST),
    ("https://evil.example/", HOST),
    ("https://sellercentral.amazon.com.evil.example/apps/authorize/confirm/x", HOST),
    (f"https://sellercentral.amazon.com.evil.example/apps/authorize/confirm/{APPLICATION_ID}", HOST),
    ("https://sellercentral.amazon.com@evil.example/", USER),
    (f"https://user@sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}", USER),
    ("//evil.example/", HOST),
    ("/\\evil.example", CHARS),
    ("https:/\\evil.example", CHARS),
    ("javascript:alert(1)", HOST),
    ("data:text/html,<script>alert(1)</script>", HOST),
    (
        f"https://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}\r\nLocation: https://evil.example",
        CHARS,
    ),
    (f"https://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}%0d%0aX: y\n", CHARS),
    (f"https://sellercentral.amazon.com\\@evil.example/apps/authorize/confirm/{APPLICATION_ID}", CHARS),
    ("https://sellercentral.amazon.com/somewhere/else", PATH),
    ("https://sellercentral.amazon.com/apps/authorize/confirm/amzn1.sp.solution.other-app-0000", PATH),
    (f"https://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}/../../evil", PATH),
    (f"https://sellercentral.amazon.com:8443/apps/authorize/confirm/{APPLICATION_ID}", HOST),
    (
        f"https://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}#frag",
        "must not contain a fragment",
    ),
    (f"https://sellercentral.amazon.com./apps/authorize/confirm/{APPLICATION_ID}", HOST),
    (f"https://sellercentrаl.amazon.com/apps/authorize/confirm/{APPLICATION_ID}", CHARS),  # Cyrillic a
    (f"https://sellercentral%2eamazon.com/apps/authorize/confirm/{APPLICATION_ID}", HOST),
    (f"https://amazon.com/apps/authorize/confirm/{APPLICATION_ID}", HOST),
    (f"ftp://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}", HOST),
    (" " + CALLBACK, CHARS),
    ("", "amazon_callback_uri is missing"),
    ("x" * 5000, "is longer than"),
    ("A://[", "is not a valid URL"),  # found by Hypothesis: urlsplit raises on an unclosed IPv6 bracket
    ("https://[::1", "is not a valid URL"),
]


@pytest.mark.parametrize(("uri", "reason"), HOSTILE_CALLBACKS)
def test_hostile_callback_refused_for_its_own_reason(app, client, uri, reason):
    response = client.get("/oauth/login", query_string=login_params(amazon_callback_uri=uri))
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert html.escape(reason, quote=False) in response.get_data(as_text=True)
    assert count(app, OAuthState) == 0


@pytest.mark.parametrize(
    "override",
    [
        {"amazon_state": None},
        {"amazon_state": ""},
        {"amazon_state": "a b"},
        {"amazon_state": "x" * 2000},
        {"selling_partner_id": None},
        {"selling_partner_id": "<script>"},
        {"version": "gamma"},
    ],
)
def test_missing_or_bad_companions_refused(app, client, override):
    response = client.get("/oauth/login", query_string=login_params(**override))
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert b"<script>" not in response.data
    assert count(app, OAuthState) == 0


ALLOWED_NETLOCS = None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.text(max_size=300),
        st.builds(lambda a, b: f"{a}sellercentral.amazon.com{b}", st.text(max_size=30), st.text(max_size=60)),
        st.builds(
            lambda s, h, p: f"{s}://{h}/{p}",
            st.sampled_from(["https", "http", "HTTPS", "javascript", ""]),
            st.text(max_size=40),
            st.text(max_size=60),
        ),
    )
)
def test_fuzzed_callbacks_never_leave_the_allow_list(app, client, uri):
    response = client.get("/oauth/login", query_string=login_params(amazon_callback_uri=uri))
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        location = urlsplit(response.headers["Location"])
        allowed = {t.netloc for t in app.extensions["spapi"].callback_allow_list.targets}
        assert location.scheme == "https" and location.netloc in allowed
