"""The simulated Tokens API: Restricted Data Tokens (RDTs) for restricted operations, and the
check a restricted operation makes of the token it is given.

Which operations are restricted, and which data elements each may be asked for, lives in
``data/restricted.toml``. The simulated app holds every restricted role; its RDTs live in
the database like every other grant, so each worker honours what another issued.
"""

import functools
import json
import secrets
import tomllib
from pathlib import Path

from auth.simulator import amazon_models

RESTRICTED_FILE = Path(__file__).parent / "data" / "restricted.toml"
RDT_TTL = 3600
MAX_RESOURCES = 50
RDT_PREFIX = "Atz.sprdt|"
# Amazon's own wordings, as developers have reported them (see the explainer's catalog).
NO_RESOURCES = "Empty target resource argument found"
NOT_RESTRICTED = "Application do not have access to some or all requested resource"
BAD_ELEMENTS = "Application does not have access to one or more requested data elements: {}"
# UNCONFIRMED: Amazon does not publish the refusal a restricted operation gives a plain access
# token; the simulator answers the documented 403 shape with this detail.
RDT_REQUIRED = "A restricted data token is required for this operation."


@functools.cache
def restricted_operations() -> dict[str, dict]:
    """operationId -> {"required": bool, "data_elements": [...]}, from the data file."""
    with RESTRICTED_FILE.open("rb") as handle:
        return tomllib.load(handle)


def invalid_input(message: str, details: str = "") -> tuple[int, dict]:
    """The SP-API's 400 answer."""
    return 400, {"errors": [{"code": "InvalidInput", "message": message, "details": details}]}


class RestrictedData:
    """Mixed into the simulated Amazon, which provides ``grants`` and ``clock``."""

    def create_restricted_data_token(self, selling_partner_id: str, body) -> tuple[int, dict]:
        """``createRestrictedDataToken`` for an authorized partner: (status, body)."""
        resources = body.get("restrictedResources") if isinstance(body, dict) else None
        if not isinstance(resources, list) or not resources:
            return invalid_input(NO_RESOURCES)
        if len(resources) > MAX_RESOURCES:
            return invalid_input(NOT_RESTRICTED)
        granted = []
        for resource in resources:
            problem, grant = _check_resource(resource)
            if problem:
                return problem
            granted.append(grant)
        token = RDT_PREFIX + secrets.token_urlsafe(48)
        self.grants.put(
            "rdt",
            token,
            self.clock() + RDT_TTL,
            selling_partner_id=selling_partner_id,
            resources=json.dumps(granted),
        )
        return 200, {"restrictedDataToken": token, "expiresIn": RDT_TTL}

    def restricted_problem(self, token: str | None, operation_id: str, path: str) -> str | None:
        """Why ``token`` cannot open a restricted-capable operation at ``path``, or None.

        A plain access token opens operations whose RDT is optional; an RDT opens exactly the
        resources it was issued for (a generic ``{orderId}`` path covers every order).
        """
        rule = restricted_operations().get(operation_id)
        if token and token.startswith(RDT_PREFIX):
            grant = self.grants.get("rdt", token)
            if grant is None or grant.expires_at < self.clock():
                return "The access token you provided is revoked, malformed or invalid."
            for resource in json.loads(grant.resources or "[]"):
                if resource["operation"] == operation_id and (
                    resource["generic"] or resource["path"] == path
                ):
                    return None
            return "The restricted data token does not cover this resource."
        if rule and rule["required"]:
            return RDT_REQUIRED
        return None

    def rdt_owner(self, token: str | None) -> str | None:
        """The selling partner an RDT was issued for (None if unknown)."""
        grant = self.grants.get("rdt", token)
        return grant.selling_partner_id if grant else None


def _check_resource(resource) -> tuple[tuple[int, dict] | None, dict | None]:
    if not isinstance(resource, dict) or not resource.get("method") or not resource.get("path"):
        return (
            400,
            {
                "errors": [
                    {
                        "code": "InvalidRequest",
                        "message": "Request is missing or has invalid parameters",
                        "details": "Resource not provided.",
                    }
                ]
            },
        ), None
    method, path = str(resource["method"]).upper(), str(resource["path"])
    found = amazon_models.find(method, path.split("?", 1)[0])
    rule = restricted_operations().get(found[0].operation_id) if found else None
    if rule is None:
        return invalid_input(NOT_RESTRICTED), None
    elements = resource.get("dataElements") or []
    if not isinstance(elements, list) or any(e not in rule["data_elements"] for e in elements):
        shown = ", ".join(str(e) for e in elements) if isinstance(elements, list) else str(elements)
        return invalid_input(BAD_ELEMENTS.format(f"[{shown[:200]}]")), None
    return None, {
        "operation": found[0].operation_id,
        "path": path.split("?", 1)[0],
        "generic": "{" in path,
        "data_elements": elements,
    }
