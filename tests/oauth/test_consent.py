"""The consent URI builder."""

from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest

from auth.oauth.consent import build_consent_uri

APP = "amzn1.sellerapps.app.0bf296b5-36a6-4942-a13e-EXAMPLEfcd28"


def test_official_draft_example_shape():
    uri = build_consent_uri("https://sellercentral.amazon.com", APP, "stateexample", draft=True)
    assert uri == (
        "https://sellercentral.amazon.com/apps/authorize/consent?"
        f"application_id={APP}&state=stateexample&version=beta"
    )


def test_published_has_no_version_and_vendor_host_kept():
    uri = build_consent_uri("https://vendorcentral.amazon.de/", APP, "s", draft=False)
    parts = urlsplit(uri)
    assert parts.netloc == "vendorcentral.amazon.de" and parts.path == "/apps/authorize/consent"
    assert dict(parse_qsl(parts.query)) == {"application_id": APP, "state": "s"}


@pytest.mark.parametrize("draft", [True, False])
def test_redirect_uri_is_encoded(draft):
    uri = build_consent_uri(
        "https://sellercentral.amazon.com",
        APP,
        "s&x=1",
        draft=draft,
        redirect_uri="https://app.example/oauth/redirect?a=b",
    )
    query = dict(parse_qsl(urlsplit(uri).query))
    assert query["state"] == "s&x=1"
    assert query["redirect_uri"] == "https://app.example/oauth/redirect?a=b"
    assert ("version" in query) is draft
