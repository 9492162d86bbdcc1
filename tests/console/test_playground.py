"""The playground and the rehearsals, clicked through in headless Chromium at 1280 and 390 px.

Screenshots of every page at both widths are saved under ``screenshots/`` (ignored by git)
for review.
"""

import re
from pathlib import Path

import pytest

from auth.simulator.rehearsals import REHEARSALS
from tests.conftest import ADMIN_PASSWORD
from tests.factories import stored_authorization
from tests.helpers import authorizations

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "screenshots"
TOKEN_SHAPE = re.compile(r"Atz(?:[ar]|\.sprdt)\|[A-Za-z0-9_-]{8}")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def login(page, server):
    page.goto(server.url + "/console/login")
    page.fill("#password", ADMIN_PASSWORD)
    page.click("#login")
    page.wait_for_url(server.url + "/console/")


def stored_seller(server, partner="A1PLAYGROUND01"):
    """A stored authorization of a simulated seller; returns its row ID."""
    server.app.test_client().get("/simulator/")
    refresh = server.app.extensions["spapi"].simulator.self_authorize(partner)
    return stored_authorization(server.app, partner, workflow="self", refresh_token=refresh)


def step_one(page, row_id, force=False):
    page.select_option("#authorization_id", str(row_id))
    if force:
        page.check("#force")
    page.click("#step-1-run")
    page.wait_for_selector("#step-1-result")


def send(page, operation=None, token="access", region="NA", **fields):
    if operation:
        page.select_option("#operation", operation)
    for name, value in fields.items():
        page.fill(f"#{name}", value)
    page.select_option("#token", token)
    page.select_option("#call-region", region)
    page.click("#step-3-run")
    page.wait_for_load_state()


def no_secrets(page):
    assert not TOKEN_SHAPE.search(page.content())


def test_each_step_alone_then_in_sequence_with_force_refresh(simulator, page):
    row_id = stored_seller(simulator)
    login(page, simulator)
    page.goto(simulator.url + "/console/self-test")
    # Step 3 alone, before any token: an inline answer, still inside the console.
    send(page, "getMarketplaceParticipations")
    assert "Get an access token (step 1) first" in page.inner_text("#call-error")
    assert page.locator(".console-nav a[aria-current=page]").inner_text() == "Playground"
    # Step 1, then again from the cache, then forced.
    step_one(page, row_id)
    assert "fetched from LWA" in page.inner_text("#token-source")
    first = page.inner_text(".countdown")
    page.wait_for_timeout(1100)
    assert page.inner_text(".countdown") != first  # the countdown is live
    step_one(page, row_id)
    assert "served from the cache" in page.inner_text("#token-source")
    step_one(page, row_id, force=True)
    assert "fetched from LWA (forced)" in page.inner_text("#token-source")
    # Step 3 with the kept token, as often as wanted.
    send(page, "getMarketplaceParticipations")
    summary = page.inner_text("#call-summary")
    assert summary.startswith("PASS") and "A1PLAYGROUND01" in summary and "HTTP 200" in summary
    assert "sellingpartnerapi-na.amazon.com" in summary and "rate 0.016" in summary
    send(page, "getAccount")
    assert page.inner_text("#call-status") == "200"
    no_secrets(page)


def test_an_rdt_is_obtained_and_opens_a_restricted_call(simulator, page):
    row_id = stored_seller(simulator, "A1PLAYGROUNDRDT")
    login(page, simulator)
    page.goto(simulator.url + "/console/self-test")
    step_one(page, row_id)
    send(page, "getOrderBuyerInfo")
    assert page.inner_text("#call-summary").startswith("FAIL")
    assert "rdt-required" in page.inner_text("#step-3-result") or "Restricted Data Token" in page.inner_text(
        "#step-3-result"
    )
    page.fill("#rdt_path", "/orders/v0/orders/{orderId}/buyerInfo")
    page.click("#step-2-run")
    page.wait_for_selector("#step-2-result")
    assert "GET /orders/v0/orders/{orderId}/buyerInfo" in page.inner_text("#step-2-result")
    send(page, "getOrderBuyerInfo", token="rdt")
    assert page.inner_text("#call-summary").startswith("PASS")
    no_secrets(page)


def test_a_custom_request_inline_errors_and_a_region_mismatch(simulator, page):
    row_id = stored_seller(simulator, "A1PLAYGROUNDCUS")
    login(page, simulator)
    page.goto(simulator.url + "/console/self-test")
    step_one(page, row_id)
    send(page, "custom", path="/sellers/v1/account{x}")
    assert "placeholders" in page.inner_text("#path-error")
    send(page, "custom", path="/sellers/v1/account", query="", headers="x-custom-trace: 42")
    assert page.inner_text("#call-summary").startswith("PASS")
    assert "x-custom-trace: 42" in page.inner_text("#call-exchange-request")
    send(page, "getMarketplaceParticipations", region="EU")
    assert "authorization in NA" in page.inner_text("#region-mismatch")


