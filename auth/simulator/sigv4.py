"""The simulator's own SigV4 verifier (written from AWS's published algorithm, sharing no code
with botocore, so it can catch a signer that is wrong)."""

import hashlib
import hmac
import re
from datetime import UTC
from datetime import datetime
from urllib.parse import quote

from auth.errors import AppError

AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)"
    r"/aws4_request, ?SignedHeaders=(?P<signed>[a-z0-9;-]+), ?Signature=(?P<signature>[0-9a-f]{64})$"
)
MAX_SKEW = 15 * 60


class SignatureProblem(AppError):
    """Why a request's signature is refused, as PA-API 5 names it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def parse_authorization(value: str) -> dict:
    """The parts of a SigV4 ``Authorization`` header.

    :raises SignatureProblem: IncompleteSignature when it is not one.
    """
    match = AUTH_RE.match(value or "")
    if not match:
        raise SignatureProblem(
            "IncompleteSignature", "The request signature does not conform to AWS standards."
        )
    return match.groupdict()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def expected_signature(secret: str, parts: dict, method: str, path: str, headers: dict, body: bytes) -> str:
    """The signature AWS computes for this request with ``secret``."""
    signed = parts["signed"].split(";")
    canonical_headers = "".join(f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in signed)
    canonical = "\n".join(
        [
            method,
            quote(path, safe="/~"),
            "",
            canonical_headers,
            parts["signed"],
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{parts['date']}/{parts['region']}/{parts['service']}/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            headers.get("x-amz-date", ""),
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = _hmac(("AWS4" + secret).encode(), parts["date"])
    for piece in (parts["region"], parts["service"], "aws4_request"):
        key = _hmac(key, piece)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def verify(
    secret: str,
    parts: dict,
    method: str,
    path: str,
    headers: dict,
    body: bytes,
    *,
    region: str,
    service: str,
    now: datetime | None = None,
) -> None:
    """Check a signed request as PA-API 5 does (``headers`` with lower-case names).

    :raises SignatureProblem: naming the PA-API error (InvalidSignature, RequestExpired, ...).
    """
    if "host" not in parts["signed"].split(";") or "x-amz-date" not in headers:
        raise SignatureProblem("IncompleteSignature", "The host header and X-Amz-Date must be signed.")
    if parts["service"] != service or parts["region"] != region:
        raise SignatureProblem(
            "InvalidSignature",
            f"Credential should be scoped to a valid region ({region}) and service ({service}).",
        )
    try:
        signed_at = datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise SignatureProblem("IncompleteSignature", "X-Amz-Date is not an ISO 8601 basic time.") from None
    now = now or datetime.now(UTC)
    if abs((now - signed_at).total_seconds()) > MAX_SKEW:
        raise SignatureProblem("RequestExpired", "Request has expired: signed more than 15 minutes from now.")
    wanted = expected_signature(secret, parts, method, path, headers, body)
    if not hmac.compare_digest(wanted, parts["signature"]):
        raise SignatureProblem(
            "InvalidSignature",
            "The request signature we calculated does not match the signature you provided.",
        )
