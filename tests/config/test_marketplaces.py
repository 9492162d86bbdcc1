"""The marketplace table: complete, consistent, and looked up the ways users type it."""

import pytest

from auth.config.marketplaces import catalog

# country code -> (marketplace ID, region) from the spec's table.
EXPECTED = {
    "CA": ("A2EUQ1WTGCTBG2", "NA"),
    "US": ("ATVPDKIKX0DER", "NA"),
    "MX": ("A1AM78C64UM0Y8", "NA"),
    "BR": ("A2Q3Y263D00KWC", "NA"),
    "IE": ("A28R8C7NBKEWEA", "EU"),
    "ES": ("A1RKKUPIHCS9HS", "EU"),
    "UK": ("A1F83G8C2ARO7P", "EU"),
    "FR": ("A13V1IB3VIYZZH", "EU"),
    "BE": ("AMEN7PMS3EDWL", "EU"),
    "NL": ("A1805IZSGTT6HS", "EU"),
    "DE": ("A1PA6795UKMFR9", "EU"),
    "IT": ("APJ6JRA9NG5V4", "EU"),
    "SE": ("A2NODRKZP88ZB9", "EU"),
    "ZA": ("AE08WJ6YKNBMC", "EU"),
    "PL": ("A1C3SOZRARQ6R3", "EU"),
    "EG": ("ARBP9OOSHTCHU", "EU"),
    "TR": ("A33AVAJ2PDY3EV", "EU"),
    "SA": ("A17E79C6D8DWNP", "EU"),
    "AE": ("A2VIGQ35RCS4UG", "EU"),
    "IN": ("A21TJRUUN4KGV", "EU"),
    "SG": ("A19VAU5U5O7RUS", "FE"),
    "AU": ("A39IBJ37TRP1C6", "FE"),
    "JP": ("A1VC38T7YXB528", "FE"),
}
REGIONS = {
    "NA": (
        "https://sellingpartnerapi-na.amazon.com",
        "https://sandbox.sellingpartnerapi-na.amazon.com",
        "us-east-1",
    ),
    "EU": (
        "https://sellingpartnerapi-eu.amazon.com",
        "https://sandbox.sellingpartnerapi-eu.amazon.com",
        "eu-west-1",
    ),
    "FE": (
        "https://sellingpartnerapi-fe.amazon.com",
        "https://sandbox.sellingpartnerapi-fe.amazon.com",
        "us-west-2",
    ),
}


def test_all_23_marketplaces_with_ids_and_regions():
    table = catalog()
    assert len(table.marketplaces) == 23
    assert {m.country_code: (m.marketplace_id, m.region.code) for m in table.marketplaces} == EXPECTED


@pytest.mark.parametrize("code", sorted(REGIONS))
def test_region_endpoints(code):
    region = catalog().regions[code]
    assert (region.endpoint, region.sandbox_endpoint, region.aws_region) == REGIONS[code]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("US", "US"),
        ("us", "US"),
        (" de ", "DE"),
        ("UK", "UK"),
        ("GB", "UK"),
        ("gb", "UK"),
        ("ATVPDKIKX0DER", "US"),
        ("A1VC38T7YXB528", "JP"),
    ],
)
def test_lookup_by_code_alias_or_id(key, expected):
    assert catalog().find(key).country_code == expected


@pytest.mark.parametrize("key", ["", "XX", "USA", "amazon.com", "A1VC38T7YXB52"])
def test_unknown_keys(key):
    assert catalog().find(key) is None


def test_every_central_url_is_https_and_maps_back_to_its_region():
    for marketplace in catalog().marketplaces:
        for account_type in ("seller", "vendor"):
            url = marketplace.central_url(account_type)
            if url is None:
                continue
            assert url.startswith("https://") and url.count("/") == 2
            region, kind = catalog().central_for_host(url.split("//")[1])
            assert (region, kind) == (marketplace.region, account_type)


def test_ireland_has_no_documented_vendor_central():
    assert catalog().find("IE").vendor_central_url is None
