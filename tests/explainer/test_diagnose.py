"""Diagnosis over real inputs: each row asserts what the user is told, not only the code."""

import json

import pytest

from auth.explainer.diagnose import Context
from auth.explainer.diagnose import diagnose
from tests.conftest import APPLICATION_ID
from tests.conftest import CLIENT_ID

REDIRECT = "https://app.example.test/oauth/redirect"
DRAFT = Context(application_id=APPLICATION_ID, client_id=CLIENT_ID, draft=True, redirect_uri=REDIRECT)
PUBLISHED = Context(application_id=APPLICATION_ID, client_id=CLIENT_ID, draft=False, redirect_uri=REDIRECT)
SELLER_APP = Context(application_id=APPLICATION_ID, draft=True, redirect_uri=REDIRECT, account_type="seller")
SC = "https://sellercentral.amazon.com/apps/authorize/consent"
OK = f"application_id={APPLICATION_ID}&state=abc&version=beta"


def body(**fields):
    return json.dumps(fields)


def spapi(code, message, details=""):
    return json.dumps({"errors": [{"code": code, "message": message, "details": details}]})


# (input, context, entry expected first, words expected in one finding or None)
CASES = [
    # Consent URIs
    (f"{SC}?application_id={CLIENT_ID}&state=x&version=beta", DRAFT, "MD1000", "LWA client ID"),
    (f"{SC}?application_id={APPLICATION_ID}&state=x", DRAFT, "MD1000", "version=beta is missing"),
    (f"{SC}?{OK}", PUBLISHED, "MD1000", "present while this app is published"),
    (
        f"{SC}?{OK}&redirect_uri=https%3A%2F%2Fapp.example.test%2Foauth%2Fredirect%23done",
        DRAFT,
        None,
        "fragment (#)",
    ),
    (f"{SC}?{OK}&redirect_uri=https%3A%2F%2Fother.example%2Fcb", DRAFT, None, "Amazon shows MD5101"),
    (f"{SC}?{OK}&redirect_uri=http%3A%2F%2Fapp.example.test%2Foauth%2Fredirect", DRAFT, None, "plain http"),
    (f"{SC}?state=x&version=beta", DRAFT, "MD1000", "application_id is missing"),
    (f"https://sellercentral.evil.example/apps/authorize/consent?{OK}", DRAFT, None, "not a Seller Central"),
    (
        f"https://vendorcentral.amazon.de/apps/authorize/consent?{OK}",
        SELLER_APP,
        None,
        "Vendor Central consent URI",
    ),
    (f"{SC}?{OK}&client_id={CLIENT_ID}&response_type=code", DRAFT, None, "generic Login with Amazon"),
    (f"{SC}?application_id={APPLICATION_ID}&version=beta", DRAFT, None, "No state parameter"),
    (
        f"{SC}?application_id={APPLICATION_ID}&state=x&version=gamma",
        DRAFT,
        "MD1000",
        "not a value Amazon knows",
    ),
    (f"{SC}?{OK}&marketplaceId=A1PA6795UKMFR9", DRAFT, None, "in the EU region, but this URL is for NA"),
    (f"https://sellercentral.amazon.co.jp/apps/authorize/consent?{OK}", DRAFT, None, "FE region"),
    (f"{SC}?{OK}#top", DRAFT, None, "has a #fragment"),
    # SP-API calls
    (
        "https://sellingpartnerapi-eu.amazon.com/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER",
        DRAFT,
        None,
        "United States (ATVPDKIKX0DER) is in the NA region",
    ),
    (
        "https://sandbox.sellingpartnerapi-na.amazon.com/sellers/v1/marketplaceParticipations",
        DRAFT,
        None,
        "sandbox endpoint",
    ),
    (
        "https://sellingpartnerapi-us.amazon.com/sellers/v1/marketplaceParticipations",
        DRAFT,
        None,
        "is not an SP-API endpoint",
    ),
    # Redirect URI calls
    (f"{REDIRECT}?state=abc", DRAFT, None, "without spapi_oauth_code"),
    (f"{REDIRECT}?selling_partner_id=A1&spapi_oauth_code=ANabc", DRAFT, None, "state is missing"),
    (f"{REDIRECT}?state=abc&error=access_denied", DRAFT, "access_denied", "returned error=access_denied"),
    (
        f"{REDIRECT}?amazon_callback_uri=https%3A%2F%2Fsellercentral.amazon.com%2Fapps%2Fauthorize%2Fconfirm%2F"
        f"{APPLICATION_ID}&amazon_state=s&selling_partner_id=A1",
        DRAFT,
        None,
        "Login URI's parameters arrived",
    ),
    (
        f"{REDIRECT}?state=s&selling_partner_id=A1&spapi_oauth_code=ANx&mws_auth_token=amzn.mws.1",
        DRAFT,
        None,
        "mws_auth_token is present",
    ),
    # Login URI calls and amazon_callback_uri
    (
        "https://app.example.test/oauth/login?amazon_callback_uri=https%3A%2F%2Fevil.example%2Fx&amazon_state=s"
        "&selling_partner_id=A1&version=beta",
        DRAFT,
        None,
        "amazon_callback_uri is not https",
    ),
    (
        "https://app.example.test/oauth/login?amazon_callback_uri=https%3A%2F%2Fsellercentral.amazon.com%2Fapps%2F"
        f"authorize%2Fconfirm%2F{APPLICATION_ID}&amazon_state=s&selling_partner_id=A1",
        DRAFT,
        None,
        "Amazon sent no version=beta",
    ),
    (
        "https://app.example.test/oauth/login?amazon_callback_uri=https%3A%2F%2Fsellercentral.amazon.com%2Fapps%2F"
        f"authorize%2Fconfirm%2F{APPLICATION_ID}&selling_partner_id=A1&version=beta",
        DRAFT,
        None,
        "amazon_state is missing",
    ),
    (
        "https://sellercentral.amazon.com/apps/authorize/confirm/amzn1.sp.solution.another-app-0001",
        DRAFT,
        None,
        "names another application ID",
    ),
    (f"http://sellercentral.amazon.com/apps/authorize/confirm/{APPLICATION_ID}", DRAFT, None, "not https"),
    # LWA
    (
        "https://api.amazon.com/auth/o2/token?grant_type=refresh_token&client_id=x",
        DRAFT,
        "lwa-500-query-or-json",
        "query parameters",
    ),
    (
        body(error="invalid_grant", error_description="The request has an invalid grant parameter : code"),
        DRAFT,
        "invalid_grant-code",
        None,
    ),
    (
        body(
            error="invalid_grant",
            error_description="The request has an invalid grant parameter : refresh_token",
        ),
        DRAFT,
        "invalid_grant-refresh_token",
        None,
    ),
    (body(error="invalid_grant"), DRAFT, "invalid_grant-code", "did not say which grant parameter"),
    (
        body(error="invalid_client", error_description="Client authentication failed"),
        DRAFT,
        "invalid_client",
        None,
    ),
    (
        body(error="invalid_scope", error_description="x", request_id="req-42"),
        DRAFT,
        "invalid_scope",
        "request_id req-42",
    ),
    (body(error="unsupported_grant_type", error_description="nope"), DRAFT, "unsupported_grant_type", None),
    (
        "Why am I getting a 500 error when I make a request to get LWA Access Token in Postman?",
        DRAFT,
        "lwa-500-query-or-json",
        None,
    ),
    # SP-API bodies
    (
        spapi(
            "Unauthorized",
            "Access to requested resource is denied.",
            "Access token is missing in the request header.",
        ),
        DRAFT,
        "Unauthorized-missing-token",
        None,
    ),
    (
        spapi(
            "Unauthorized",
            "Access to requested resource is denied.",
            "The access token you provided is revoked, malformed or invalid.",
        ),
        DRAFT,
        "Unauthorized-invalid-token",
        None,
    ),
    (
        "HTTP/1.1 403 Forbidden\nx-amzn-RequestId: 7d3c1d5e-aaaa\nx-amzn-ErrorType: AccessDeniedException\n\n"
        + spapi(
            "Unauthorized",
            "Access to requested resource is denied.",
            "The LWA secret token you provided has expired.",
        ),
        DRAFT,
        "Unauthorized-expired-secret",
        "x-amzn-RequestId 7d3c1d5e-aaaa",
    ),
    (
        "HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: AccessDeniedException\n\n"
        + spapi("Unauthorized", "Access to requested resource is denied."),
        DRAFT,
        "Unauthorized",
        "x-amzn-ErrorType says AccessDeniedException",
    ),
    (
        "HTTP/1.1 429 Too Many Requests\nRetry-After: 2\n\n"
        + spapi("QuotaExceeded", "You exceeded your quota for the requested resource."),
        DRAFT,
        "QuotaExceeded",
        "wait 2 seconds",
    ),
    (spapi("InvalidInput", "Invalid Input"), DRAFT, "InvalidInput", None),
    (spapi("NotFound", "Resource not found"), DRAFT, "NotFound", None),
    (
        "The request to the sandbox returns 500 because it does not match x-amazon-spds-sandbox-behaviors",
        DRAFT,
        "sandbox-500",
        None,
    ),
    # AWS STS
    (
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
        "<Message>User: arn:aws:iam::1:user/dev is not authorized to perform: sts:AssumeRole "
        "on resource: arn:aws:iam::1:role/spapi</Message></Error>"
        "</ErrorResponse>",
        DRAFT,
        "sts-AccessDenied",
        None,
    ),
    (
        "<ErrorResponse><Error><Code>ExpiredToken</Code>"
        "<Message>The security token included in the request is expired</Message></Error></ErrorResponse>",
        DRAFT,
        "sts-ExpiredToken",
        None,
    ),
    # FAQ messages, with case, spacing and surrounding log text
    (
        "2024-05-01 10:00:00 ERROR   Missing   Authentication Token  "
        "(GET /authorization/v1/authorizationCode)",
        DRAFT,
        "missing-authentication-token",
        None,
    ),
    ("developer id not associated with app id", DRAFT, "developer-id-not-associated", None),
    (
        "ERROR: The application isn\u2019t configured with roles.",
        DRAFT,
        "app-not-configured-with-roles",
        None,
    ),
    (
        "Credential should be scoped to a valid region, not 'us-east-1'.",
        DRAFT,
        "credential-scope-region",
        None,
    ),
    (
        "The request signature we calculated does not match the signature you provided. Check your key.",
        DRAFT,
        "signature-does-not-match",
        None,
    ),
    ("getAuthorizationCode: No MWS authorization found", DRAFT, "no-mws-authorization-found", None),
    ("I get an error using a SKU with special characters like AB/12", DRAFT, "sku-encoding", None),
    # Codes from Amazon's pages
    ("We're sorry! Error Code: MD1000", DRAFT, "MD1000", None),
    ("  spdc8143 ", DRAFT, "SPDC8143", None),
    ("CONSENT_LIMIT_REACHED", DRAFT, "CONSENT_LIMIT_REACHED", None),
    # Other Amazon APIs
    ("PA-API says InvalidPartnerTag for my associate tag", DRAFT, "paapi-InvalidPartnerTag", None),
    ("Creators API: UnrecognizedClient", DRAFT, "creators-UnrecognizedClient", None),
    ("createOrder failed: ValidationError ShopperNotPrime", DRAFT, "bwp-ShopperNotPrime", None),
    ("createOrder ValidationError AliasValueAlreadyExists", DRAFT, "bwp-AliasValueAlreadyExists", None),
    ("RequestExpired from the Product Advertising API", DRAFT, "paapi-RequestExpired", None),
    # Timing: an invalid_grant on a code that sat too long
    (
        "2024-05-01T10:00:00Z redirect received spapi_oauth_code\n"
        "2024-05-01T10:07:30Z token exchange failed: "
        "The request has an invalid grant parameter : code",
        DRAFT,
        "invalid_grant-code",
        "8 minutes apart",
    ),
]


