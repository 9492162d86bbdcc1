"""What we sent, with what came back: when Amazon sends the partner back with a consent-page
code, the developer's section compares it with the consent URI this app built for that state."""

import html

from app import create_app
from tests.conftest import base_config
from tests.helpers import start_website_flow


def came_back(client, **params) -> str:
    """Start a website flow, come back to the Redirect URI with ``params``, return the page."""
    state = start_website_flow(client)
    response = client.get("/oauth/redirect", query_string={"state": state, **params}, follow_redirects=True)
    assert response.status_code == 400
    return html.unescape(response.data.decode())


def test_md1000_after_version_beta_for_a_draft_app_is_not_the_missing_beta(client):
    page = came_back(client, error="MD1000")
    assert "carried application_id amzn1.sp.solution." in page
    assert "version=beta, marketplace ATVPDKIKX0DER" in page
    assert "so MD1000 here is not the missing beta flag" in page
    assert "set SPAPI_APP_STATUS=draft" not in page


def test_md1000_without_version_beta_names_the_published_setting(tmp_path):
    app = create_app(base_config(tmp_path, SPAPI_APP_STATUS="published"))
    try:
        page = came_back(app.test_client(), error="MD1000")
    finally:
        app.extensions["spapi"].engine.dispose()
    assert "no version parameter" in page
    assert "set SPAPI_APP_STATUS=draft, or publish the app" in page
    assert "not the missing beta flag" not in page


def test_the_comparison_never_carries_the_state(client):
    state = start_website_flow(client)
    query = {"state": state, "error": "MD9000"}
    page = client.get("/oauth/redirect", query_string=query, follow_redirects=True)
    assert b"The consent URI this app sent for this state carried" in page.data
    assert state.encode() not in page.data


def test_a_state_issued_before_the_upgrade_reads_as_nothing_sent():
    from auth.explainer.redirect_findings import RedirectSignals
    from auth.explainer.sent_findings import sent_findings

    signals = RedirectSignals(codes=("MD1000",)).with_sent(None)
    assert sent_findings(signals) == []
    assert RedirectSignals(codes=("MD1000",)).with_sent("{not json") == RedirectSignals(codes=("MD1000",))
