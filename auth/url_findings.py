"""Findings for a URL: a consent URI, a Login URI or Redirect URI call, an
``amazon_callback_uri``, an LWA token URL, or an SP-API call."""

from urllib.parse import parse_qs
from urllib.parse import urlsplit

from auth.marketplaces import catalog as marketplaces
from auth.settings import APPLICATION_ID_RE
from auth.settings import LWA_CLIENT_ID_RE

MARKETPLACE_PARAMS = ("marketplaceids", "marketplaceid", "marketplace_id", "marketplace")
GENERIC_LWA_PARAMS = ("client_id", "response_type", "scope")


def url_findings(url: str, context) -> list:
    """Return the findings for one URL, judged against the developer's ``context``."""
    from auth.diagnose import Finding

    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:  # an unclosed IPv6 bracket and similar
        return [Finding("error", "This is not a valid URL (its host part cannot be parsed).")]
    query = {k.lower(): v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    path = parts.path
    found: list[Finding] = []
    central = marketplaces().central_for_host(host)

    if path.endswith("/apps/authorize/consent"):
        found.extend(_consent_findings(query, context, central, host, Finding))
    elif "/apps/authorize/confirm/" in path and "amazon_callback_uri" not in query:
        found.extend(_confirm_findings(parts, query, context, central, Finding))
    if "amazon_callback_uri" in query:
        found.extend(_login_call_findings(query, context, Finding))
    if (
        "spapi_oauth_code" in query
        or (context.redirect_uri and url.startswith(context.redirect_uri))
        or path.endswith("/oauth/redirect")
    ):
        found.extend(_redirect_call_findings(query, Finding))
    if path.endswith("/auth/o2/token") and query:
        found.append(
            Finding(
                "error",
                "The LWA token URL carries query parameters: LWA wants them form-encoded "
                "in the POST body, and answers 500 otherwise.",
                "lwa-500-query-or-json",
            )
        )
    if host.startswith(("sellingpartnerapi-", "sandbox.sellingpartnerapi-")):
        found.extend(_spapi_call_findings(host, query, Finding))
    if parts.fragment:
        found.append(
            Finding(
                "error",
                "The URL has a #fragment; OAuth URIs must not (Amazon shows MD5110 for "
                "a redirect URI with one).",
                "MD5110",
            )
        )
    return found


def _consent_findings(query, context, central, host, Finding) -> list:
    found = []
    app_id = query.get("application_id", "")
    if central is None:
        found.append(
            Finding(
                "error",
                f"{host or 'This host'} is not a Seller Central or Vendor Central host; "
                "consent URIs start with the partner's regional Seller/Vendor Central URL.",
            )
        )
    else:
        region, account_type = central
        found.append(
            Finding(
                "info",
                f"A {account_type} consent URI for the {region.code} region; the authorization "
                f"will cover every marketplace of {region.code}.",
            )
        )
        if account_type == "vendor":
            severity = "error" if context.account_type == "seller" else "warning"
            found.append(
                Finding(
                    severity,
                    "This is a Vendor Central consent URI: only apps registered for vendor "
                    "roles can be authorized there. A seller app must use the Seller Central host.",
                    "MD5100",
                )
            )
    if not app_id:
        found.append(
            Finding(
                "error",
                "application_id is missing: Amazon cannot tell which app to authorize (MD1000).",
                "MD1000",
            )
        )
    elif LWA_CLIENT_ID_RE.fullmatch(app_id):
        found.append(
            Finding(
                "error",
                "application_id holds an LWA client ID (amzn1.application-oa2-client...). "
                "Use the SP-API application ID (amzn1.sp.solution... or amzn1.sellerapps.app...).",
                "MD1000",
            )
        )
    elif not APPLICATION_ID_RE.fullmatch(app_id):
        found.append(
            Finding("warning", "application_id does not look like an SP-API application ID.", "MD1000")
        )
    elif context.application_id and app_id != context.application_id:
        found.append(Finding("warning", "application_id is not this app's configured SPAPI_APPLICATION_ID."))
    found.extend(_version_findings(query, context, Finding))
    if not query.get("state"):
        found.append(
            Finding(
                "warning",
                "No state parameter: without it the Redirect URI cannot tell a genuine "
                "return from a forged one (CSRF).",
            )
        )
    generic = [p for p in GENERIC_LWA_PARAMS if p in query]
    if generic:
        found.append(
            Finding(
                "warning",
                f"{', '.join(generic)} belong to generic Login with Amazon, not to the "
                "SP-API consent URI, which takes application_id, state, redirect_uri and version.",
            )
        )
    if "redirect_uri" in query:
        found.extend(_redirect_uri_findings(query["redirect_uri"], context, Finding))
    found.extend(_marketplace_region_findings(central[0].code if central else None, query, Finding))
    return found


def _version_findings(query, context, Finding) -> list:
    version = query.get("version")
    if version is not None and version != "beta":
        return [
            Finding(
                "error",
                f"version={version[:20]} is not a value Amazon knows; only version=beta (draft apps) exists.",
                "MD1000",
            )
        ]
    if context.draft is True and version != "beta":
        return [
            Finding(
                "error",
                "version=beta is missing while this app is a draft (SPAPI_APP_STATUS=draft): "
                "Amazon will look for a published version and show MD1000.",
                "MD1000",
            )
        ]
    if context.draft is False and version == "beta":
        return [
            Finding(
                "error",
                "version=beta is present while this app is published: Amazon will open the "
                "draft version, or fail (MD1000/MD5100).",
                "MD1000",
            )
        ]
    if version == "beta":
        return [Finding("info", "version=beta: this authorizes the draft version of the app.")]
    return [
        Finding(
            "info",
            "No version=beta: this authorizes the published version of the app; a draft app gets MD1000.",
            "MD1000",
        )
    ]


def _redirect_uri_findings(redirect_uri: str, context, Finding) -> list:
    found = []
    if "#" in redirect_uri:
        found.append(Finding("error", "redirect_uri contains a fragment (#): Amazon shows MD5110.", "MD5110"))
    if redirect_uri.startswith("http://"):
        found.append(
            Finding(
                "warning",
                "redirect_uri is plain http: Amazon expects HTTPS Login and Redirect URIs.",
                "MD9999",
            )
        )
    if context.redirect_uri and redirect_uri != context.redirect_uri:
        found.append(
            Finding(
                "error",
                f"redirect_uri is not this app's Redirect URI ({context.redirect_uri}); unless "
                "it is registered too, Amazon shows MD5101.",
                "MD5101",
            )
        )
    return found


def _confirm_findings(parts, query, context, central, Finding) -> list:
    found = []
    app_id = parts.path.rsplit("/apps/authorize/confirm/", 1)[1]
    if parts.scheme != "https" or central is None:
        found.append(
            Finding(
                "error",
                "This amazon_callback_uri is not https on a Seller Central or Vendor Central "
                "host; spapi-auth's Login URI refuses to redirect to it.",
            )
        )
    if context.application_id and app_id != context.application_id:
        found.append(
            Finding(
                "error",
                "The confirm path names another application ID than this app's; the Login URI refuses it.",
            )
        )
    if query:
        found.extend(_version_findings(query, context, Finding))
        if "redirect_uri" in query:
            found.extend(_redirect_uri_findings(query["redirect_uri"], context, Finding))
    return found


def _login_call_findings(query, context, Finding) -> list:
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


def _redirect_call_findings(query, Finding) -> list:
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
    if query.get("error"):
        return [
            Finding(
                "error",
                f"Amazon returned error={query['error'][:60]} instead of a code; nothing can be exchanged.",
                "access_denied",
            )
        ]
    if "amazon_callback_uri" in query or "amazon_state" in query:
        return [
            Finding(
                "error",
                "The Login URI's parameters arrived where the Redirect URI's were expected: check "
                "that the registered Login URI and Redirect URI are not swapped.",
            )
        ]
    return [
        Finding(
            "warning",
            "A Redirect URI call without spapi_oauth_code: the partner cancelled on Amazon's page, "
            "or this is another step's URL. Nothing can be exchanged.",
        )
    ]


def _spapi_call_findings(host, query, Finding) -> list:
    region = next(
        (
            r
            for r in marketplaces().regions.values()
            if host in (urlsplit(r.endpoint).hostname, urlsplit(r.sandbox_endpoint).hostname)
        ),
        None,
    )
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
    found.extend(_marketplace_region_findings(region.code, query, Finding))
    return found


def _marketplace_region_findings(region_code, query, Finding) -> list:
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
