"""The playground (``/console/self-test``): numbered steps, each its own button and result.

1. refresh token -> access token (a stored authorization or a pasted token; force refresh
   skips the cache), 2. optional Restricted Data Token through the Tokens API, 3. any SP-API
   call (an operation from Amazon's models or a hand-written request), production or sandbox.
Tokens stay on the server, sealed in the session's workspace (``auth.vault.workspaces``);
the page shows fingerprints and exchanges with every secret masked.
"""

import json
import re
import time
from dataclasses import asdict
from urllib.parse import urlsplit

from flask import abort
from flask import flash
from flask import render_template
from flask import request
from flask import session
from sqlalchemy import select

from auth.clients.custom_call import DATA_ELEMENTS
from auth.clients.custom_call import CustomCallError
from auth.clients.custom_call import parse_custom_call
from auth.clients.custom_call import parse_resources
from auth.clients.custom_call import region_mismatch
from auth.clients.lwa import LwaError
from auth.clients.refresh import refresh_stored
from auth.clients.spapi_client import SELLER_TEST_PATH
from auth.clients.spapi_client import VENDOR_TEST_PATH
from auth.clients.spapi_client import CallResult
from auth.clients.spapi_client import call_operation
from auth.clients.spapi_client import run_test_call
from auth.clients.sts import StsError
from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.marketplaces import catalog
from auth.explainer.diagnose import diagnose
from auth.simulator.models import operation_presets
from auth.vault.crypto import VaultError
from auth.vault.crypto import fingerprint
from auth.vault.models import Authorization
from auth.vault.store import save_authorization
from auth.vault.workspaces import load_workspace
from auth.vault.workspaces import save_workspace
from web.console.guard import SESSION_KEY
from web.shared.explaining import app_context
from web.shared.services import get_db
from web.shared.services import services

REFRESH_TOKEN_RE = re.compile(r"Atzr\|[!-~]{10,2040}")
RDT_PATH = "/tokens/2021-03-01/restrictedDataToken"


def self_test():
    """GET: the playground; POST: steps 1 and 3 at once with the default test call."""
    if request.method == "GET":
        chosen = request.args.get("authorization", type=int)
        return _page(chosen=chosen)
    stored = _chosen_authorization()
    return _run_all(stored)


def test_authorization(authorization_id: int):
    """ "Test" on a stored authorization: this page, that authorization chosen, both steps run."""
    row = get_db().get(Authorization, authorization_id) or abort(404, "No such authorization.")
    return _run_all(row)


def step_token():
    """Step 1: an access token for a stored authorization or a pasted refresh token."""
    stored = _chosen_authorization()
    try:
        _token_step(stored, force=request.form.get("force") == "yes")
    except _FormError as error:
        return _page(errors={error.field: str(error)}, status=400, chosen=stored.id if stored else None)
    return _page(anchor="step-1", chosen=stored.id if stored else None)


def step_rdt():
    """Step 2: a Restricted Data Token for chosen restricted resources."""
    workspace = _workspace()
    access = workspace.get("access")
    if not access or access["expires_epoch"] <= time.time():
        return _page(errors={"rdt": "Get an access token first (step 1)."}, status=400)
    try:
        resources = parse_resources(
            request.form.get("rdt_method", "GET"),
            request.form.get("rdt_path", ""),
            request.form.getlist("rdt_elements"),
        )
    except CustomCallError as error:
        return _page(errors={error.field: str(error)}, status=400)
    region = catalog().regions[access["region"]]
    sandbox = request.form.get("environment") == "sandbox"
    result = call_operation(
        region,
        workspace["access"]["token"],
        "POST",
        RDT_PATH,
        body=json.dumps({"restrictedResources": resources}),
        sandbox=sandbox,
        url_for_amazon=services().settings.spapi_url,
    )
    workspace["rdt_result"] = _result_record(result, region.code, access)
    workspace.pop("rdt", None)
    if result.status == 200:
        answer = json.loads(result.body)
        token = answer.get("restrictedDataToken", "")
        workspace["rdt"] = {
            "token": token,
            "fingerprint": fingerprint(token),
            "expires_epoch": time.time() + int(answer.get("expiresIn", 3600)),
            "resources": resources,
            "sandbox": sandbox,
        }
    _save(workspace)
    return _page(anchor="step-2")


