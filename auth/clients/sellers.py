"""Short SP-API calls that show whose token a new access token is: the Sellers API's
marketplace participations and a Listings Items search under a given seller ID.

Both run right after a code exchange, inside the seller's wait, so they have tight timeouts
and never raise: a failure is an answer (``ok=False``) with the reason.
"""

from dataclasses import dataclass

import requests

from auth.clients.bounded import ResponseTooLarge
from auth.clients.bounded import bounded_session
from auth.clients.spapi_client import USER_AGENT
from auth.config.marketplaces import Region

PARTICIPATIONS_PATH = "/sellers/v1/marketplaceParticipations"
LISTINGS_SEARCH_PATH = "/listings/2021-08-01/items/{seller_id}"
# Connect and read timeouts for one evidence call (seconds); the seller is waiting.
EVIDENCE_TIMEOUT = (2, 4)
# Both evidence calls together, however the answers trickle in.
EVIDENCE_BUDGET = 6.0
MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class ApiAnswer:
    """One evidence call's outcome: the status and JSON body, or why there is none."""

    ok: bool
    status: int | None = None
    body: dict | None = None
    problem: str | None = None


def get_json(url: str, access_token: str, params: dict | None = None, deadline: float = 4.0) -> ApiAnswer:
    """GET an SP-API URL with ``access_token`` within ``deadline`` seconds; never raises."""
    headers = {"x-amz-access-token": access_token, "user-agent": USER_AGENT, "accept": "application/json"}
    connect, read = EVIDENCE_TIMEOUT
    try:
        with bounded_session(deadline, MAX_BODY) as session:
            # No redirects: the access token must never travel to another host.
            response = session.get(
                url,
                params=params,
                headers=headers,
                timeout=(connect, min(read, deadline)),
                allow_redirects=False,
            )
    except ResponseTooLarge:
        return ApiAnswer(False, problem="the SP-API answered more than 256 KB")
    except requests.RequestException as error:
        return ApiAnswer(False, problem=f"{type(error).__name__}: the SP-API could not be reached in time")
    status = response.status_code
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return ApiAnswer(False, status, problem=f"HTTP {status} with a body that is not JSON")
    if not isinstance(body, dict):
        return ApiAnswer(False, status, problem=f"HTTP {status} with an unexpected JSON body")
    return ApiAnswer(200 <= status < 300, status, body, None if status < 300 else f"HTTP {status}")


def marketplace_participations(
    region: Region, access_token: str, url_for_amazon, deadline: float = 4.0
) -> ApiAnswer:
    """``getMarketplaceParticipations`` for the token's account."""
    return get_json(url_for_amazon(region.endpoint + PARTICIPATIONS_PATH), access_token, deadline=deadline)


def search_listings(
    region: Region,
    access_token: str,
    seller_id: str,
    marketplace_id: str,
    url_for_amazon,
    deadline: float = 4.0,
) -> ApiAnswer:
    """``searchListingsItems`` under ``seller_id``: one item at most."""
    url = url_for_amazon(region.endpoint + LISTINGS_SEARCH_PATH.format(seller_id=seller_id))
    return get_json(url, access_token, {"marketplaceIds": marketplace_id, "pageSize": "1"}, deadline)
