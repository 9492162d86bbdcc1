"""The error catalog: schema, coverage of the codes users meet, and loading once."""

import tomllib

import pytest

from auth.explainer import catalog as catalog_module
from auth.explainer.catalog import CatalogError
from auth.explainer.catalog import build
from auth.explainer.catalog import catalog

REQUIRED_CODES = [
    # consent pages
    "MD1000",
    "MD4010",
    "MD4100",
    "MD5100",
    "MD5101",
    "MD5110",
    "MD5200",
    "MD9000",
    "MD9001",
    "MD9010",
    "MD9100",
    "MD9999",
    "SPDC8143",
    "SPDC300",
    "SPSA0404",
    "SPSA2043",
    "CONSENT_LIMIT_REACHED",
    # LWA
    "invalid_grant",
    "invalid_client",
    "invalid_request",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "access_denied",
    "server_error",
    "temporarily_unavailable",
    # SP-API
    "InvalidInput",
    "Unauthorized",
    "NotFound",
    "RequestEntityTooLarge",
    "UnsupportedMediaType",
    "QuotaExceeded",
    "InternalFailure",
    "ServiceUnavailable",
    # FAQ messages
    "MissingAuthenticationToken",
    "Developer ID not associated with App ID",
    "The application isn't configured with roles",
    "Credential should be scoped to a valid region",
    "The security token included in the request is invalid",
    "SignatureDoesNotMatch",
    "No MWS authorization found",
    "SKU encoding",
    # STS
    "AccessDenied",
    "InvalidClientTokenId",
    "ExpiredToken",
    # PA-API 5.0 and Creators API
    "AccessDeniedAwsUsers",
    "InvalidAssociate",
    "IncompleteSignature",
    "InvalidPartnerTag",
    "InvalidSignature",
    "RequestThrottled",
    "TooManyRequests",
    "RequestExpired",
    "InvalidParameterValue",
    "MissingParameter",
    "UnknownOperation",
    "UnrecognizedClient",
    # Buy with Prime
    "AccessDeniedError",
    "ConflictError",
    "ConflictException",
    "InternalServerError",
    "ThrottlingError",
    "AddressMismatch",
    "AliasValueAlreadyExists",
    "InvalidItemIdentifier",
    "InvalidRecipientAddressInput",
    "InvalidRecipientContactInput",
    "InvalidShopperContactInput",
    "ExpiredIdpToken",
    "InvalidIdpToken",
    "ItemOutOfStock",
    "ItemUnavailableWithPrime",
    "MissingItemAttributes",
    "OrderLinkLimitExceeded",
    "OrderQuantityLimitExceeded",
    "ReduceQuantityToProceed",
    "SelectedQuantityNotAvailable",
    "ShopperIdMismatch",
    "ShopperNotPrime",
    "DuplicateRefundId",
    "ExecutionAlreadyStarted",
    "ExecutionCannotBeStartedDueToCancellation",
    "InvalidRefundId",
    "MissingRefundId",
]


def test_every_file_passes_the_schema():
    files = {p.name: tomllib.loads(p.read_text()) for p in sorted(catalog_module.CATALOG_DIR.glob("*.toml"))}
    rebuilt = build(files)
    assert len(rebuilt.entries()) == len(catalog().entries()) >= 75
    for entry in rebuilt.entries():
        assert entry.causes and entry.fix and entry.sources and entry.meaning and entry.where
        assert entry.confidence in ("official", "community", "unconfirmed")


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_every_code_resolves(code):
    assert catalog().for_code(code) or catalog().get(code), code


def test_invalid_grant_has_a_code_and_a_refresh_token_entry():
    assert {e.id for e in catalog().for_code("invalid_grant")} == {
        "invalid_grant-code",
        "invalid_grant-refresh_token",
    }


def test_weakly_sourced_entries_are_marked():
    for code in ("SPSA0404", "SPSA2043", "CONSENT_LIMIT_REACHED", "MD9999", "MD4010"):
        assert catalog().get(code).weakly_sourced
    assert not catalog().get("MD1000").weakly_sourced


BASE = {
    "system": "x",
    "system_name": "X",
    "entry": [
        {
            "id": "E1",
            "code": "E1",
            "title": "t",
            "where": "w",
            "meaning": "m",
            "causes": ["c"],
            "fix": ["f"],
            "sources": ["s"],
            "confidence": "official",
        }
    ],
}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda e: e.pop("fix"), "fix"),
        (lambda e: e.update(causes=[]), "causes"),
        (lambda e: e.update(causes=["ok", ""]), "causes"),
        (lambda e: e.update(confidence="maybe"), "confidence"),
        (lambda e: e.update(id="has space"), "URL-safe"),
        (lambda e: e.update(extra="x"), "unknown keys"),
        (lambda e: e.update(http_status="403"), "http_status"),
    ],
)
def test_schema_violations_are_named(change, words):
    entry = dict(BASE["entry"][0])
    change(entry)
    with pytest.raises(CatalogError) as error:
        build({"bad.toml": {**BASE, "entry": [entry]}})
    assert words in str(error.value) and "bad.toml" in str(error.value)


def test_duplicate_ids_are_refused():
    with pytest.raises(CatalogError):
        build({"a.toml": BASE, "b.toml": {**BASE, "entry": [dict(BASE["entry"][0], id="e1")]}})


def test_catalog_is_parsed_once(monkeypatch):
    catalog()
    monkeypatch.setattr(catalog_module, "build", lambda files: pytest.fail("parsed again"))
    assert catalog() is catalog()
