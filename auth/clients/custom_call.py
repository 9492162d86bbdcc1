"""A developer's own SP-API request from the console playground: read and checked field by
field before anything is sent, so bad input gets a precise answer and never reaches Amazon."""

import json
import re
from dataclasses import dataclass
from dataclasses import field

from auth.errors import InvalidInput

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PATH_RE = re.compile(r"/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]{0,2047}")
HEADER_NAME_RE = re.compile(r"[A-Za-z0-9\-]{1,64}")
# Headers the playground sets itself: the token (from step 1 or 2), the host and the length.
RESERVED_HEADERS = frozenset({"x-amz-access-token", "host", "content-length", "authorization"})
MAX_LINES = 50
MAX_BODY = 64 * 1024
DATA_ELEMENTS = ("buyerInfo", "shippingAddress", "buyerTaxInformation")


class CustomCallError(InvalidInput):
    """A field of the request is unusable; ``field`` names it, the message says why."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class CustomCall:
    """A checked request: method, path under the region's endpoint, query, headers, body."""

    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def parse_custom_call(method: str, path: str, query: str, headers: str, body: str) -> CustomCall:
    """Check every field of a hand-written request.

    :raises CustomCallError: naming the first unusable field.
    """
    method = (method or "").strip().upper()
    if method not in METHODS:
        raise CustomCallError("method", f"Choose one of {', '.join(METHODS)}.")
    path = (path or "").strip()
    if "?" in path:
        raise CustomCallError("path", "Put query parameters in the query field, not in the path.")
    if "{" in path or "}" in path:
        raise CustomCallError("path", "Replace the {placeholders} in the path with real values.")
    if not PATH_RE.fullmatch(path) or "//" in path or "/../" in path + "/":
        raise CustomCallError(
            "path", "The path starts with / and holds only URL characters, e.g. /sellers/v1/account."
        )
    pairs = _lines(query, "query")
    parsed_query = []
    for line in pairs:
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise CustomCallError("query", f"Write each query parameter as name=value (got {line[:40]!r}).")
        parsed_query.append((name.strip(), value.strip()))
    parsed_headers = {}
    for line in _lines(headers, "headers"):
        name, sep, value = line.partition(":")
        name = name.strip()
        if not sep or not HEADER_NAME_RE.fullmatch(name):
            raise CustomCallError("headers", f"Write each header as Name: value (got {line[:40]!r}).")
        if name.lower() in RESERVED_HEADERS:
            raise CustomCallError("headers", f"{name} is set by the playground itself.")
        parsed_headers[name] = value.strip()
    body = (body or "").strip() or None
    if body is not None:
        if method in ("GET", "DELETE"):
            raise CustomCallError("body", f"A {method} request carries no body (Amazon refuses one).")
        if len(body.encode()) > MAX_BODY:
            raise CustomCallError("body", "The body is larger than 64 KB.")
        try:
            json.loads(body)
        except (ValueError, RecursionError):
            raise CustomCallError("body", "The body is not valid JSON.") from None
    return CustomCall(method, path, parsed_query, parsed_headers, body)


def parse_resources(method: str, path: str, data_elements: list[str]) -> list[dict]:
    """The ``restrictedResources`` of a Restricted Data Token request.

    :raises CustomCallError: naming the unusable field.
    """
    method = (method or "").strip().upper()
    if method not in METHODS:
        raise CustomCallError("rdt_method", f"Choose one of {', '.join(METHODS)}.")
    path = (path or "").strip()
    if not PATH_RE.fullmatch(path.replace("{", "").replace("}", "")) or "//" in path:
        raise CustomCallError(
            "rdt_path", "Give the restricted operation's path, e.g. /orders/v0/orders/{orderId}/address."
        )
    unknown = [e for e in data_elements if e not in DATA_ELEMENTS]
    if unknown:
        raise CustomCallError("rdt_elements", f"Unknown data elements: {', '.join(unknown)[:100]}.")
    resource = {"method": method, "path": path}
    if data_elements:
        resource["dataElements"] = list(data_elements)
    return [resource]


def region_mismatch(token_region: str | None, endpoint_region: str) -> str | None:
    """A finding when a token of one region's authorization is sent to another region."""
    if not token_region or token_region == endpoint_region:
        return None
    return (
        f"This token comes from an authorization in {token_region}, but the call goes to the "
        f"{endpoint_region} endpoint. A selling partner authorizes per region: Amazon answers 403 "
        f"Unauthorized, or (where the partner also sells in {endpoint_region}) data that is not "
        f"what this authorization covers. Call the {token_region} endpoint, or authorize in "
        f"{endpoint_region} too."
    )


def _lines(text: str, field_name: str) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise CustomCallError(field_name, f"At most {MAX_LINES} lines.")
    if any(len(line) > 2048 for line in lines):
        raise CustomCallError(field_name, "A line is longer than 2048 characters.")
    return lines