def test_every_rehearsal_ends_on_its_explained_failure_page(simulator, page):
    for rehearsal in REHEARSALS:
        page.context.clear_cookies()
        page.goto(simulator.url + "/simulator/")
        page.click(f"[data-rehearsal='{rehearsal.name}']")
        page.wait_for_url(re.compile(r"/apps/authorize/consent"))
        if page.locator("#back-to-app").count():
            page.click("#back-to-app")
        elif rehearsal.name == "cancel":
            page.click("#cancel")
        else:
            page.click("#confirm")
            page.wait_for_load_state()
            if page.locator("#back-to-app").count():
                page.click("#back-to-app")
        page.wait_for_url(re.compile(r"/oauth/"))
        assert page.url.startswith(simulator.url + "/oauth/"), (rehearsal.name, page.url)
        outcome = page.locator("[data-outcome]").get_attribute("data-outcome")
        assert outcome == rehearsal.ends_with, rehearsal.name
        assert page.locator("a[href^='/explain/']").count() >= 1, rehearsal.name
        assert rehearsal.explains in page.inner_text("body"), rehearsal.name
    assert authorizations(simulator.app) == []


def test_copy_puts_the_uri_on_the_clipboard_and_open_in_simulator_works(simulator, chromium):
    context = chromium.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    login(page, simulator)
    page.goto(simulator.url + "/console/auth-url?marketplace=DE")
    uri = page.inner_text("#uri").strip()
    page.click("#copy")
    page.wait_for_function("document.getElementById('copy').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == uri
    page.click("#open-in-simulator")
    page.wait_for_url(re.compile(r"/simulator/sellercentral-europe\.amazon\.com/apps/authorize/consent"))
    page.click("#confirm")
    page.wait_for_url(simulator.url + "/oauth/complete")
    context.close()


PUBLIC_PAGES = ["/", "/explain", "/explain/MD1000", "/simulator/", "/oauth/redirect?state=x&error=MD5101"]
CONSOLE_PAGES = [
    "/console/",
    "/console/auth-url",
    "/console/authorizations",
    "/console/invitations",
    "/console/audit",
    "/console/self-test",
    "/console/grantless",
    "/console/legacy",
]


def test_no_page_scrolls_sideways_and_screenshots_at_both_widths(simulator, chromium):
    row_id = stored_seller(simulator, "A1PLAYGROUNDWIDTH")
    SCREENSHOTS.mkdir(exist_ok=True)
    for viewport in (DESKTOP, PHONE):
        context = chromium.new_context(viewport=viewport)
        page = context.new_page()
        for path in PUBLIC_PAGES:
            check_width(page, simulator.url + path, viewport)
        login(page, simulator)
        page.goto(simulator.url + "/console/self-test")
        step_one(page, row_id)
        send(page, "getMarketplaceParticipations")
        for path in CONSOLE_PAGES:
            check_width(page, simulator.url + path, viewport)
        context.close()
    assert len(list(SCREENSHOTS.glob("*-390.png"))) >= len(PUBLIC_PAGES) + len(CONSOLE_PAGES)


def check_width(page, url, viewport):
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], (url, width)
    name = re.sub(r"[^a-z0-9]+", "-", url.split("://", 1)[1].split("/", 1)[1].lower()).strip("-") or "home"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport['width']}.png"), full_page=True)


def test_the_playground_starts_from_a_stored_authorization_and_shows_the_exact_request(simulator, page):
    row_id = stored_seller(simulator, "A1PLAYGROUNDQRY")
    login(page, simulator)
    page.goto(simulator.url + "/console/self-test")
    # Authorizations are stored: step 1 starts from the newest, not from "paste a token".
    assert page.eval_on_selector("#authorization_id", "e => e.value") == str(row_id)
    assert "Production" in page.inner_text("#environment-note")
    assert "getOrders, getOrder, getOrderItems" in page.inner_text("[data-element-operations=buyerInfo]")
    page.click("#step-1-run")
    page.wait_for_selector("#step-1-result")
    page.select_option("#environment", "sandbox")
    send(page, "custom", path="/sellers/v1/marketplaceParticipations", query="probe=1\nother=two words")
    request_block = page.inner_text("#call-exchange-request")
    assert "/sellers/v1/marketplaceParticipations?probe=1&other=two" in request_block
    curl = page.inner_text("#call-exchange-curl")
    assert curl.startswith("curl -X GET") and "probe=1" in curl and "x-amz-access-token: [sha256:" in curl
    # The chosen endpoint is said, and remembered by the other steps' forms.
    assert "Sandbox" in page.inner_text("#environment-note") and "remembered" in page.inner_text(
        "#environment-note"
    )
    assert page.is_checked("#rdt-form input[name=environment][value=sandbox]")
    page.goto(simulator.url + "/console/self-test")
    assert page.eval_on_selector("#environment", "e => e.value") == "sandbox"
    no_secrets(page)
