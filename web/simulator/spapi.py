"""The simulated SP-API operations: the token check, the answers and their headers."""

import uuid

from flask import abort
from flask import jsonify
from flask import request

from auth.config.marketplaces import catalog
from web.simulator.instance import amazon


def vendor_purchase_orders(host: str):
    """Vendor Orders API ``getPurchaseOrders``: an empty page for an authorized vendor."""
    return _sp_api_answer(host, {"payload": {"orders": []}})


def marketplace_participations(host: str):
    """Sellers API ``getMarketplaceParticipations`` for the region of ``host``."""
    region = _sp_api_region(host)
    payload = [
        {
            "marketplace": {"id": m.marketplace_id, "countryCode": m.country_code, "name": m.name},
            "storeName": "Simulated store",
            "participation": {"isParticipating": True, "hasSuspendedListings": False},
        }
        for m in catalog().marketplaces
        if m.region == region
    ]
    return _sp_api_answer(host, {"payload": payload})


def _sp_api_region(host: str):
    """Return the region an SP-API host (production or sandbox) belongs to, or answer 404."""
    region = catalog().region_for_endpoint_host(host)
    if region is None:
        abort(404, "Unknown SP-API endpoint host.")
    return region


def _sp_api_answer(host: str, body: dict):
    """Check the access token as the SP-API does, then answer ``body``."""
    _sp_api_region(host)
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    problem = amazon().access_token_problem(request.headers.get("x-amz-access-token"))
    if problem:
        error = {
            "errors": [
                {
                    "code": "Unauthorized",
                    "message": "Access to requested resource is denied.",
                    "details": problem,
                }
            ]
        }
        return jsonify(error), 403, headers
    headers["x-amzn-RateLimit-Limit"] = "0.0167"
    return jsonify(body), 200, headers
