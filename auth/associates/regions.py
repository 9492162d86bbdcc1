"""The Associates marketplaces and credential versions: hosts, regions, token endpoints."""

from dataclasses import dataclass

CREATORS_HOST = "creatorsapi.amazon"
GETITEMS_PATH = "/catalog/v1/getItems"
PAAPI_PATH = "/paapi5/getitems"
PAAPI_TARGET = "com.amazon.paapi5.v1.ProductAdvertisingAPIv1.GetItems"
PAAPI_SERVICE = "ProductAdvertisingAPI"
# An Echo Dot: sold in most stores. An ASIN a store does not carry still proves the credential
# (Amazon answers 200 with an item error), so the default only needs to be well formed.
DEFAULT_ASIN = "B07FZ8S74R"


@dataclass(frozen=True)
class Marketplace:
    """One Associates store: its country code, web host, region and PA-API 5 endpoint."""

    code: str
    host: str  # the value of x-marketplace (Creators) and "Marketplace" (PA-API 5)
    region: str  # NA, EU, FE: the credential version's region
    paapi_host: str
    aws_region: str
    tag_suffix: str | None = None  # the usual suffix of this store's tracking IDs, where known


def _m(code, tld, region, aws_region, suffix=None):
    return Marketplace(code, f"www.amazon.{tld}", region, f"webservices.amazon.{tld}", aws_region, suffix)


# PA-API 5 regions as the spec lists them (us-east-1, eu-west-1, us-west-2); the Creators API
# groups the same stores into its NA/EU/FE versions.
MARKETPLACES = {
    m.code: m
    for m in (
        _m("US", "com", "NA", "us-east-1", "-20"),
        _m("CA", "ca", "NA", "us-east-1", "-20"),
        _m("MX", "com.mx", "NA", "us-east-1"),
        _m("BR", "com.br", "NA", "us-east-1"),
        _m("UK", "co.uk", "EU", "eu-west-1", "-21"),
        _m("DE", "de", "EU", "eu-west-1", "-21"),
        _m("FR", "fr", "EU", "eu-west-1", "-21"),
        _m("IT", "it", "EU", "eu-west-1", "-21"),
        _m("ES", "es", "EU", "eu-west-1", "-21"),
        _m("NL", "nl", "EU", "eu-west-1"),
        _m("BE", "com.be", "EU", "eu-west-1"),
        _m("PL", "pl", "EU", "eu-west-1"),
        _m("SE", "se", "EU", "eu-west-1"),
        _m("TR", "com.tr", "EU", "eu-west-1"),
        _m("AE", "ae", "EU", "eu-west-1"),
        _m("SA", "sa", "EU", "eu-west-1"),
        _m("EG", "eg", "EU", "eu-west-1"),
        _m("IN", "in", "EU", "eu-west-1"),
        _m("JP", "co.jp", "FE", "us-west-2", "-22"),
        _m("AU", "com.au", "FE", "us-west-2"),
        _m("SG", "sg", "FE", "us-west-2"),
    )
}
ALIASES = {"GB": "UK"}


@dataclass(frozen=True)
class Version:
    """A Creators API credential version: its region and how its token is obtained."""

    version: str
    region: str
    kind: str  # cognito (2.x), lwa (3.x)
    token_url: str
    scope: str


_COGNITO = "https://creatorsapi.auth.{}.amazoncognito.com/oauth2/token"
VERSIONS = {
    "2.1": Version("2.1", "NA", "cognito", _COGNITO.format("us-east-1"), "creatorsapi/default"),
    "2.2": Version("2.2", "EU", "cognito", _COGNITO.format("eu-south-2"), "creatorsapi/default"),
    "2.3": Version("2.3", "FE", "cognito", _COGNITO.format("us-west-2"), "creatorsapi/default"),
    "3.1": Version("3.1", "NA", "lwa", "https://api.amazon.com/auth/o2/token", "creatorsapi::default"),
    "3.2": Version("3.2", "EU", "lwa", "https://api.amazon.co.uk/auth/o2/token", "creatorsapi::default"),
    "3.3": Version("3.3", "FE", "lwa", "https://api.amazon.co.jp/auth/o2/token", "creatorsapi::default"),
}


def marketplace(code: str) -> Marketplace | None:
    """The store for a country code (``UK`` and ``GB`` both), or None."""
    code = (code or "").strip().upper()
    return MARKETPLACES.get(ALIASES.get(code, code))


def versions_for(region: str) -> list[str]:
    """The credential versions that work in ``region``."""
    return [v.version for v in VERSIONS.values() if v.region == region]
