"""Building the OAuth authorization (consent) URI on Seller Central or Vendor Central."""

import json
from urllib.parse import urlencode

CONSENT_PATH = "/apps/authorize/consent"


def build_consent_uri(
    central_url: str,
    application_id: str,
    state: str,
    *,
    draft: bool,
    redirect_uri: str | None = None,
) -> str:
    """Return the consent URI a selling partner opens to authorize ``application_id``.

    ``central_url`` is the partner's Seller Central or Vendor Central base URL. Draft apps
    need ``version=beta`` (without it Amazon shows MD1000); published apps must not send it.
    ``redirect_uri`` is optional: Amazon then uses the first registered Redirect URI.
    """
    params = {"application_id": application_id, "state": state}
    if redirect_uri:
        params["redirect_uri"] = redirect_uri
    if draft:
        params["version"] = "beta"
    return f"{central_url.rstrip('/')}{CONSENT_PATH}?{urlencode(params)}"


def sent_record(
    application_id: str, *, draft: bool, redirect_uri: str | None = None, marketplace_id: str | None = None
) -> str:
    """What ``build_consent_uri`` puts in the URI besides the state, as JSON for the state row."""
    return json.dumps(
        {
            "application_id": application_id,
            "version": "beta" if draft else None,
            "redirect_uri": redirect_uri,
            "marketplace_id": marketplace_id,
        }
    )
