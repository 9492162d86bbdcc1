"""A test call to the SP-API with an access token, recorded for display."""

import time
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import requests

from auth.clients.bounded import ResponseTooLarge
from auth.clients.bounded import bounded_session
from auth.clients.exchange import Exchange
from auth.clients.exchange import record_exchange
from auth.config.marketplaces import Region

USER_AGENT = "spapi-auth/0.1 (Language=Python/3.11; Platform=Linux)"
SELLER_TEST_PATH = "/sellers/v1/marketplaceParticipations"
# UNCONFIRMED which call best proves a vendor authorization: the Vendor Orders API's
# getPurchaseOrders over the last day is read-only, cheap, and needs only the vendor role.
VENDOR_TEST_PATH = "/vendor/orders/v1/purchaseOrders"
TIMEOUT = (3.05, 15)
# The largest SP-API answer read (reports are downloaded elsewhere, never through here), and
# the whole exchange's bound however slowly the answer trickles in.
MAX_BODY = 10 * 1024 * 1024
DEADLINE = 30.0


@dataclass(frozen=True)
class CallResult:
    """What the SP-API answered, with the headers a developer needs to quote."""

    exchange: Exchange | None
    status: int | None
    request_id: str | None
    rate_limit: str | None
    body: str
    error: str | None = None
    method: str = "GET"
    url: str = ""
    elapsed_ms: int = 0


def run_test_call(
    region: Region, access_token: str, *, account_type: str, sandbox: bool, url_for_amazon, signer=None
) -> CallResult:
    """Call the region's SP-API with ``access_token``: the seller or vendor test operation.

    ``url_for_amazon`` maps Amazon URLs to where this app reaches them (the simulator or
    Amazon); ``signer`` optionally signs the request (legacy SigV4).
    """
    params = {}
    path = SELLER_TEST_PATH
    if account_type == "vendor":
        path = VENDOR_TEST_PATH
        since = datetime.now(UTC) - timedelta(days=1)
        params = {"limit": "1", "createdAfter": since.strftime("%Y-%m-%dT%H:%M:%SZ")}
    return call_operation(
        region,
        access_token,
        "GET",
        path,
        params,
        sandbox=sandbox,
        url_for_amazon=url_for_amazon,
        signer=signer,
    )


def call_operation(
    region: Region,
    access_token: str,
    method: str,
    path: str,
    query: dict[str, str] | list[tuple[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    *,
    sandbox: bool,
    url_for_amazon,
    signer=None,
) -> CallResult:
    """Make any SP-API call (``path`` under the region's endpoint) and record it."""
    base = region.sandbox_endpoint if sandbox else region.endpoint
    url = url_for_amazon(base + path)
    sent = {
        "x-amz-access-token": access_token,
        "user-agent": USER_AGENT,
        "x-amz-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
    }
    if body:
        sent["content-type"] = "application/json"
    # The developer's own headers may add to ours, never replace the token.
    sent.update({k: v for k, v in (headers or {}).items() if k.lower() != "x-amz-access-token"})
    request = requests.Request(method, url, params=query or {}, headers=sent, data=body or None).prepare()
    if signer is not None:
        signer(request, region)
    started = time.monotonic()
    try:
        with bounded_session(DEADLINE, MAX_BODY) as session:
            # Never follow a redirect: requests would resend x-amz-access-token to any host.
            response = session.send(request, timeout=TIMEOUT, allow_redirects=False)
    except ResponseTooLarge:
        return CallResult(
            None,
            None,
            None,
            None,
            "",
            f"the SP-API answered more than {MAX_BODY // (1024 * 1024)} MB",
            method=method,
            url=base + path,
        )
    except requests.RequestException as error:
        return CallResult(
            None,
            None,
            None,
            None,
            "",
            f"{type(error).__name__}: the SP-API could not be reached",
            method=method,
            url=base + path,
        )
    return CallResult(
        exchange=record_exchange(response),
        status=response.status_code,
        request_id=response.headers.get("x-amzn-RequestId"),
        rate_limit=response.headers.get("x-amzn-RateLimit-Limit"),
        body=response.text[:20000],
        method=method,
        url=base + path,
        elapsed_ms=int((time.monotonic() - started) * 1000),
    )
