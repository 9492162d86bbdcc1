"""Which system an error comes from, read from every signal in the pasted text: API hosts, token
endpoints, header names, library and exception class names, operation names, URL paths and
legacy endpoints. The same word means different things in different systems (PA-API's
TooManyRequests is not SP-API's QuotaExceeded), so the diagnosis ranks the likeliest system's
entries first.
"""

import functools
import re

from auth.explainer.catalog import normalize

# (system, weight, signals). A signal is a lower-case substring; weight says how sure it makes
# us: a host or a library's class name is near-proof, a field name only a hint.
SIGNALS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    (
        "spapi",
        3,
        (
            "sellingpartnerapi-",
            "sellingpartnerapi.",
            "sp_api.",
            "sellingpartnerapi\\",
            "sellingapiforbiddenexception",
            "sellingapibadrequestexception",
            "com.amazon.sellingpartner",
            "amazon-sp-api",
            "amazon.spapi",
            "amzspapi",
            "selling-partner-api",
            "sellingpartner.js",
        ),
    ),
    (
        "spapi",
        1.5,
        (
            "x-amz-access-token",
            "/orders/v0/",
            "/catalog/v0/",
            "/catalog/2022-04-01",
            "/reports/20",
            "/feeds/20",
            "/fba/",
            "/tokens/2021-03-01",
            "/notifications/v1",
            "/sellers/v1",
            "/products/pricing",
            "restricteddatatoken",
            "marketplaceids",
            "getorders",
            "getmarketplaceparticipations",
            "createreport",
            "x-amzn-ratelimit-limit",
            "ordersv0api",
            "sellersapi",
        ),
    ),
    ("lwa", 3, ("/auth/o2/token", "lwaexception", "lwa_error", "unsuccessful lwa token exchange")),
    ("lwa", 1.5, ("error_description", "refresh_token", "grant_type", "client_credentials")),
    (
        "consent",
        3,
        ("apps/authorize/consent", "apps/authorize/confirm", "error code: md", "app id: amzn1.sp"),
    ),
    ("consent", 1.5, ("sellercentral", "vendorcentral", "something went wrong", "version=beta")),
    (
        "legacy",
        3,
        (
            "getauthorizationcode",
            "authorization/v1/authorizationcode",
            "mws.amazonaws.com",
            "amazonmwsapierror",
        ),
    ),
    ("legacy", 1.5, ("aws4-hmac-sha256", "canonical string", "string-to-sign", "mwsauthtoken", "mws")),
    (
        "sts",
        3,
        (
            "sts.amazonaws.com",
            "sts.eu-west-1",
            "assumerole",
            "awssecuritytokenservice",
            "refreshrolecredentials",
        ),
    ),
    ("sts", 1.5, ("<errorresponse", "arn:aws:iam", "arn:aws:sts", "botocore", "rolearn")),
    (
        "creators",
        3,
        (
            "creatorsapi",
            "creators api",
            "creator api",
            "amazoncognito",
            "associatenoteligible",
            "amazon_creatorsapi",
            "nager.amazoncreatorsapi",
        ),
    ),
    ("creators", 1.5, ("x-marketplace", "offersv2", "credential version", "version 3.1", "version 2.1")),
    (
        "paapi",
        3,
        (
            "paapi",
            "pa-api",
            "product advertising",
            "webservices.amazon",
            "awsecommerceservice",
            "ecs.amazonaws.com",
            "onca/xml",
            "amazon_paapi",
            "amazon.exception.amazonexception",
        ),
    ),
    (
        "paapi",
        1.5,
        ("partnertag", "partner tag", "associate tag", "associates central", "itemlookup", "searchitems"),
    ),
    ("buywithprime", 3, ("buy with prime", "buywithprime")),
)
MAX_TEXT = 20000
WORD_RE = re.compile(r"[a-z0-9_.\-\\/:]+")


@functools.cache
def _signals() -> tuple[tuple[str, float, str], ...]:
    return tuple((system, weight, signal) for system, weight, signals in SIGNALS for signal in signals)


def system_votes(text: str) -> dict[str, float]:
    """Each system's weight of evidence in ``text`` (a signal counts once)."""
    flat = normalize(text[:MAX_TEXT])
    votes: dict[str, float] = {}
    for system, weight, signal in _signals():
        if signal in flat:
            votes[system] = votes.get(system, 0) + weight
    # A Creators API credential set shares the LWA token endpoint (3.x); the scope decides.
    if "creatorsapi::default" in flat or "creatorsapi/default" in flat:
        votes["creators"] = votes.get("creators", 0) + 5
    return votes


def likeliest(votes: dict[str, float]) -> str | None:
    """The system with clearly the most evidence, or None when two are level."""
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda pair: -pair[1])
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 1:
        return None
    return ranked[0][0]
