"""The return_url allow-list as a function: same origin exactly, a path at or under the entry's
as whole segments, https except loopback; and the return adds only the session and status."""

import pytest

from auth.connect.return_urls import ReturnUrlRefused
from auth.connect.return_urls import check_return_url
from auth.connect.return_urls import with_outcome

ALLOWED = ("https://shop.example/app", "https://shop.example:8443/", "http://localhost:3000/cb")


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/app",
        "https://shop.example/app/",
        "https://shop.example/app/connected?x=1",
        "https://SHOP.example:443/app/a",
        "https://shop.example:8443/anything",
        "http://localhost:3000/cb/ok",
    ],
)
def test_allowed(url):
    assert check_return_url(ALLOWED, url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/apple",
        "https://shop.example/",
        "https://shop.example.evil/app",
        "https://evil.example/shop.example/app",
        "https://shop.example:444/app",
        "http://shop.example/app",
        "https://shop.example/app/../admin",
        "https://shop.example/app/./x",
        "https://shop.example/app/%2E%2E/admin",
        "https://shop.example/app%2fevil",
        "https://a@shop.example/app",
        "https://shop.example/app#x",
        "https://shop.example/app/\tx",
        "ftp://shop.example/app",
        "http://localhost:3001/cb",
        "",
        None,
        12,
    ],
)
def test_refused(url):
    with pytest.raises(ReturnUrlRefused):
        check_return_url(ALLOWED, url)


def test_nothing_is_allowed_without_the_setting():
    with pytest.raises(ReturnUrlRefused, match="SPAPI_RETURN_URLS"):
        check_return_url((), "https://shop.example/app")


def test_the_return_replaces_forged_parameters_and_keeps_the_rest():
    url = with_outcome(
        "https://shop.example/app?tab=1&status=stored&connect_session=cs_evil", "cs_1", "failed"
    )
    assert url == "https://shop.example/app?tab=1&connect_session=cs_1&status=failed"
