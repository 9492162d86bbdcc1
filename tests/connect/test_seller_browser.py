"""The seller's side in Chromium at a phone's width (390 px), branded: the connect page, Amazon
(simulated), the return to the developer's product; a used link's page offers support."""

import re

import pytest


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert problems == []


def fits(page) -> bool:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_seller_connects_from_a_phone_and_lands_back_on_the_product(spapi, developer, phone):
    created = developer.create_session(
        customer_ref="cust-phone", marketplace="DE", return_url=f"{developer.url}/app/connected"
    )
    phone.goto(created["url"])
    assert phone.title().endswith("· Acme Repricer")
    assert phone.inner_text("header .brand") == "Acme Repricer"
    assert "spapi-auth" not in phone.content()
    assert "Authorize Acme Repricer" in phone.inner_text("main") and fits(phone)
    phone.click("#authorize")
    phone.wait_for_url(re.compile(r"/simulator/sellercentral-europe\.amazon\.com/apps/authorize/consent"))
    phone.fill("#selling_partner_id", "A1PHONE0000001")
    phone.click("#confirm")
    phone.wait_for_url(re.compile(re.escape(developer.url) + r"/app/connected\?"))
    assert phone.inner_text("body") == "Back at the developer app: stored"
    assert developer.returns[-1]["session"]["selling_partner_id"] == "A1PHONE0000001"

    phone.goto(created["url"])  # used: the explained page, branded, with the support link
    assert "already used" in phone.inner_text("h1") and fits(phone)
    assert phone.get_attribute("#contact-support", "href") == "https://support.acme.example/help"
    assert "spapi-auth" not in phone.content()
