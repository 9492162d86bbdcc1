"""The simulated SP-API operations: the token check, the answers and their headers."""

import uuid

from flask import abort
from flask import jsonify
from flask import request

from auth.config.marketplaces import catalog
from auth.simulator.accounts import account_for
from web.simulator.instance import amazon


def vendor_purchase_orders(host: str):
    """Vendor Orders API ``getPurchaseOrders``: an empty page for an authorized vendor."""
    return _sp_api_answer(host, {"payload": {"orders": []}})


def marketplace_participations(host: str):
    """Sellers API ``getMarketplaceParticipations``: the token's account in the host's region."""
    region = _sp_api_region(host)
    refused = _refusal(host)
    if refused:
        return refused
    account = account_for(amazon().access_token_owner(request.headers.get("x-amz-access-token")))
    payload = [
        {
            "marketplace": {
                "id": m.marketplace_id,
                "countryCode": m.iso_country_code,
                "name": m.amazon_name,
                "defaultCurrencyCode": m.currency,
                "defaultLanguageCode": m.language,
                "domainName": m.domain,
            },
            "storeName": account.store_name,
            "participation": {"isParticipating": True, "hasSuspendedListings": False},
        }
        for m in account.marketplaces_in(region.code)
    ]
    return _sp_api_answer(host, {"payload": payload})


def search_listings_items(host: str, seller_id: str):
    """Listings Items API ``searchListingsItems``: answers only under the token's own seller ID."""
    _sp_api_region(host)
    refused = _refusal(host)
    if refused:
        return refused
    owner = amazon().access_token_owner(request.headers.get("x-amz-access-token"))
    if seller_id != owner:
        # As third parties report (UNCONFIRMED in Amazon's docs): another seller's ID is a 403.
        return _errors(403, "Unauthorized", "Access to requested resource is denied.", "")
    if not request.args.get("marketplaceIds"):
        return _errors(400, "InvalidInput", "Missing required parameter: marketplaceIds.", "")
    return _sp_api_answer(host, {"numberOfResults": 0, "items": []})


def _sp_api_region(host: str):
    """Return the region an SP-API host (production or sandbox) belongs to, or answer 404."""
    region = catalog().region_for_endpoint_host(host)
    if region is None:
        abort(404, "Unknown SP-API endpoint host.")
    return region


def _refusal(host: str):
    """The SP-API's 403 for a missing, unknown or expired access token, or None."""
    problem = amazon().access_token_problem(request.headers.get("x-amz-access-token"))
    if problem:
        return _errors(403, "Unauthorized", "Access to requested resource is denied.", problem)
    return None


def _errors(status: int, code: str, message: str, details: str):
    body = {"errors": [{"code": code, "message": message, "details": details}]}
    return jsonify(body), status, {"x-amzn-RequestId": str(uuid.uuid4())}


def _sp_api_answer(host: str, body: dict):
    """Check the access token as the SP-API does, then answer ``body``."""
    _sp_api_region(host)
    refused = _refusal(host)
    if refused:
        return refused
    headers = {"x-amzn-RequestId": str(uuid.uuid4()), "x-amzn-RateLimit-Limit": "0.0167"}
    return jsonify(body), 200, headers
