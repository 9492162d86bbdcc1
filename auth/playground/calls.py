"""What the page knows about SP-API calls: the record it keeps of each (masked, with a
copy-paste curl command) and which operations return each Restricted Data Token element."""

from dataclasses import asdict
from urllib.parse import urlsplit

from auth.clients.exchange import as_curl
from auth.clients.spapi_client import CallResult
from auth.config.marketplaces import catalog
from auth.playground.workspace import AccessToken
from auth.playground.workspace import CallRecord
from auth.simulator.restricted import restricted_operations


def record_call(result: CallResult, region_code: str, access: AccessToken | None, **extra) -> CallRecord:
    """A call's result as the workspace keeps it: the exchange masked, the summary's facts."""
    host = urlsplit(result.url).hostname or ""
    endpoint_region = catalog().region_for_endpoint_host(host)
    exchange = asdict(result.exchange) if result.exchange else None
    curl = (
        as_curl(exchange["method"], exchange["url"], exchange["request_headers"], exchange["request_body"])
        if exchange
        else ""
    )
    return CallRecord(
        status=result.status,
        method=result.method,
        url=result.url,
        host=host,
        region=endpoint_region.code if endpoint_region else region_code,
        body=result.body,
        error=result.error,
        request_id=result.request_id,
        rate_limit=result.rate_limit,
        elapsed_ms=result.elapsed_ms,
        selling_partner_id=access.selling_partner_id if access else None,
        token_region=access.region if access else None,
        exchange=exchange,
        curl=curl,
        **extra,
    )


def operations_by_data_element() -> dict[str, list[str]]:
    """Which Orders API operations return each RDT data element (Amazon's Tokens API guide)."""
    found: dict[str, list[str]] = {}
    for operation, rule in restricted_operations().items():
        for element in rule.get("data_elements", []):
            found.setdefault(element, []).append(operation)
    return found
