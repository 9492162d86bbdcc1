"""Restricted Data Tokens through the Tokens API, asked with an authorization's access token;
Amazon's refusals and unexpected bodies become ``ServiceError`` with what Amazon said."""

import json

from auth.clients.spapi_client import call_operation
from auth.config.marketplaces import catalog
from auth.tokens.refusals import ServiceError

RDT_PATH = "/tokens/2021-03-01/restrictedDataToken"
MAX_RESOURCES = 50


def check_resources(resources) -> None:
    """Refuse anything but a list of 1 to 50 restricted resources."""
    if not isinstance(resources, list) or not resources or len(resources) > MAX_RESOURCES:
        raise ServiceError("invalid_request", "restricted_resources must be a list of 1 to 50 resources")


def ask_tokens_api(access_token: str, region: str, resources: list, target_application, url_for_amazon):
    """Call createRestrictedDataToken; return ``(outcome, answer)`` where ``answer`` is
    ``{"restricted_data_token", "expires_in"}`` or the ``ServiceError`` to raise."""
    body = {"restrictedResources": resources}
    if target_application:
        body["targetApplication"] = str(target_application)[:200]
    answer = call_operation(
        catalog().regions[region],
        access_token,
        "POST",
        RDT_PATH,
        body=json.dumps(body),
        sandbox=False,
        url_for_amazon=url_for_amazon,
    )
    if answer.status != 200:
        return f"amazon_{answer.status}", ServiceError(
            "amazon_error",
            answer.error or "The Tokens API refused the request",
            answer.status if answer.status in (400, 403, 404, 429) else 502,
            amazon_status=answer.status,
            amazon_errors=_errors_of(answer.body),
            request_id=answer.request_id,
        )
    data = _rdt_of(answer.body)
    if data is None:
        return "amazon_bad_body", ServiceError(
            "amazon_error",
            "The Tokens API answered 200 without a restrictedDataToken and expiresIn",
            502,
            amazon_status=answer.status,
            request_id=answer.request_id,
        )
    return "ok", data


def _errors_of(body: str) -> list:
    try:
        errors = json.loads(body).get("errors")
    except (ValueError, AttributeError, RecursionError):
        return []
    return errors if isinstance(errors, list) else []


def _rdt_of(body: str) -> dict | None:
    """The token and lifetime of a Tokens API answer, or None when it is not that shape."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    token, expires = data.get("restrictedDataToken"), data.get("expiresIn")
    if not isinstance(token, str) or not token or not isinstance(expires, int) or isinstance(expires, bool):
        return None
    return {"restricted_data_token": token, "expires_in": expires}