def step_call():
    """Step 3: any SP-API call with the step-1 access token or the step-2 RDT."""
    workspace = _workspace()
    use_rdt = request.form.get("token") == "rdt"
    held = workspace.get("rdt" if use_rdt else "access")
    if not held or held["expires_epoch"] <= time.time():
        needed = "a Restricted Data Token (step 2)" if use_rdt else "an access token (step 1)"
        return _page(errors={"call": f"Get {needed} first; the page keeps it for reuse."}, status=400)
    region = catalog().regions.get(request.form.get("region", ""))
    if region is None:
        return _page(errors={"region": "Choose a region: NA, EU or FE."}, status=400)
    try:
        call = parse_custom_call(
            request.form.get("method", ""),
            request.form.get("path", ""),
            request.form.get("query", ""),
            request.form.get("headers", ""),
            request.form.get("body", ""),
        )
    except CustomCallError as error:
        return _page(errors={error.field: str(error)}, status=400)
    access = workspace["access"]
    svc = services()
    signer = svc.role_session.signer() if svc.role_session and request.form.get("sign") == "yes" else None
    try:
        result = _call(region, held["token"], call, signer)
    except StsError as failure:
        return _page(
            sts_error=failure, sts_explanation=diagnose(f"{failure.code} {failure.message}", app_context())
        )
    workspace["call_result"] = _result_record(
        result,
        region.code,
        access,
        operation=request.form.get("operation") or "custom",
        token="rdt" if use_rdt else "access",
    )
    workspace["call_form"] = {
        k: request.form.get(k, "")
        for k in ("operation", "method", "path", "query", "headers", "body", "environment", "region", "token")
    }
    _save(workspace)
    return _page(anchor="step-3")


# Steps ---------------------------------------------------------------------------------------


def _call(region, token: str, call, signer) -> CallResult:
    return call_operation(
        region,
        token,
        call.method,
        call.path,
        call.query,
        call.headers,
        call.body,
        sandbox=request.form.get("environment") == "sandbox",
        url_for_amazon=services().settings.spapi_url,
        signer=signer,
    )


class _FormError(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


def _chosen_authorization() -> Authorization | None:
    if not request.form.get("authorization_id"):
        return None
    row = get_db().get(Authorization, request.form.get("authorization_id", type=int) or 0)
    if row is None:
        abort(400, "Pick a stored authorization from the list, or paste a refresh token.")
    return row


def _token_step(stored: Authorization | None, force: bool) -> dict:
    """Run step 1 into the workspace; return the workspace."""
    svc = services()
    workspace = _workspace()
    if stored:
        region_code, account_type, partner = stored.region, stored.account_type, stored.selling_partner_id
    else:
        region_code, account_type = request.form.get("region", "NA"), request.form.get("account", "seller")
        partner = None
        if region_code not in catalog().regions or account_type not in ACCOUNT_TYPES:
            raise _FormError("region", "Choose a region (NA, EU, FE) and an account type (seller, vendor).")
        pasted = request.form.get("refresh_token", "").strip()
        if not REFRESH_TOKEN_RE.fullmatch(pasted):
            raise _FormError("refresh_token", "Paste the whole refresh token; it starts with Atzr|.")
        partner = _save_as()
    workspace.pop("token_error", None)
    try:
        if stored:
            token = refresh_stored(get_db(), svc.vault, svc.token_cache, stored, force=force)
        else:
            token = svc.token_cache.for_refresh_token(pasted, force=force)
            if partner:
                save_authorization(
                    get_db(),
                    svc.vault,
                    selling_partner_id=partner,
                    region=region_code,
                    account_type=account_type,
                    workflow="self",
                    refresh_token=pasted,
                )
                flash(f"Saved as the authorization of {partner} in {region_code}.")
    except LwaError as error:
        workspace.pop("access", None)
        workspace["token_error"] = {
            "kind": error.kind,
            "http_status": error.http_status,
            "description": error.description,
            "exchange": asdict(error.exchange) if error.exchange else None,
        }
        _save(workspace)
        return workspace
    except VaultError:
        abort(
            409,
            "This authorization's token cannot be decrypted with the configured keys: it needs "
            "re-authorization (or the old key back in TOKEN_ENCRYPTION_KEYS).",
        )
    if workspace.get("access", {}).get("selling_partner_id") != partner or partner is None:
        workspace.pop("rdt", None)  # an RDT belongs to the partner whose token asked for it
    workspace["access"] = {
        "token": token.access_token,
        "fingerprint": fingerprint(token.access_token),
        "expires_epoch": time.time() + (token.expires_at - time.monotonic()),
        "fetched": token.fetched,
        "forced": force,
        "attempts": token.attempts,
        "obtained_at": token.obtained_at.strftime("%H:%M:%S UTC"),
        "exchange": asdict(token.exchange) if token.exchange and token.fetched else None,
        "selling_partner_id": partner,
        "authorization_id": stored.id if stored else None,
        "region": region_code,
        "account_type": account_type,
    }
    _save(workspace)
    return workspace


def _run_all(stored: Authorization | None):
    """Step 1, then the default test call as step 3 (the classic self-authorization test)."""
    try:
        workspace = _token_step(stored, force=False)
    except _FormError as error:
        return _page(errors={error.field: str(error)}, status=400)
    access = workspace.get("access")
    if access:
        svc = services()
        region = catalog().regions[access["region"]]
        sandbox = request.form.get("environment") == "sandbox"
        signer = svc.role_session.signer() if svc.role_session and request.form.get("sign") == "yes" else None
        try:
            result = run_test_call(
                region,
                access["token"],
                account_type=access["account_type"],
                sandbox=sandbox,
                url_for_amazon=svc.settings.spapi_url,
                signer=signer,
            )
        except StsError as failure:
            return _page(
                sts_error=failure,
                sts_explanation=diagnose(f"{failure.code} {failure.message}", app_context()),
            )
        operation = (
            "getPurchaseOrders" if access["account_type"] == "vendor" else "getMarketplaceParticipations"
        )
        workspace["call_result"] = _result_record(
            result, region.code, access, operation=operation, token="access"
        )
        workspace["call_form"] = {
            "operation": operation,
            "method": "GET",
            "path": VENDOR_TEST_PATH if access["account_type"] == "vendor" else SELLER_TEST_PATH,
            "environment": "sandbox" if sandbox else "production",
            "region": region.code,
            "token": "access",
        }
        _save(workspace)
    return _page(anchor="step-3" if access else "step-1", chosen=stored.id if stored else None)


def _save_as() -> str | None:
    if request.form.get("save") != "yes":
        return None
    selling_partner_id = request.form.get("selling_partner_id", "").strip()
    if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        raise _FormError(
            "selling_partner_id", "To save the token, give the selling partner ID it belongs to."
        )
    return selling_partner_id


def _result_record(result: CallResult, region_code: str, access: dict, **extra) -> dict:
    """A call's result as the workspace keeps it: the exchange masked, the summary's facts."""
    host = urlsplit(result.url).hostname or ""
    endpoint_region = catalog().region_for_endpoint_host(host)
    return {
        "status": result.status,
        "error": result.error,
        "request_id": result.request_id,
        "rate_limit": result.rate_limit,
        "elapsed_ms": result.elapsed_ms,
        "method": result.method,
        "url": result.url,
        "host": host,
        "region": endpoint_region.code if endpoint_region else region_code,
        "selling_partner_id": access.get("selling_partner_id"),
        "token_region": access.get("region"),
        "body": result.body,
        "exchange": asdict(result.exchange) if result.exchange else None,
        **extra,
    }


# Workspace and page ----------------------------------------------------------------------------


def _session_secret() -> str:
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str):
        abort(401, "Log in again.")
    return secret


