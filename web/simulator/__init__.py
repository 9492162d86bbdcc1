"""The built-in Amazon simulator: consent pages, the LWA token endpoint and SP-API operations.

Mounted under ``/simulator/<amazon host>/...`` so each Amazon URL maps to one simulator URL
(``Settings.amazon_url``). Only this package knows it is not Amazon; the behaviour it
follows lives in ``auth.simulator``.
"""

from flask import Blueprint

from auth.config.settings import SIMULATOR_PATH
from web.simulator import associates
from web.simulator import consent
from web.simulator import controls
from web.simulator import lwa
from web.simulator import spapi

CONSENT = "/<host>/apps/authorize/consent"
CONFIRM = "/<host>/apps/authorize/confirm/<application_id>"
TOKEN = "/api.amazon.com/auth/o2/token"


def simulator_banner() -> dict:
    """Tell every page that Amazon is simulated, so nobody mistakes it for the real thing."""
    return {"simulator_on": True}


def create_blueprint() -> Blueprint:
    """The simulator's routes, one line each."""
    bp = Blueprint("simulator", __name__, url_prefix=SIMULATOR_PATH)
    bp.app_context_processor(simulator_banner)
    bp.add_url_rule("/", view_func=consent.index, methods=["GET"])
    bp.add_url_rule("/<host>/apps/appstore", view_func=consent.appstore, methods=["GET"])
    bp.add_url_rule(CONSENT, view_func=consent.consent, methods=["GET"])
    bp.add_url_rule(CONSENT, view_func=consent.decide, methods=["POST"])
    bp.add_url_rule(CONFIRM, view_func=consent.confirm, methods=["GET"])
    bp.add_url_rule(TOKEN, view_func=lwa.token_endpoint, methods=["POST"])
    bp.add_url_rule("/self-authorize", view_func=lwa.self_authorize, methods=["GET", "POST"])
    bp.add_url_rule("/associates/", "associates_index", associates.index, methods=["GET"])
    bp.add_url_rule("/associates/<host>/oauth2/token", view_func=associates.cognito_token, methods=["POST"])
    bp.add_url_rule("/associates/<host>/auth/o2/token", view_func=associates.lwa_token, methods=["POST"])
    bp.add_url_rule(
        "/associates/creatorsapi.amazon/catalog/v1/getItems", view_func=associates.get_items, methods=["POST"]
    )
    bp.add_url_rule(
        "/associates/<host>/paapi5/getitems", view_func=associates.paapi_get_items, methods=["POST"]
    )
    bp.add_url_rule("/controls/revoke", view_func=controls.revoke, methods=["POST"])
    bp.add_url_rule("/controls/outage", view_func=controls.outage, methods=["POST"])
    bp.add_url_rule("/controls/expiry-notice", view_func=controls.expiry_notice, methods=["POST"])
    bp.add_url_rule(
        "/<host>/vendor/orders/v1/purchaseOrders", view_func=spapi.vendor_purchase_orders, methods=["GET"]
    )
    bp.add_url_rule(
        "/<host>/<path:path>",
        view_func=spapi.operation,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    )
    return bp
