"""The simulated SP-API: every operation in Amazon's models, answered with the model's shapes,
usage-plan headers and, on the sandbox hosts, the model's static sandbox answers.

A few operations answer from the simulated account (participations, account, listings search)
or issue something (Restricted Data Tokens); every other modelled operation answers its
model's first success example. Paths no model knows get the JSON errors list a client expects.
"""

import copy
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask import abort
from flask import jsonify
from flask import request

from auth.config.marketplaces import catalog
from auth.lifecycle import sqs
from auth.lifecycle.notifications import new_secret_notification
from auth.simulator import amazon_models
from auth.simulator.accounts import account_for
from auth.simulator.restricted import RDT_PREFIX
from web.shared.services import services
from web.simulator.instance import amazon

# Grantless operations and the scope their token must carry.
GRANTLESS = {"rotateApplicationClientSecret": "sellingpartnerapi::client_credential:rotation"}
DENIED = "Access to requested resource is denied."


def vendor_purchase_orders(host: str):
    """Vendor Orders API ``getPurchaseOrders``: an empty page for an authorized vendor."""
    _sp_api_region(host)
    problem = amazon().access_token_problem(request.headers.get("x-amz-access-token"))
    if problem:
        return _errors(403, "Unauthorized", DENIED, problem)
    return _answer(200, {"payload": {"orders": []}}, rate="10")


def operation(host: str, path: str):
    """Any SP-API call on a simulated SP-API host."""
    region = _sp_api_region(host)
    path = "/" + path
    found = amazon_models.find(request.method, path)
    if found is None:
        # The models' documented 404 shape. (Amazon's API Gateway has been seen answering 403
        # MissingAuthenticationToken for unknown paths; a JSON errors list either way.)
        return _errors(404, "NotFound", "The requested resource does not exist.", "")
    op, path_parameters = found
    token = request.headers.get("x-amz-access-token")
    sandbox = host.startswith("sandbox.")
    owner, problem = _check_token(op, token, path, sandbox)
    if problem:
        return _errors(403, "Unauthorized", DENIED, problem, error_type="AccessDeniedException")
    body = _json_body()
    if sandbox:
        status, answer = amazon_models.sandbox_answer(
            op, path_parameters, request.args.to_dict(flat=False), body
        )
    else:
        live = LIVE.get(op.operation_id)
        status, answer = (
            live(op, path_parameters, owner, region, body) if live else amazon_models.example_answer(op)
        )
    return _answer(status, answer, rate=op.rate)


def _check_token(op, token: str | None, path: str, sandbox: bool) -> tuple[str | None, str | None]:
    """(the selling partner the token opens, why it is refused or None)."""
    simulated = amazon()
    if sandbox and token and token.startswith(RDT_PREFIX):
        return simulated.rdt_owner(token), None if simulated.rdt_owner(token) else "Unknown token."
    if sandbox:
        # UNCONFIRMED: the sandbox answers static data without PII, so the simulator asks only
        # for a valid access token there, not for an RDT.
        return simulated.access_token_owner(token), simulated.access_token_problem(
            token, grantless_ok=op.operation_id in GRANTLESS
        )
    if op.operation_id in GRANTLESS:
        return None, simulated.grantless_problem(token, GRANTLESS[op.operation_id])
    if token and token.startswith(RDT_PREFIX):
        return simulated.rdt_owner(token), simulated.restricted_problem(token, op.operation_id, path)
    problem = simulated.access_token_problem(token) or simulated.restricted_problem(
        token, op.operation_id, path
    )
    return simulated.access_token_owner(token), problem


def _participations(op, _parameters, owner, region, _body):
    account = account_for(owner)
    return 200, {"payload": _participation_list(account, region)}


def _account(op, _parameters, owner, region, _body):
    account = account_for(owner)
    status, example = amazon_models.example_answer(op)
    payload = copy.deepcopy(example["payload"])
    payload["marketplaceParticipationList"] = _participation_list(account, region)
    payload["business"]["name"] = account.store_name
    return status, {"payload": payload}


def _search_listings(op, parameters, owner, _region, _body):
    if parameters["sellerId"] != owner:
        # As third parties report (UNCONFIRMED in Amazon's docs): another seller's ID is a 403.
        return 403, _error_body("Unauthorized", DENIED, "")
    if not request.args.get("marketplaceIds"):
        return 400, _error_body("InvalidInput", "Missing required parameter: marketplaceIds.", "")
    return 200, {"numberOfResults": 0, "items": []}


def _restricted_data_token(op, _parameters, owner, _region, body):
    if owner is None or request.headers.get("x-amz-access-token", "").startswith(RDT_PREFIX):
        # Only a selling partner's own access token can ask for an RDT.
        return 403, _error_body("Unauthorized", DENIED, "A selling partner's access token is required.")
    return amazon().create_restricted_data_token(owner, body)


def _rotate_client_secret(op, _parameters, _owner, _region, _body):
    settings = services().settings
    if not settings.rotation_queue_url:
        # No SQS destination is registered for the simulated app: Amazon's documented refusal.
        return next((s, r) for s, _p, r in op.sandbox_cases() if s == 400)
    new_secret, old_until = amazon().rotate_client_secret(settings.simulator_old_secret_seconds)
    now = datetime.now(UTC)
    sqs.send(
        settings.rotation_queue_url,
        new_secret_notification(
            settings.application_id,
            settings.lwa_client_id,
            new_secret,
            now + timedelta(days=180),
            datetime.fromtimestamp(old_until, UTC),
        ),
    )
    return 204, None


LIVE = {
    "rotateApplicationClientSecret": _rotate_client_secret,
    "getMarketplaceParticipations": _participations,
    "getAccount": _account,
    "searchListingsItems": _search_listings,
    "createRestrictedDataToken": _restricted_data_token,
}


def _participation_list(account, region) -> list[dict]:
    return [
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


def _sp_api_region(host: str):
    """Return the region an SP-API host (production or sandbox) belongs to, or answer 404."""
    region = catalog().region_for_endpoint_host(host)
    if region is None:
        abort(404, "Unknown SP-API endpoint host.")
    return region


def _json_body():
    if not request.data:
        return None
    try:
        return request.get_json(force=True, silent=True)
    except RecursionError:  # absurdly nested input is simply not a body the sandbox knows
        return None


def _error_body(code: str, message: str, details: str) -> dict:
    return {"errors": [{"code": code, "message": message, "details": details}]}


def _errors(status: int, code: str, message: str, details: str, error_type: str | None = None):
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    if error_type:
        headers["x-amzn-ErrorType"] = error_type
    return jsonify(_error_body(code, message, details)), status, headers


def _answer(status: int, body, rate: str | None = None):
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    if rate:
        headers["x-amzn-RateLimit-Limit"] = rate
    if status == 204:
        return "", 204, headers
    return jsonify(body), status, headers
