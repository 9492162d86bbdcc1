"""Amazon marketplaces, regions and endpoints, read once from ``data/marketplaces.toml``."""

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DATA_FILE = Path(__file__).parent / "data" / "marketplaces.toml"
ACCOUNT_TYPES = ("seller", "vendor")


@dataclass(frozen=True)
class Region:
    """An SP-API region: its production and sandbox endpoints and AWS region."""

    code: str
    endpoint: str
    sandbox_endpoint: str
    aws_region: str


@dataclass(frozen=True)
class Marketplace:
    """One Amazon marketplace and the Seller/Vendor Central sites that serve it."""

    country_code: str
    name: str
    marketplace_id: str
    region: Region
    seller_central_url: str
    vendor_central_url: str | None
    aliases: tuple[str, ...] = ()
    note: str = ""
    currency: str = ""
    language: str = ""
    domain: str = ""

    @property
    def iso_country_code(self) -> str:
        """ISO 3166-1 alpha-2, as Amazon's models use it (GB, where the docs say UK)."""
        return "GB" if self.country_code == "UK" else self.country_code

    @property
    def amazon_name(self) -> str:
        """The name the Sellers API gives the marketplace: Amazon.com, Amazon.co.uk, ..."""
        return "Amazon" + self.domain.removeprefix("www.amazon")

    def central_url(self, account_type: str) -> str | None:
        """Return the Seller Central or Vendor Central base URL for ``account_type``."""
        if account_type == "seller":
            return self.seller_central_url
        if account_type == "vendor":
            return self.vendor_central_url
        raise ValueError(f"unknown account type {account_type!r}")


@dataclass(frozen=True)
class Catalog:
    """Every marketplace and region, with the look-ups the app needs."""

    regions: dict[str, Region]
    marketplaces: tuple[Marketplace, ...]
    by_key: dict[str, Marketplace]
    region_by_central_host: dict[str, tuple[Region, str]]
    region_by_endpoint_host: dict[str, Region]

    def find(self, key: str) -> Marketplace | None:
        """Find a marketplace by country code, alias (``GB``) or marketplace ID."""
        return self.by_key.get(key.strip().upper())

    def valid_keys(self) -> list[str]:
        """Return the country codes and aliases a user may type, in table order."""
        keys = []
        for marketplace in self.marketplaces:
            keys.append(marketplace.country_code)
            keys.extend(marketplace.aliases)
        return keys

    def region_for_endpoint_host(self, host: str) -> Region | None:
        """Return the region of an SP-API endpoint host, production or sandbox."""
        return self.region_by_endpoint_host.get(host.lower())

    def central_for_host(self, host: str) -> tuple[Region, str] | None:
        """Return (region, account type) for an exact Seller/Vendor Central host name."""
        return self.region_by_central_host.get(host.lower())


def _build(raw: dict) -> Catalog:
    regions = {code: Region(code=code, **values) for code, values in raw["regions"].items()}
    marketplaces = []
    by_key: dict[str, Marketplace] = {}
    hosts: dict[str, tuple[Region, str]] = {}
    for row in raw["marketplaces"]:
        marketplace = Marketplace(
            country_code=row["country_code"],
            name=row["name"],
            marketplace_id=row["marketplace_id"],
            region=regions[row["region"]],
            seller_central_url=row["seller_central_url"],
            vendor_central_url=row.get("vendor_central_url"),
            aliases=tuple(row.get("aliases", ())),
            note=row.get("note", ""),
            currency=row["currency"],
            language=row["language"],
            domain=row["domain"],
        )
        marketplaces.append(marketplace)
        for key in (marketplace.country_code, marketplace.marketplace_id, *marketplace.aliases):
            if key in by_key:
                raise ValueError(f"marketplace key {key} appears twice in {DATA_FILE.name}")
            by_key[key] = marketplace
        for account_type in ACCOUNT_TYPES:
            url = marketplace.central_url(account_type)
            if url is None:
                continue
            host = urlsplit(url).hostname
            known = hosts.setdefault(host, (marketplace.region, account_type))
            # A host serving two regions would make the region of an Appstore callback ambiguous.
            if known != (marketplace.region, account_type):
                raise ValueError(f"{host} is listed for two regions in {DATA_FILE.name}")
    endpoint_hosts = {
        urlsplit(url).hostname: region
        for region in regions.values()
        for url in (region.endpoint, region.sandbox_endpoint)
    }
    return Catalog(regions, tuple(marketplaces), by_key, hosts, endpoint_hosts)


@functools.cache
def catalog() -> Catalog:
    """Load and check the marketplace table once per process."""
    with DATA_FILE.open("rb") as handle:
        return _build(tomllib.load(handle))
