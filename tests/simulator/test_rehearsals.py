"""Each consent-page rehearsal does what its label says, in the URL, and is explained as such."""

import re
from html import unescape
from urllib.parse import urljoin

import pytest
import requests

from auth.simulator.rehearsals import BY_NAME

BACK_LINK = re.compile(r'<a[^>]*id="back-to-app"[^>]*href="([^"]+)"')
CONSENT_MISTAKES = [name for name, r in BY_NAME.items() if r.in_uri or r.not_in_uri]


def test_every_consent_mistake_rehearsal_says_what_the_url_carries():
    assert set(CONSENT_MISTAKES) == {"md1000-version", "md1000-client-id", "md5101", "md5110"}
    assert all(BY_NAME[name].explains for name in CONSENT_MISTAKES)


@pytest.mark.parametrize("name", CONSENT_MISTAKES)
def test_the_rehearsed_mistake_is_in_the_consent_uri_and_the_page_names_it(simulator, name):
    rehearsal = BY_NAME[name]
    browser = requests.Session()
    started = browser.get(
        f"{simulator.url}/authorize",
        params={"marketplace": "US", "rehearse": name},
        allow_redirects=False,
        timeout=10,
    )
    consent_uri = started.headers["Location"]
    for part in rehearsal.in_uri:
        assert part in consent_uri, (name, consent_uri)
    for part in rehearsal.not_in_uri:
        assert part not in consent_uri, (name, consent_uri)

    amazon_page = browser.get(consent_uri, timeout=10)
    assert amazon_page.status_code == 400
    back = unescape(BACK_LINK.search(amazon_page.text).group(1))
    ended = browser.get(urljoin(simulator.url, back), timeout=10)
    assert ended.url.startswith(simulator.url + "/oauth/complete")
    assert rehearsal.explains in unescape(ended.text), (name, ended.text[:3000])
