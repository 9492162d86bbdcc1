"""The playground's steps: each reads what it needs from the workspace, runs one exchange with
Amazon (LWA, the Tokens API, any SP-API operation) and writes its result back.

A step's input mistakes raise ``PlaygroundInputError`` naming the form field; Amazon's refusals
are results, kept in the workspace and shown with their explanation.
"""

import json
import re
import time
from dataclasses import asdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from auth.clients.custom_call import CustomCall
from auth.clients.lwa import LwaError
from auth.clients.refresh import refresh_stored
from auth.clients.spapi_client import SELLER_TEST_PATH
from auth.clients.spapi_client import VENDOR_TEST_PATH
from auth.clients.spapi_client import call_operation
from auth.clients.spapi_client import run_test_call
from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.marketplaces import catalog
from auth.errors import AppError
from auth.errors import InvalidInput
from auth.playground.calls import record_call
from auth.playground.workspace import AccessToken
from auth.playground.workspace import CallForm
from auth.playground.workspace import RestrictedToken
from auth.playground.workspace import TokenFailure
from auth.playground.workspace import Workspace
from auth.vault.crypto import VaultError
from auth.vault.crypto import fingerprint
from auth.vault.models import Authorization
from auth.vault.store import save_authorization

REFRESH_TOKEN_RE = re.compile(r"Atzr\|[!-~]{10,2040}")
RDT_PATH = "/tokens/2021-03-01/restrictedDataToken"


class PlaygroundInputError(InvalidInput):
    """A form field of a step is unusable; ``field`` names it."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


class UndecryptableToken(AppError):
    """The stored token does not open with the configured keys."""

    status = 409
    kind = "needs_reauthorization"


@dataclass(frozen=True)
class PastedToken:
    """A refresh token pasted into step 1, and where to save it (if asked)."""

    refresh_token: str
    region: str
    account_type: str
    save_as: str | None = None


def parse_pasted(refresh_token: str, region: str, account_type: str, save_as: str | None) -> PastedToken:
    """Check step 1's pasted-token fields; ``save_as`` is a selling partner ID or None."""
    if region not in catalog().regions or account_type not in ACCOUNT_TYPES:
        raise PlaygroundInputError(
            "region", "Choose a region (NA, EU, FE) and an account type (seller, vendor)."
        )
    token = refresh_token.strip()
    if not REFRESH_TOKEN_RE.fullmatch(token):
        raise PlaygroundInputError("refresh_token", "Paste the whole refresh token; it starts with Atzr|.")
    if save_as is not None and not SELLING_PARTNER_ID_RE.fullmatch(save_as.strip()):
        raise PlaygroundInputError(
            "selling_partner_id", "To save the token, give the selling partner ID it belongs to."
        )
    return PastedToken(token, region, account_type, save_as.strip() if save_as else None)


def token_step(
    workspace: Workspace,
    db: Session,
    vault,
    cache,
    *,
    stored: Authorization | None,
    pasted: PastedToken | None,
    force: bool,
) -> str | None:
    """Step 1 into ``workspace``; returns the partner a pasted token was saved for, if any."""
    if stored:
        region, account_type, partner = stored.region, stored.account_type, stored.selling_partner_id
    elif pasted:
        region, account_type, partner = pasted.region, pasted.account_type, pasted.save_as
    else:
        raise PlaygroundInputError("refresh_token", "Pick a stored authorization or paste a refresh token.")
    workspace.token_error = None
    try:
        if stored:
            token = refresh_stored(db, vault, cache, stored, force=force)
        else:
            token = cache.for_refresh_token(pasted.refresh_token, force=force)
            if partner:
                save_authorization(
                    db,
                    vault,
                    selling_partner_id=partner,
                    region=region,
                    account_type=account_type,
                    workflow="self",
                    refresh_token=pasted.refresh_token,
                )
    except LwaError as error:
        workspace.access = None
        workspace.token_error = TokenFailure(
            error.kind,
            error.http_status,
            error.description,
            asdict(error.exchange) if error.exchange else None,
        )
        return None
    except VaultError:
        raise UndecryptableToken(
            "This authorization's token cannot be decrypted with the configured keys: it needs "
            "re-authorization (or the old key back in TOKEN_ENCRYPTION_KEYS)."
        ) from None
    previous = workspace.access.selling_partner_id if workspace.access else None
    if partner is None or previous != partner:
        workspace.rdt = None  # an RDT belongs to the partner whose token asked for it
    workspace.access = AccessToken(
        token=token.access_token,
        fingerprint=fingerprint(token.access_token),
        expires_epoch=time.time() + (token.expires_at - time.monotonic()),
        fetched=token.fetched,
        forced=force,
        attempts=token.attempts,
        obtained_at=token.obtained_at.strftime("%H:%M:%S UTC"),
        region=region,
        account_type=account_type,
        selling_partner_id=partner,
        authorization_id=stored.id if stored else None,
        exchange=asdict(token.exchange) if token.exchange and token.fetched else None,
    )
    return partner if pasted else None