def _workspace() -> dict:
    return load_workspace(get_db(), services().vault, _session_secret())


def _save(workspace: dict) -> None:
    save_workspace(get_db(), services().vault, _session_secret(), workspace)


def _page(errors: dict | None = None, status: int = 200, anchor: str | None = None, chosen=None, **extra):
    workspace = _workspace()
    rows = (
        get_db().scalars(select(Authorization).order_by(Authorization.authorized_at.desc()).limit(200)).all()
    )
    call = workspace.get("call_result")
    findings, explanation = [], None
    if call:
        mismatch = region_mismatch(call.get("token_region"), call.get("region"))
        if mismatch:
            findings.append(mismatch)
        if call.get("status") and call["status"] >= 400:
            explanation = diagnose(call.get("body") or "", app_context())
    rdt_result = workspace.get("rdt_result")
    rdt_explanation = (
        diagnose(rdt_result.get("body") or "", app_context())
        if rdt_result and rdt_result.get("status") and rdt_result["status"] >= 400
        else None
    )
    token_error = workspace.get("token_error")
    access = workspace.get("access")
    if chosen is None and access:
        chosen = access.get("authorization_id")
    context = dict(
        rows=rows,
        regions=catalog().regions,
        presets=operation_presets(),
        data_elements=DATA_ELEMENTS,
        access=_public(access),
        rdt=_public(workspace.get("rdt")),
        rdt_result=rdt_result,
        rdt_explanation=rdt_explanation,
        call=call,
        call_form=workspace.get("call_form", {}),
        call_findings=findings,
        explanation=explanation,
        token_error=token_error,
        token_explanation=_token_explanation(token_error),
        errors=errors or {},
        anchor=anchor,
        chosen=chosen,
        config_sign=services().role_session is not None,
        now=time.time(),
        **extra,
    )
    return render_template("console/self_test.html", **context), status


def _public(held: dict | None) -> dict | None:
    """What the page may show of a held token: everything but the token itself."""
    return {k: v for k, v in held.items() if k != "token"} if held else None


def _token_explanation(token_error: dict | None):
    if not token_error:
        return None
    body = (token_error.get("exchange") or {}).get("response_body") or token_error["kind"]
    result = diagnose(body, app_context())
    return result if result.recognised else diagnose(token_error["kind"], app_context())
