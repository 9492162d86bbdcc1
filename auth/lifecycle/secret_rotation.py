"""Asking Amazon to rotate the app's client secret: ``rotateApplicationClientSecret``, a
grantless operation (scope ``sellingpartnerapi::client_credential:rotation``). Amazon answers
204; the new secret arrives later on the SQS queue (``auth.lifecycle.notifications``)."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from auth.clients.spapi_client import CallResult
from auth.clients.spapi_client import call_operation
from auth.clients.token_cache import AccessTokenCache
from auth.config.marketplaces import Region
from auth.vault import audit

ROTATION_SCOPE = "sellingpartnerapi::client_credential:rotation"
ROTATION_PATH = "/applications/2023-11-30/clientSecret"


@dataclass(frozen=True)
class RotationRequested:
    """Amazon accepted (204) or refused the request; ``result`` is the masked exchange."""

    accepted: bool
    result: CallResult


def request_rotation(cache: AccessTokenCache, region: Region, url_for_amazon) -> RotationRequested:
    """Ask for a new client secret. :raises LwaError: the grantless token was refused."""
    token = cache.for_scope(ROTATION_SCOPE)
    result = call_operation(
        region, token.access_token, "POST", ROTATION_PATH, sandbox=False, url_for_amazon=url_for_amazon
    )
    return RotationRequested(result.status == 204, result)


def audit_rotation_request(db: Session, actor: str, requested: RotationRequested) -> None:
    """Record who asked Amazon for a new secret and what it answered (the caller commits)."""
    audit.record(
        db, actor, "secret_rotation_requested", accepted=requested.accepted, status=requested.result.status
    )
