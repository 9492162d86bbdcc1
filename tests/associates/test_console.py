"""/console/associates: store a credential (its secret never shown again), run the check and
see each step; every rehearsal through the console; Chromium at 1280 and 390 px."""

import re

import pytest

from auth.simulator import associates as sim
from tests.associates.test_cli import REHEARSALS
from tests.conftest import ADMIN_PASSWORD
from tests.conftest import live_login
from tests.conftest import live_simulator
from tests.conftest import post_form
from tests.helpers import element_text
from tests.live import text_of


def add_form(server, name, **change):
    account = sim.BY_NAME[name]
    key_id, secret = sim.credentials(server.app.extensions["spapi"].settings.secret_key, account)
    form = {
        "label": name,
        "api": account.api,
        "version": account.paste_version or account.version or "3.1",
        "key_id": key_id,
        "secret": secret,
        "partner_tag": sim.TAG,
        "marketplace": "US",
    }
    return {**form, **change}, key_id, secret


def add_in_console(browser, server, name) -> int:
    form, _, _ = add_form(server, name)
    answer = post_form(browser, f"{server.url}/console/associates", **form)
    assert answer.status_code == 200, text_of(answer.text)[:500]
    return int(re.findall(r'data-credential="(\d+)"', answer.text)[-1])


@pytest.mark.parametrize("name", sorted(REHEARSALS))
def test_each_rehearsal_through_the_console(associates_server, name):
    result_, step, code, _, entry = REHEARSALS[name]
    browser = live_login(associates_server)
    credential = add_in_console(browser, associates_server, name)
    _, key_id, secret = add_form(associates_server, name)
    page = post_form(
        browser,
        f"{associates_server.url}/console/associates/{credential}/check",
        f"{associates_server.url}/console/associates",
    )
    assert page.status_code == 200
    summary = element_text(page.text, "associates-summary")
    assert summary.startswith(result_)
    if step:
        assert f"FAIL at the {step} step: {code}" in summary
        assert f'href="/explain/{entry}"' in page.text
        assert re.search(rf'id="associates-step-{step}" data-status="fail"', page.text)
    assert secret not in page.text and key_id not in page.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"label": ""}, "label"),
        ({"marketplace": "XX"}, "marketplace"),
        ({"api": "paapi4"}, "api"),
        ({"version": "9.9"}, "version"),
        ({"partner_tag": "<b>-20"}, "partner-tag"),
        ({"secret": "x"}, "credential-secret"),
    ],
)
def test_malformed_fields_are_named_and_the_secret_is_not_echoed(associates_server, change, field):
    browser = live_login(associates_server)
    form, _, secret = add_form(associates_server, "creators-ok", **change)
    answer = post_form(browser, f"{associates_server.url}/console/associates", **form)
    assert answer.status_code == 400
    assert f"Cannot store the credential: {field}:" in text_of(answer.text)
    assert secret not in answer.text and form["key_id"] not in answer.text  # neither is echoed


def test_unknown_credential_and_bad_asin(associates_server):
    browser = live_login(associates_server)
    credential = add_in_console(browser, associates_server, "creators-ok")
    base = f"{associates_server.url}/console/associates"
    assert post_form(browser, f"{base}/999/check", base).status_code == 404
    bad = post_form(browser, f"{base}/{credential}/check", base, asin="nope")
    assert bad.status_code == 400 and "ASIN" in text_of(bad.text)
    assert post_form(browser, f"{base}/{credential}/check", base).status_code == 200
    last = browser.get(f"{base}?show={credential}", timeout=10).text
    assert "PASS: every step worked." in text_of(last)  # the last result stays on the page


def test_the_explainer_says_not_eligible_is_not_a_credential_error(associates_server):
    import requests

    page = requests.get(f"{associates_server.url}/explain/creators-AssociateNotEligible", timeout=10)
    assert page.status_code == 200 and "not a credential error" in page.text


def test_the_console_needs_the_administrator(associates_server):
    import requests

    answer = requests.get(f"{associates_server.url}/console/associates", allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303) and "/console/login" in answer.headers["Location"]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_check_in_chromium(tmp_path, page, width):
    with live_simulator(tmp_path) as server:  # the default 10-second cool-down
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(server.url + "/console/login")
        page.fill("#password", ADMIN_PASSWORD)
        page.click("#login")
        page.wait_for_url(server.url + "/console/")
        page.click("text=Associates")
        form, key_id, secret = add_form(server, "InvalidPartnerTag")
        page.select_option("#api", "creators")
        page.select_option("#version", "3.1")
        for name in ("label", "key_id", "secret", "partner_tag"):
            page.fill(f"#{name}", form[name])
        page.click("#add")
        page.wait_for_selector("tr[data-credential]")
        assert "sealed and will not be shown again" in page.inner_text(".flash")
        page.click("tr[data-credential] .check-button")
        page.wait_for_selector("#associates-summary")
        assert page.inner_text("#associates-summary").startswith("FAIL at the call step: InvalidPartnerTag")
        assert page.get_attribute("#associates-step-call", "data-status") == "fail"
        assert page.get_attribute("#associates-step-token", "data-status") == "pass"
        page.click("tr[data-credential] .check-button")  # pressed again at once
        page.wait_for_selector("#associates-wait")
        assert re.search(r"Wait \d+ s\.", page.inner_text("#associates-wait"))
        assert page.inner_text("#associates-summary").startswith("FAIL")  # the last result stays
        content = page.content()
        assert secret not in content and key_id not in content
        # Nothing wider than the screen: the phone layout scrolls vertically only.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.click("#associates-explain")
        page.wait_for_load_state()
        assert "InvalidPartnerTag" in page.inner_text("body")
