"""Findings for a consent URI: its parameters against this app's registration."""

from auth.config.identifiers import APPLICATION_ID_RE
from auth.config.identifiers import LWA_CLIENT_ID_RE
from auth.explainer.call_findings import marketplace_region_findings
from auth.explainer.findings import Finding

GENERIC_LWA_PARAMS = ("client_id", "response_type", "scope")


def consent_findings(query, context, central, host) -> list:
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
    found.extend(version_findings(query, context))
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
        found.extend(redirect_uri_findings(query["redirect_uri"], context))
    found.extend(marketplace_region_findings(central[0].code if central else None, query))
    return found


def version_findings(query, context) -> list:
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


def redirect_uri_findings(redirect_uri: str, context) -> list:
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
