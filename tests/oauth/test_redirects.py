"""The Login URI's guard and the redirect it builds: exact reasons, the length boundary, other
parameters kept (blank ones too), ours replaced, scheme and host lower-cased."""

from urllib.parse import urlsplit

import pytest

from auth.oauth.redirects import MAX_URI_LENGTH
from auth.oauth.redirects import CallbackAllowList
from auth.oauth.redirects import RedirectRejected
from auth.oauth.redirects import build_confirm_redirect
from tests.conftest import APPLICATION_ID


@pytest.fixture
def allow_list(app):
    return app.extensions["spapi"].callback_allow_list


CONFIRM = f"https://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "amazon_callback_uri is missing"),
        ("", "amazon_callback_uri is missing"),
        (
            "https://x/" + "a" * MAX_URI_LENGTH,
            f"amazon_callback_uri is longer than {MAX_URI_LENGTH} characters",
        ),
        (
            CONFIRM + " x",
            "amazon_callback_uri contains spaces, control characters, backslashes or non-ASCII text",
        ),
        (CONFIRM + "#f", "amazon_callback_uri must not contain a fragment"),
        ("https://[::1", "amazon_callback_uri is not a valid URL"),
        ("https://a@sellercentral.amazon.com/", "amazon_callback_uri must not contain user information (@)"),
        (
            "https://evil.example/",
            "amazon_callback_uri must be https on an exact Seller Central or Vendor Central host",
        ),
        (
            "https://sellercentral.amazon.com/x",
            f"amazon_callback_uri must have the path /apps/authorize/confirm/{APPLICATION_ID}",
        ),
    ],
)
def test_each_refusal_says_exactly_why(allow_list, value, reason):
    with pytest.raises(RedirectRejected) as refused:
        allow_list.check(value)
    assert str(refused.value) == reason


def test_the_length_limit_is_inclusive(allow_list):
    padding = "?p=" + "a" * (MAX_URI_LENGTH - len(CONFIRM) - 3)
    at_limit = CONFIRM + padding
    assert len(at_limit) == MAX_URI_LENGTH
    parts, target = allow_list.check(at_limit)
    assert target.central_host == "sellercentral.amazon.com"
    with pytest.raises(RedirectRejected):
        allow_list.check(at_limit + "a")


def test_the_rebuilt_redirect_keeps_other_parameters_and_replaces_ours(allow_list):
    parts, _target = allow_list.check(
        CONFIRM.replace("https://sellercentral", "HTTPS://SellerCentral")
        + "?keep=1&blank=&state=old&version=x"
    )
    location = build_confirm_redirect(parts, {"state": "new", "redirect_uri": "https://app/r"})
    split = urlsplit(location)
    assert location.startswith("https://sellercentral.amazon.com/apps/authorize/confirm/")
    assert (split.scheme, split.netloc, split.fragment) == ("https", "sellercentral.amazon.com", "")
    assert split.query == "keep=1&blank=&state=new&redirect_uri=https%3A%2F%2Fapp%2Fr"
    assert not location.endswith("#")


def test_the_allow_list_matches_nothing_but_its_targets(app):
    allow_list = CallbackAllowList([], APPLICATION_ID)
    with pytest.raises(RedirectRejected):
        allow_list.check(CONFIRM)
