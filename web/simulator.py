"""The built-in Amazon simulator: consent pages, LWA token endpoint, a Sellers API call.

Mounted under ``/simulator/<amazon host>/...`` so each Amazon URL maps to one simulator URL
(``Settings.amazon_url``). Only this blueprint knows it is not Amazon.
"""

import uuid
from urllib.parse import urlencode

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request

from auth.callback import SELLING_PARTNER_ID_RE
from auth.marketplaces import catalog
from auth.settings import SIMULATOR_PATH
from auth.simulated_amazon import Registration
from auth.simulated_amazon import SimulatedAmazon
from auth.simulated_amazon import new_selling_partner_id
from web.services import services

bp = Blueprint("simulator", __name__, url_prefix=SIMULATOR_PATH)
CONSENT = "/<host>/apps/authorize/consent"
CONFIRM = "/<host>/apps/authorize/confirm/<application_id>"
TOKEN = "/api.amazon.com/auth/o2/token"
MAX_FIELD = 2048


def amazon() -> SimulatedAmazon:
    """Return the app's simulated Amazon, created on first use from the app's settings."""
    simulated = current_app.extensions.get("spapi_simulator")
    if simulated is None:
        settings = services().settings
        uris = tuple(
            u.strip() for u in current_app.config["SPAPI_SIMULATOR_REDIRECT_URIS"].split(",") if u.strip()
        )
        simulated = current_app.extensions["spapi_simulator"] = SimulatedAmazon(
            Registration(
                application_id=settings.application_id,
                status=current_app.config["SPAPI_SIMULATOR_APP_STATUS"],
                client_id=settings.lwa_client_id,
                client_secret=settings.lwa_client_secret,
                redirect_uris=uris,
                login_uri=settings.login_uri,
            )
        )
    return simulated


@bp.app_context_processor
def simulator_banner():
    """Tell every page that Amazon is simulated, so nobody mistakes it for the real thing."""
    return {"simulator_on": True}


def _central(host: str) -> tuple:
    found = catalog().central_for_host(host)
    if found is None:
        abort(404, f"{host[:80]} is not a Seller Central or Vendor Central host the simulator knows.")
    return found


def _arg(source, name: str) -> str | None:
    value = source.get(name)
    if value is not None and len(value) > MAX_FIELD:
        abort(400, f"{name} is longer than {MAX_FIELD} characters.")
    return value


@bp.get("/")
def index():
    """Explain the simulator and offer the Appstore workflow's entry point."""
    return render_template(
        "simulator/index.html", marketplaces=catalog().marketplaces, registration=amazon().registration
    )


@bp.get("/<host>/apps/appstore")
def appstore(host: str):
    """The app's Appstore detail page: "Authorize now" opens the consent page."""
    region, account_type = _central(host)
    if account_type != "seller":
        abort(404, "The Selling Partner Appstore exists only for sellers.")
    return render_template(
        "simulator/appstore.html", host=host, region=region, registration=amazon().registration
    )


@bp.get(CONSENT)
def consent(host: str):
    """Amazon's consent page, or the error page Amazon would show instead."""
    region, account_type = _central(host)
    args = {name: _arg(request.args, name) for name in ("application_id", "state", "version", "redirect_uri")}
    appstore_mode = request.args.get("workflow") == "appstore"
    error = amazon().consent_error(args["application_id"], args["version"], args["redirect_uri"])
    if error:
        return render_template("simulator/error.html", code=error, host=host), 400
    return render_template(
        "simulator/consent.html",
        host=host,
        region=region,
        account_type=account_type,
        args=args,
        appstore_mode=appstore_mode,
        selling_partner_id=new_selling_partner_id(),
        registration=amazon().registration,
    )