def rdt_step(workspace: Workspace, resources: list, *, sandbox: bool, url_for_amazon) -> None:
    """Step 2: ask the Tokens API for a Restricted Data Token with step 1's access token."""
    access = _live(workspace.access, "rdt", "Get an access token first (step 1).")
    region = catalog().regions[access.region]
    workspace.remember_environment(sandbox)
    result = call_operation(
        region,
        access.token,
        "POST",
        RDT_PATH,
        body=json.dumps({"restrictedResources": resources}),
        sandbox=sandbox,
        url_for_amazon=url_for_amazon,
    )
    workspace.rdt_result = record_call(result, region.code, access)
    workspace.rdt = None
    if result.status == 200:
        answer = _json_object(result.body)
        token = answer.get("restrictedDataToken")
        if isinstance(token, str) and token:
            expires_in = answer.get("expiresIn")
            workspace.rdt = RestrictedToken(
                token=token,
                fingerprint=fingerprint(token),
                expires_epoch=time.time() + (expires_in if isinstance(expires_in, int) else 3600),
                resources=resources,
                sandbox=sandbox,
            )


def call_step(workspace: Workspace, call: CustomCall, form: CallForm, *, url_for_amazon, signer=None) -> None:
    """Step 3: any SP-API call with step 1's access token or step 2's RDT.

    :raises StsError: signing was asked for and the legacy role could not be assumed.
    """
    use_rdt = form.token == "rdt"
    needed = "a Restricted Data Token (step 2)" if use_rdt else "an access token (step 1)"
    held = _live(
        workspace.rdt if use_rdt else workspace.access,
        "call",
        f"Get {needed} first; the page keeps it for reuse.",
    )
    region = catalog().regions.get(form.region)
    if region is None:
        raise PlaygroundInputError("region", "Choose a region: NA, EU or FE.")
    sandbox = form.environment == "sandbox"
    workspace.remember_environment(sandbox)
    result = call_operation(
        region,
        held.token,
        call.method,
        call.path,
        call.query,
        call.headers,
        call.body,
        sandbox=sandbox,
        url_for_amazon=url_for_amazon,
        signer=signer,
    )
    workspace.call_result = record_call(
        result, region.code, workspace.access, operation=form.operation or "custom", token=form.token
    )
    workspace.call_form = form


def test_call_step(workspace: Workspace, *, sandbox: bool, url_for_amazon, signer=None) -> None:
    """The classic self-authorization test after step 1: the account type's test operation."""
    access = workspace.access
    if access is None:
        return
    region = catalog().regions[access.region]
    workspace.remember_environment(sandbox)
    result = run_test_call(
        region,
        access.token,
        account_type=access.account_type,
        sandbox=sandbox,
        url_for_amazon=url_for_amazon,
        signer=signer,
    )
    vendor = access.account_type == "vendor"
    operation = "getPurchaseOrders" if vendor else "getMarketplaceParticipations"
    workspace.call_result = record_call(result, region.code, access, operation=operation, token="access")
    workspace.call_form = CallForm(
        operation=operation,
        method="GET",
        path=VENDOR_TEST_PATH if vendor else SELLER_TEST_PATH,
        environment="sandbox" if sandbox else "production",
        region=region.code,
    )


def _live(held, field_name: str, message: str):
    if held is None or held.expires_epoch <= time.time():
        raise PlaygroundInputError(field_name, message)
    return held


def _json_object(body: str) -> dict:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}
