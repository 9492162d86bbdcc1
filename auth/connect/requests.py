"""Reading a connect-session request: each field checked, the first bad one named."""

from dataclasses import dataclass
from dataclasses import field

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.marketplaces import catalog
from auth.connect.return_urls import ReturnUrlRefused
from auth.connect.return_urls import check_return_url
from auth.errors import InvalidInput

MAX_REF = 128
MAX_TAGS = 20
MAX_TAG_KEY = 64
MAX_TAG_VALUE = 256
MIN_EXPIRES, MAX_EXPIRES, DEFAULT_EXPIRES = 60, 604800, 86400
REGIONS = ("NA", "EU", "FE")
FIELDS = {
    "customer_ref",
    "tags",
    "marketplace",
    "account",
    "expected_partner",
    "return_url",
    "expires_in",
    "selling_partner_id",
    "region",
}


class FieldError(InvalidInput):
    """One field of the request is unusable; ``field`` names it."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.field = name
        self.message = message


@dataclass(frozen=True)
class SessionRequest:
    """A checked request for a connect session."""

    customer_ref: str | None
    tags: dict[str, str] = field(default_factory=dict)
    tags_given: bool = False
    marketplace_id: str | None = None
    account_type: str = "seller"
    expected_partner: str | None = None
    return_url: str | None = None
    expires_in: int = DEFAULT_EXPIRES
    reauthorize: tuple[str, str] | None = None  # (selling partner ID, region)


def check_customer_ref(value: object) -> str:
    """1 to 128 printable characters."""
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_REF or not value.isprintable():
        raise FieldError("customer_ref", f"must be 1 to {MAX_REF} printable characters")
    return value


def check_tags(value: object) -> dict[str, str]:
    """An object of at most 20 string pairs, keys of at most 64 and values of 256 characters."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_TAGS:
        raise FieldError("tags", f"must be an object of at most {MAX_TAGS} string pairs")
    for key, item in value.items():
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_TAG_KEY or not key.isprintable():
            raise FieldError("tags", f"keys must be 1 to {MAX_TAG_KEY} printable characters")
        if not isinstance(item, str) or len(item) > MAX_TAG_VALUE:
            raise FieldError("tags", f"values must be strings of at most {MAX_TAG_VALUE} characters")
    return dict(value)


def read_request(body: dict, allowed_return_urls: tuple[str, ...]) -> SessionRequest:
    """Check every field of ``body``.

    :raises FieldError: naming the first unusable or unknown field.
    """
    unknown = sorted(k for k in body if k not in FIELDS)
    if unknown:
        raise FieldError(str(unknown[0])[:40], "is not a field of this request")
    reauthorize = None
    if "selling_partner_id" in body or "region" in body:
        partner, region = body.get("selling_partner_id"), body.get("region")
        if not isinstance(partner, str) or not SELLING_PARTNER_ID_RE.fullmatch(partner):
            raise FieldError("selling_partner_id", "must be a selling partner ID (letters and digits)")
        if region not in REGIONS:
            raise FieldError("region", f"must be one of {', '.join(REGIONS)}")
        reauthorize = (partner, region)
    # A re-authorization copies the stored customer when none is given.
    ref = body.get("customer_ref")
    customer_ref = None if reauthorize and ref is None else check_customer_ref(ref)
    account = body.get("account", "seller")
    if account not in ACCOUNT_TYPES:
        raise FieldError("account", f"must be one of {', '.join(ACCOUNT_TYPES)}")
    marketplace_id = None
    if body.get("marketplace") is not None:
        key = body["marketplace"]
        found = catalog().find(key) if isinstance(key, str) and len(key) <= 32 else None
        if found is None:
            raise FieldError("marketplace", "must be a country code or a marketplace ID")
        if found.central_url(account) is None:
            raise FieldError("marketplace", f"has no {account} central site")
        marketplace_id = found.marketplace_id
    expected = body.get("expected_partner")
    if expected is not None and (
        not isinstance(expected, str) or not SELLING_PARTNER_ID_RE.fullmatch(expected)
    ):
        raise FieldError("expected_partner", "must be a selling partner ID (letters and digits)")
    if reauthorize and expected is not None and expected != reauthorize[0]:
        raise FieldError("expected_partner", "must be the selling_partner_id being re-authorized")
    return_url = None
    if body.get("return_url") is not None:
        try:
            return_url = check_return_url(allowed_return_urls, body["return_url"])
        except ReturnUrlRefused as error:
            raise FieldError("return_url", str(error)) from None
    expires_in = body.get("expires_in", DEFAULT_EXPIRES)
    if (
        isinstance(expires_in, bool)
        or not isinstance(expires_in, int)
        or not (MIN_EXPIRES <= expires_in <= MAX_EXPIRES)
    ):
        raise FieldError(
            "expires_in", f"must be a whole number of seconds from {MIN_EXPIRES} to {MAX_EXPIRES}"
        )
    return SessionRequest(
        customer_ref=customer_ref,
        tags=check_tags(body.get("tags")),
        tags_given="tags" in body,
        marketplace_id=marketplace_id,
        account_type=account,
        expected_partner=reauthorize[0] if reauthorize else expected,
        return_url=return_url,
        expires_in=expires_in,
        reauthorize=reauthorize,
    )
