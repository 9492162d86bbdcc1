"""The opaque "refresh token" a worker holds instead of the real one: a handle naming a stored
authorization, ``spapi-auth:<selling partner ID>:<region>``."""

from auth.config.identifiers import SELLING_PARTNER_ID_RE

PREFIX = "spapi-auth"
REGIONS = ("NA", "EU", "FE")


def make_handle(selling_partner_id: str, region: str) -> str:
    """The handle of a stored authorization."""
    return f"{PREFIX}:{selling_partner_id}:{region}"


def parse_handle(handle: str | None) -> tuple[str, str] | None:
    """(selling partner ID, region) of a well-formed handle, else None."""
    if not handle or len(handle) > 200:
        return None
    prefix, _, rest = handle.partition(":")
    selling_partner_id, _, region = rest.rpartition(":")
    if prefix != PREFIX or region not in REGIONS or not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        return None
    return selling_partner_id, region
