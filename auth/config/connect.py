"""The connect settings: where browsers may return (``SPAPI_RETURN_URLS``), the developer's
sign-in page for the Appstore workflow (``SPAPI_SIGNIN_URL``) and the seller-facing branding
(``SPAPI_APP_NAME``, ``SPAPI_SUPPORT_URL``)."""

from collections.abc import Mapping

from auth.config.checks import ConfigError
from auth.config.checks import check_url

DEFAULT_APP_NAME = "spapi-auth"
MAX_APP_NAME = 80
MAX_RETURN_URLS = 50


def read_connect(values: Mapping[str, str]) -> dict:
    """The connect fields of ``Settings``, checked.

    :raises ConfigError: naming the malformed setting.
    """
    return_urls = []
    for entry in str(values.get("SPAPI_RETURN_URLS") or "").split(","):
        if entry.strip():
            # check_url refuses queries, fragments, user info and plain http off loopback.
            return_urls.append(check_url("SPAPI_RETURN_URLS", entry.strip()))
    if len(return_urls) > MAX_RETURN_URLS:
        raise ConfigError("SPAPI_RETURN_URLS", f"at most {MAX_RETURN_URLS} entries")
    signin = str(values.get("SPAPI_SIGNIN_URL") or "").strip() or None
    support = str(values.get("SPAPI_SUPPORT_URL") or "").strip() or None
    name = " ".join(str(values.get("SPAPI_APP_NAME") or "").split()) or DEFAULT_APP_NAME
    if len(name) > MAX_APP_NAME or not name.isprintable():
        raise ConfigError("SPAPI_APP_NAME", f"must be 1 to {MAX_APP_NAME} printable characters")
    return {
        "return_urls": tuple(return_urls),
        "signin_url": check_url("SPAPI_SIGNIN_URL", signin) if signin else None,
        "app_name": name,
        "support_url": check_url("SPAPI_SUPPORT_URL", support) if support else None,
    }
