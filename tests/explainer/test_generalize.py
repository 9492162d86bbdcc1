"""What the explainer does with texts it has never seen (issue 21): it reads the system before
the code, tolerates rewording and typos, reads details beside codes, finishes messages a logger
cut short, and names a mismatch between the operation and the token or host used."""

import pytest

from auth.explainer.diagnose import diagnose
from auth.explainer.systems import likeliest
from auth.explainer.systems import system_votes


def first(text: str) -> str | None:
    result = diagnose(text)
    return result.entries[0].id if result.entries else None


@pytest.mark.parametrize(
    ("text", "system"),
    [
        ("POST https://sellingpartnerapi-eu.amazon.com/orders/v0/orders 403", "spapi"),
        ("curl https://creatorsapi.auth.us-east-1.amazoncognito.com/oauth2/token", "creators"),
        (
            "scope=creatorsapi::default&grant_type=client_credentials, api.amazon.com/auth/o2/token",
            "creators",
        ),
        ("botocore ClientError when calling the AssumeRole operation", "sts"),
        ('{"__type":"com.amazon.paapi5#InvalidSignatureException"}', "paapi"),
        ("https://sellercentral.amazon.de/apps/authorize/consent?application_id=x", "consent"),
    ],
)
def test_the_system_is_read_from_hosts_libraries_and_endpoints(text, system):
    assert likeliest(system_votes(text)) == system


def test_the_same_code_means_the_system_it_was_sent_from():
    # AccessDenied is STS's refusal in an AssumeRole dump and PA-API's in an affiliate plugin's.
    sts = "An error occurred (AccessDenied) when calling the AssumeRole operation via sts.amazonaws.com"
    paapi = 'PA-API 5.0 answered {"Errors":[{"Code":"AccessDenied","Message":"..."}]}'
    assert first(sts) == "sts-AccessDenied"
    assert first(paapi) == "paapi-AccessDenied"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Misspelt retyping of LWA's own message, no code in sight.
        ("lwa says: unknwon scope was requestd", "invalid_scope"),
        # Reworded and reordered consent-page sentence.
        ("the developer is currently not eligible to receive any new authorizations", "MD9000"),
        # A plugin's paraphrase of PA-API's throttling message.
        (
            "Product Advertising API denied the request due to request throttling; verify how many "
            "requests you made per second",
            "paapi-TooManyRequests",
        ),
    ],
)
def test_rewording_and_typos_still_find_amazons_message(text, expected):
    assert first(text) == expected


def test_a_bare_code_shared_by_several_causes_means_its_catch_all():
    # Without details, "Unauthorized" is the generic 403, not one of its specific variants.
    assert first("{'code': 'Unauthorized', 'message': 'Forbidden', 'details': ''}") == "Unauthorized"
    detailed = (
        '{"errors":[{"code":"Unauthorized",'
        '"details":"The access token you provided is revoked, malformed or invalid."}]}'
    )
    assert first(detailed) == "Unauthorized-invalid-token"


def test_a_message_cut_short_by_a_logger_is_still_read():
    text = (
        'Client error: 400 response: {"code": "InvalidInput", '
        '"message": "Application do not have access to some (truncated...)'
    )
    assert first(text) == "rdt-restricted-resource"


def test_a_grantless_operation_with_a_seller_token_is_named():
    result = diagnose('createDestination returned 403 {"errors":[{"code":"Unauthorized","details":""}]}')
    assert result.entries[0].id == "token-kind-mismatch"
    assert any("grantless" in f.message and f.entry_id == "token-kind-mismatch" for f in result.findings)


def test_the_sandbox_host_explains_a_500_and_a_no_match():
    internal = 'https://sandbox.sellingpartnerapi-na.amazon.com/fba/x {"errors":[{"code":"InternalFailure"}]}'
    no_match = '[{"code":"InvalidInput","message":"Could not match input arguments"}] from the sandbox'
    assert first(internal) == "sandbox-500"
    assert first(no_match) == "sandbox-no-match"


def test_only_a_status_left_is_read_in_its_system():
    assert first("com.amazon.sellingpartner.ApiException: Forbidden") == "Unauthorized"


def test_a_consent_uri_with_a_second_question_mark():
    url = "https://sellercentral.amazon.com/apps/authorize/consent?application_id=amzn1.sp.solution.x?version=beta"
    assert first(url) == "consent-uri-second-question-mark"


def test_creators_api_specifics():
    not_eligible = '{"reason":"AssociateNotEligible","type":"AccessDeniedException"}'
    assert first(not_eligible) == "creators-AssociateNotEligible"
    old_library = "ValueError: Unsupported version: 3.2. Supported versions are: 2.1, 2.2, 2.3"
    assert first(old_library) == "creators-library-v3"
    mixed = "POST https://api.amazon.co.uk/auth/o2/token scope=creatorsapi/default -> invalid_client"
    assert first(mixed) == "creators-credential-version-mismatch"


def test_every_pa_api_entry_says_it_is_retired():
    from auth.explainer.catalog import catalog

    entries = [e for e in catalog().entries() if e.system == "paapi"]
    assert entries and all("retired" in (e.notes + e.title).lower() for e in entries)
    assert all("Creators API" in e.notes for e in entries)


def test_rotation_without_a_grantless_token_and_without_a_queue():
    denied = (
        'rotateApplicationClientSecret 403 {"errors":[{"code":"Unauthorized",'
        '"message":"Access to requested resource is denied."}]}'
    )
    result = diagnose(denied)
    assert result.entries[0].id == "rotation-needs-grantless"
    assert any("client_credential:rotation" in f.message for f in result.findings)
    not_enrolled = (
        "POST /applications/2023-11-30/clientSecret -> 400: the application is not enrolled for rotation"
    )
    assert first(not_enrolled) == "rotation-not-enrolled"
    # "not enrolled" elsewhere is not about rotation.
    assert first("Seller is not enrolled in Brand Registry") != "rotation-not-enrolled"


def test_an_operation_does_not_override_a_specific_code():
    text = (
        'getAuthorizationCode {"errors":[{"message":"Access to requested resource is denied.",'
        '"code":"MissingAuthenticationToken"}]}'
    )
    assert first(text) == "missing-authentication-token"
