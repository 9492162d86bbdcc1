"""The clicks of sellers and developers through the app, in headless Chromium."""

import re

import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.conftest import CLIENT_ID
from tests.helpers import authorizations

pytestmark = pytest.mark.browser


def test_authorize_from_start_page_to_success(simulator, page):
    page.goto(simulator.url + "/")
    page.select_option("#marketplace", "UK")
    page.check("input[name=account][value=seller]")
    page.click("#authorize")
    page.wait_for_url(re.compile(r"/simulator/sellercentral-europe\.amazon\.com/apps/authorize/consent"))
    assert page.locator("h2").first.inner_text().startswith("Authorize application")
    page.fill("#selling_partner_id", "A1BROWSERUK001")
    page.click("#confirm")
    page.wait_for_url(simulator.url + "/oauth/complete")
    assert "You're connected" in page.inner_text("h1")
    assert "A1BROWSERUK001" in page.inner_text("#authorized")
    [row] = authorizations(simulator.app)
    assert (row.selling_partner_id, row.region) == ("A1BROWSERUK001", "EU")
    assert "Atzr|" not in page.content()


def test_cancel_on_amazon_comes_back_explained(simulator, page):
    page.goto(simulator.url + "/")
    page.select_option("#marketplace", "JP")
    page.click("#authorize")
    page.click("#cancel")
    page.wait_for_url(re.compile(r"/oauth/complete$"))
    assert page.inner_text("h1") == "Authorization cancelled"
    page.reload()  # a clean URL: reloading repeats the answer, never "already completed"
    assert page.inner_text("h1") == "Authorization cancelled"
    assert page.get_by_role("link", name="What this means, in detail").count() == 1
    assert authorizations(simulator.app) == []


def test_pages_cannot_be_framed(simulator, chromium):
    context = chromium.new_context()
    framing = context.new_page()
    messages = []
    framing.on("console", lambda m: messages.append(m.text))
    framing.set_content(f'<iframe id="f" src="{simulator.url}/"></iframe>')
    framing.wait_for_timeout(500)
    assert framing.frame_locator("#f").locator("#authorize").count() == 0
    assert any("frame-ancestors" in m for m in messages)
    context.close()


def test_explain_page_search_paste_and_follow(simulator, page):
    page.goto(simulator.url + "/explain")
    page.fill("#q", "md5110")
    page.click("#search")
    assert "Redirect URI contains a fragment" in page.inner_text("#results")
    consent = f"https://sellercentral.amazon.com/apps/authorize/consent?application_id={CLIENT_ID}&state=s"
    page.fill("#text", consent)
    page.click("#paste")
    findings = page.inner_text("#results .findings")
    assert "LWA client ID" in findings
    page.click("#results .findings a[href='/explain/MD1000']")
    page.wait_for_url(simulator.url + "/explain/MD1000")
    assert page.inner_text("h1").startswith("MD1000")


def _console_login(tab, server):
    tab.goto(server.url + "/console/login")
    tab.fill("#password", ADMIN_PASSWORD)
    tab.click("#login")
    tab.wait_for_url(server.url + "/console/")


def test_self_authorization_test_clicked_through(simulator, page):
    page.goto(simulator.url + "/simulator/self-authorize")
    page.fill("#selling_partner_id", "A1BROWSERSELF1")
    page.click("#self-authorize")
    refresh_token = page.inner_text("#refresh-token").strip()
    assert refresh_token.startswith("Atzr|")
    _console_login(page, simulator)
    page.goto(simulator.url + "/console/self-test")
    page.fill("#refresh_token", refresh_token)
    page.select_option("#region", "NA")
    page.click("#step-1-run")
    page.wait_for_selector("#step-1-result")
    assert "fetched from LWA" in page.inner_text("#step-1")
    page.click("#step-3-run")
    page.wait_for_selector("#step-3-result")
    assert page.inner_text("#call-status") == "200"
    first = page.inner_text(".countdown")
    page.wait_for_timeout(1200)
    assert page.inner_text(".countdown") != first and "min" in first  # the countdown is live
    html = page.content()
    assert refresh_token not in html and not re.search(r"Atz[ar]\|[A-Za-z0-9_-]{8}", html)


def test_grantless_token_clicked_through(simulator, page):
    _console_login(page, simulator)
    page.goto(simulator.url + "/console/grantless")
    page.check("input[value='sellingpartnerapi::notifications']")
    page.click("#get-token")
    page.wait_for_selector("#grantless-result")
    assert "grant_type=client_credentials" in page.inner_text("#grantless-result")
    assert not re.search(r"Atz[ar]\|[A-Za-z0-9_-]{8}", page.content())