@pytest.mark.parametrize(("text", "context", "entry_id", "finding"), CASES)
def test_diagnosis_table(text, context, entry_id, finding):
    result = diagnose(text, context)
    assert result.recognised
    if entry_id:
        assert result.entries and result.entries[0].id == entry_id, [e.id for e in result.entries]
    if finding:
        assert any(finding in f.message for f in result.findings), [f.message for f in result.findings]


def test_table_is_large_enough():
    assert len(CASES) >= 40


def test_specific_variant_hides_generic_siblings():
    result = diagnose(
        body(
            error="invalid_grant",
            error_description="The request has an invalid grant parameter : refresh_token",
        ),
        DRAFT,
    )
    assert [e.id for e in result.entries] == ["invalid_grant-refresh_token"]


def test_unparseable_urls_are_findings_not_crashes():
    result = diagnose("https://[sellercentral.amazon.com/apps/authorize/consent", DRAFT)
    assert any("not a valid URL" in f.message for f in result.findings)
    login_call = "https://app.example.test/oauth/login?amazon_callback_uri=https%3A%2F%2F%5B&amazon_state=s"
    login = diagnose(login_call, DRAFT)
    assert any("amazon_callback_uri is not https" in f.message for f in login.findings)


@pytest.mark.parametrize("text", ["hello world", "MD1001", "asdfghjkl", "MD 10000 maybe", "\x00\x01\x02"])
def test_nonsense_is_not_recognised_but_answered(text):
    result = diagnose(text, DRAFT)
    assert result.kind in ("unrecognised", "empty")
    assert not result.entries