@bp.post(CONSENT)
def decide(host: str):
    """The partner's choice on the consent page: confirm, cancel, or continue to the app."""
    _central(host)
    form = {
        name: _arg(request.form, name)
        for name in (
            "application_id",
            "state",
            "version",
            "redirect_uri",
            "selling_partner_id",
            "decision",
            "user",
        )
    }
    simulated = amazon()
    error = simulated.consent_error(form["application_id"], form["version"], form["redirect_uri"])
    if error:
        return render_template("simulator/error.html", code=error, host=host), 400
    redirect_uri = simulated.resolve_redirect_uri(form["redirect_uri"])
    if form["decision"] == "cancel":
        # Amazon documents no error parameter for a cancelled consent: the partner comes back
        # with our state and no code (or, as some report, not at all).
        return redirect(_with_query(redirect_uri, {"state": form["state"] or ""}), code=303)
    if form["user"] == "secondary":
        return render_template("simulator/error.html", code="SPDC8143", host=host), 403
    selling_partner_id = form["selling_partner_id"] or ""
    if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        abort(400, "Enter a selling partner ID of letters and digits.")
    if form["decision"] == "appstore":
        callback = f"https://{host}/apps/authorize/confirm/{simulated.registration.application_id}"
        params = {
            "amazon_callback_uri": services().settings.amazon_url(callback),
            "amazon_state": simulated.start_appstore(selling_partner_id, host),
            "selling_partner_id": selling_partner_id,
        }
        if simulated.registration.status == "draft":
            params["version"] = "beta"
        return redirect(_with_query(simulated.registration.login_uri, params), code=303)
    return redirect(_code_redirect(redirect_uri, form["state"] or "", selling_partner_id), code=303)


@bp.get(CONFIRM)
def confirm(host: str, application_id: str):
    """Where the Login URI sends the browser back (Appstore workflow): issue the code."""
    _central(host)
    simulated = amazon()
    args = {name: _arg(request.args, name) for name in ("redirect_uri", "amazon_state", "state", "version")}
    error = simulated.consent_error(application_id, args["version"], args["redirect_uri"])
    if error:
        return render_template("simulator/error.html", code=error, host=host), 400
    selling_partner_id = simulated.finish_appstore(args["amazon_state"], host)
    if selling_partner_id is None or not args["state"]:
        # UNCONFIRMED which code Amazon shows for a bad amazon_state; MD5100 covers URL errors.
        return render_template("simulator/error.html", code="MD5100", host=host), 400
    redirect_uri = simulated.resolve_redirect_uri(args["redirect_uri"])
    return redirect(_code_redirect(redirect_uri, args["state"], selling_partner_id), code=302)


@bp.post(TOKEN)
def token_endpoint():
    """The LWA token endpoint."""
    if request.args and not request.form:
        # Amazon's FAQ: parameters in the query string instead of the body give a 500.
        return jsonify(error="server_error", error_description="Internal server error"), 500
    if request.is_json:
        data = request.get_json(silent=True)
        form = {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    else:
        form = request.form.to_dict()
    answer = amazon().token(form)
    response = jsonify(answer.body)
    response.status_code = answer.status
    response.headers["Pragma"] = "no-cache"
    return response


@bp.route("/self-authorize", methods=["GET", "POST"])
def self_authorize():
    """Seller Central's "Authorize app" button: a refresh token for the developer's own account."""
    token = None
    selling_partner_id = request.form.get("selling_partner_id") or new_selling_partner_id()
    if request.method == "POST":
        if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
            abort(400, "Enter a selling partner ID of letters and digits.")
        token = amazon().self_authorize(selling_partner_id)
    return render_template(
        "simulator/self_authorize.html", token=token, selling_partner_id=selling_partner_id
    )


@bp.get("/<host>/vendor/orders/v1/purchaseOrders")
def vendor_purchase_orders(host: str):
    """Vendor Orders API ``getPurchaseOrders``: an empty page for an authorized vendor."""
    return _sp_api_answer(host, {"payload": {"orders": []}})


@bp.get("/<host>/sellers/v1/marketplaceParticipations")
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


def _code_redirect(redirect_uri: str, state: str, selling_partner_id: str) -> str:
    """Issue a code and return the Redirect URI call that carries it."""
    code = amazon().issue_code(selling_partner_id, redirect_uri)
    params = {"state": state, "selling_partner_id": selling_partner_id, "spapi_oauth_code": code}
    return _with_query(redirect_uri, params)


def _with_query(url: str, params: dict[str, str]) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode(params)}"
