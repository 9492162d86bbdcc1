"""The handle a worker holds instead of a refresh token: made and read back exactly, and
anything else (missing, foreign, mangled, another region, a malformed partner ID) is no handle."""

import pytest

from auth.tokens.handles import make_handle
from auth.tokens.handles import parse_handle


@pytest.mark.parametrize("region", ["NA", "EU", "FE"])
def test_a_handle_reads_back_as_its_partner_and_region(region):
    assert make_handle("A1B2C3D4E5F6G7", region) == f"spapi-auth:A1B2C3D4E5F6G7:{region}"
    assert parse_handle(make_handle("A1B2C3D4E5F6G7", region)) == ("A1B2C3D4E5F6G7", region)
    # A partner ID may itself hold a colon: the region is what follows the last one.
    assert parse_handle(make_handle("A1:B2", region)) == ("A1:B2", region)


@pytest.mark.parametrize(
    "handle",
    [
        None,
        "",
        "Atzr|IwEBIA-a-real-refresh-token",
        "spapi-auth:A1B2C3D4E5F6G7",
        "spapi-auth:A1B2C3D4E5F6G7:XX",
        "spapi-auth:A1B2C3D4E5F6G7:na",
        "other-app:A1B2C3D4E5F6G7:NA",
        "spapi-auth:not a partner!:NA",
        "spapi-auth::NA",
        "spapi-auth:" + "A" * 300 + ":NA",
    ],
)
def test_anything_else_is_no_handle(handle):
    assert parse_handle(handle) is None
