"""Findings for a URL: a consent URI, an ``amazon_callback_uri`` or an LWA token URL here;
Login URI, Redirect URI and SP-API calls in ``auth/call_findings.py``."""

from urllib.parse import parse_qs
from urllib.parse import urlsplit

from auth.config.marketplaces import catalog as marketplaces
from auth.explainer.call_findings import login_call_findings
from auth.explainer.call_findings import redirect_call_findings
from auth.explainer.call_findings import spapi_call_findings
from auth.explainer.consent_findings import consent_findings
from auth.explainer.consent_findings import redirect_uri_findings
from auth.explainer.consent_findings import version_findings
from auth.explainer.findings import Finding


def url_findings(url: str, context) -> list:
    """Return the findings for one URL, judged against the developer's ``context``."""
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
        found.extend(consent_findings(query, context, central, host))
    elif "/apps/authorize/confirm/" in path and "amazon_callback_uri" not in query:
        found.extend(_confirm_findings(parts, query, context, central))
    if "amazon_callback_uri" in query:
        found.extend(login_call_findings(query, context))
    if (
        "spapi_oauth_code" in query
        or (context.redirect_uri and url.startswith(context.redirect_uri))
        or path.endswith("/oauth/redirect")
    ):
        found.extend(redirect_call_findings(query))
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
        found.extend(spapi_call_findings(host, query))
    oauth_url = (
        path.endswith(("/apps/authorize/consent", "/oauth/redirect", "/oauth/login"))
        or "/apps/authorize/confirm/" in path
        or "amazon_callback_uri" in query
        or "spapi_oauth_code" in query
        or any(uri and url.startswith(uri) for uri in (context.redirect_uri, context.login_uri))
    )
    # Only an OAuth URI's fragment matters; a documentation link's #anchor is just an anchor.
    if parts.fragment and oauth_url:
        found.append(
            Finding(
                "error",
                "The URL has a #fragment; OAuth URIs must not (Amazon shows MD5110 for "
                "a redirect URI with one).",
                "MD5110",
            )
        )
    return found


def _confirm_findings(parts, query, context, central) -> list:
    found = []
    app_id = parts.path.rsplit("/apps/authorize/confirm/", 1)[1]
    retail = {m.domain.removeprefix("www.") for m in marketplaces().marketplaces}
    if parts.scheme == "https" and central is None and (parts.hostname or "").removeprefix("www.") in retail:
        # Amazon's own developer guide shows the Appstore confirm URI on amazon.com; real
        # amazon_callback_uri values are on Seller or Vendor Central.
        found.append(
            Finding(
                "warning",
                "This confirm URI is on Amazon's retail site, as in Amazon's documentation example; "
                "real amazon_callback_uri values are on Seller Central or Vendor Central hosts, and "
                "spapi-auth's Login URI accepts only those.",
            )
        )
    elif parts.scheme != "https" or central is None:
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
        found.extend(version_findings(query, context))
        if "redirect_uri" in query:
            found.extend(redirect_uri_findings(query["redirect_uri"], context))
    return found
