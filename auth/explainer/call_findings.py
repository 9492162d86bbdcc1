"""Findings for calls to the app and to Amazon: the Login URI and Redirect URI calls, and
SP-API requests."""

from urllib.parse import urlsplit

from auth.config.marketplaces import catalog as marketplaces
from auth.explainer.findings import Finding
from auth.explainer.redirect_findings import read_redirect
from auth.explainer.redirect_findings import redirect_signal_findings

MARKETPLACE_PARAMS = ("marketplaceids", "marketplaceid", "marketplace_id", "marketplace")


def login_call_findings(query, context) -> list:
    found = [
        Finding(
            "info",
            "A Login URI call (Appstore workflow, step 3): Amazon's amazon_callback_uri, "
            "amazon_state and selling_partner_id.",
        )
    ]
    for required in ("amazon_state", "selling_partner_id"):
        if not query.get(required):
            found.append(Finding("error", f"{required} is missing from the Login URI call."))
    try:
        callback = urlsplit(query["amazon_callback_uri"])
        callback_ok = (
            callback.scheme == "https"
            and marketplaces().central_for_host((callback.hostname or "").lower()) is not None
        )
    except ValueError:  # an unclosed IPv6 bracket and similar
        callback_ok = False
    if not callback_ok:
        found.append(
            Finding(
                "error",
                "amazon_callback_uri is not https on a Seller Central or Vendor Central host; "
                "the Login URI will refuse to send the browser there.",
            )
        )
    if context.draft is True and query.get("version") != "beta":
        found.append(
            Finding(
                "warning",
                "Amazon sent no version=beta, so it considers the app published, but "
                "SPAPI_APP_STATUS says draft.",
                "MD1000",
            )
        )
    if context.draft is False and query.get("version") == "beta":
        found.append(
            Finding(
                "warning",
                "Amazon sent version=beta, so the app is a draft there, but SPAPI_APP_STATUS says published.",
                "MD1000",
            )
        )
    if "spapi_oauth_code" not in query:
        found.append(
            Finding(
                "info",
                "No spapi_oauth_code here, as expected: the code comes later, on the Redirect "
                "URI. If this arrived at your Redirect URI, the Login URI and Redirect URI are swapped "
                "in the app registration.",
            )
        )
    return found


def redirect_call_findings(query) -> list:
    if query.get("spapi_oauth_code"):
        found = [
            Finding(
                "info",
                "A Redirect URI call: exchange spapi_oauth_code with LWA within 5 minutes, once.",
                "invalid_grant-code",
            )
        ]
        if not query.get("state"):
            found.append(
                Finding(
                    "error",
                    "state is missing: the callback cannot be tied to the browser that "
                    "started it and must be refused.",
                )
            )
        if not query.get("selling_partner_id"):
            found.append(Finding("warning", "selling_partner_id is missing from the Redirect URI call."))
        if query.get("mws_auth_token"):
            found.append(
                Finding(
                    "info", "mws_auth_token is present: only hybrid (MWS) apps need it; SP-API ignores it."
                )
            )
        return found
    return redirect_signal_findings(read_redirect(query))


def spapi_call_findings(host, query) -> list:
    region = marketplaces().region_for_endpoint_host(host)
    if region is None:
        return [
            Finding(
                "error", f"{host} is not an SP-API endpoint; use sellingpartnerapi-na, -eu or -fe.amazon.com."
            )
        ]
    found = []
    if host.startswith("sandbox."):
        found.append(
            Finding(
                "info",
                "A sandbox endpoint: requests must match the model's sandbox examples, or it answers 500.",
                "sandbox-500",
            )
        )
    found.extend(marketplace_region_findings(region.code, query))
    return found


def marketplace_region_findings(region_code, query) -> list:
    if region_code is None:
        return []
    found = []
    for name in MARKETPLACE_PARAMS:
        for value in query.get(name, "").split(","):
            marketplace = marketplaces().find(value) if value.strip() else None
            if marketplace and marketplace.region.code != region_code:
                found.append(
                    Finding(
                        "error",
                        f"{marketplace.name} ({marketplace.marketplace_id}) is in the "
                        f"{marketplace.region.code} region, but this URL is for {region_code}: tokens and "
                        "endpoints are regional, so Amazon refuses (403 Unauthorized).",
                        "Unauthorized",
                    )
                )
    return found
