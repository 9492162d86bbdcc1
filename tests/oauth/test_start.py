"""The start page and /authorize (website workflow) for every marketplace."""

from urllib.parse import urlsplit

import pytest

from app import create_app
from auth.config.marketplaces import catalog
from auth.oauth.state import digest
from auth.oauth.tables import OAuthState
from tests.conftest import APPLICATION_ID
from tests.conftest import base_config
from tests.helpers import count
from tests.helpers import query_of
from tests.helpers import states

MARKETPLACES = [m.country_code for m in catalog().marketplaces]


def test_start_page_lists_every_marketplace(client):
    page = client.get("/").get_data(as_text=True)
    for marketplace in catalog().marketplaces:
        assert f'value="{marketplace.country_code}"' in page
    assert 'action="/authorize"' in page


@pytest.mark.parametrize("code", MARKETPLACES)
@pytest.mark.parametrize("account", ["seller", "vendor"])
def test_consent_host_for_every_marketplace(app, client, code, account):
    marketplace = catalog().find(code)
    expected = marketplace.central_url(account)
    response = client.get(f"/authorize?marketplace={code}&account={account}")
    if expected is None:
        assert response.status_code == 400
        assert b"Vendor Central" in response.data
        assert count(app, OAuthState) == 0
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == expected
    assert parts.path == "/apps/authorize/consent"
    query = query_of(location)
    assert set(query) == {"application_id", "state", "version"}
    assert query["application_id"] == APPLICATION_ID and query["version"] == "beta"
    [row] = states(app)
    assert row.state_hash == digest(query["state"])
    assert (row.flow, row.account_type, row.region, row.marketplace_id) == (
        "website",
        account,
        marketplace.region.code,
        marketplace.marketplace_id,
    )


def test_published_app_has_no_version_beta(tmp_path, lwa_url):
    app = create_app(base_config(tmp_path, SPAPI_APP_STATUS="published", LWA_TOKEN_URL=lwa_url))
    response = app.test_client().get("/authorize?marketplace=JP")
    assert set(query_of(response.headers["Location"])) == {"application_id", "state"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("marketplace=GB", "https://sellercentral-europe.amazon.com"),
        ("marketplace=A1PA6795UKMFR9&account=vendor", "https://vendorcentral.amazon.de"),
        ("marketplace=us&account=SELLER", "https://sellercentral.amazon.com"),
    ],
)
def test_aliases_ids_and_case(client, query, expected):
    location = client.get(f"/authorize?{query}").headers["Location"]
    assert location.startswith(expected + "/apps/authorize/consent?")


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("", b"Unknown marketplace"),
        ("marketplace=XX", b"US, MX"),
        ("marketplace=" + "A" * 5000, b"Unknown marketplace"),
        ("marketplace=US&account=buyer", b"seller, vendor"),
        ("marketplace=%00%ff", b"Unknown marketplace"),
    ],
)
def test_bad_input_lists_valid_values(app, client, query, words):
    response = client.get(f"/authorize?{query}")
    assert response.status_code == 400
    assert words in response.data
    assert "Location" not in response.headers
    assert count(app, OAuthState) == 0


def test_each_authorize_issues_a_fresh_state_bound_to_the_browser(app, client):
    first = query_of(client.get("/authorize?marketplace=US").headers["Location"])["state"]
    second = query_of(client.get("/authorize?marketplace=US").headers["Location"])["state"]
    assert first != second
    rows = states(app)
    assert len({r.browser_hash for r in rows}) == 1
    other = app.test_client()
    other.get("/authorize?marketplace=US")
    assert len({r.browser_hash for r in states(app)}) == 2