def test_near_miss_suggests_the_closest_entries():
    result = diagnose("MD1001", DRAFT)
    assert "MD1000" in [e.id for e in result.suggestions]


def test_huge_input_is_cut_not_refused():
    result = diagnose("x" * 300_000 + " MD1000", DRAFT)
    assert result.truncated


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("MD 1000", "MD1000"),
        ("spdc-8143", "SPDC8143"),
        ("Error code: Md_5100", "MD5100"),
        ("SPSA 0404", "SPSA0404"),
    ],
)
def test_a_consent_code_written_loosely_is_recognised(text, entry):
    assert diagnose(text, DRAFT).entries[0].id == entry


def test_an_http_reason_phrase_does_not_pull_in_unauthorized_entries():
    text = (
        "resulted in a `401 Unauthorized` response:\n"
        '{"error_description":"Client authentication failed","error":"invalid_client"}'
    )
    assert [e.id for e in diagnose(text, DRAFT).entries] == ["invalid_client"]


def test_an_explicit_code_outranks_a_generic_message():
    text = (
        '"errors": [ { "message": "Access to requested resource is denied.", '
        '"code": "MissingAuthenticationToken" }'
    )
    assert diagnose(text, DRAFT).entries[0].id == "missing-authentication-token"


def test_a_specific_message_outranks_a_catch_all_code():
    text = (
        '{"Error":{"Code":"AccessDenied",'
        '"Message":"Roles may not be assumed by root accounts.","Type":"Sender"}'
    )
    assert diagnose(text, DRAFT).entries[0].id == "sts-root-account"


def test_a_code_cut_by_a_truncating_logger_is_still_read():
    text = '{"error_description":"x","error":"unsupported_gr (truncated...)'
    assert diagnose(text, DRAFT).entries[0].id == "unsupported_grant_type"


def test_a_documentation_anchor_in_a_message_is_not_a_redirect_uri_fragment():
    text = (
        "otherwise, go to https://webservices.amazon.com/paapi5/documentation/sending-request.html#signing."
    )
    assert not [f for f in diagnose(text, DRAFT).findings if "fragment" in f.message]
