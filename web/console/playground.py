"""The playground (``/console/self-test``): parses each step's form, runs the step from
``auth/playground`` and renders the workspace. Tokens stay on the server, sealed in the
session's workspace; the page shows fingerprints and exchanges with every secret masked.
"""

import time

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
from auth.clients.sts import StsError
from auth.config.marketplaces import catalog
from auth.explainer.diagnose import diagnose
from auth.playground.calls import operations_by_data_element
from auth.playground.steps import PlaygroundInputError
from auth.playground.steps import call_step
from auth.playground.steps import parse_pasted
from auth.playground.steps import rdt_step
from auth.playground.steps import test_call_step
from auth.playground.steps import token_step
from auth.playground.workspace import CallForm
from auth.playground.workspace import Workspace
from auth.playground.workspace import public_view
from auth.simulator.amazon_models import operation_presets
from auth.vault.models import Authorization
from auth.vault.workspaces import load_workspace
from auth.vault.workspaces import save_workspace
from web.console.guard import SESSION_KEY
from web.shared.explaining import app_context
from web.shared.services import get_db
from web.shared.services import services

CALL_FIELDS = ("operation", "method", "path", "query", "headers", "body", "environment", "region", "token")


def self_test():
    """GET: the playground; POST: steps 1 and 3 at once with the default test call."""
    if request.method == "GET":
        return _page(_workspace(), chosen=request.args.get("authorization", type=int))
    return _run_all(_chosen_authorization())


def test_authorization(authorization_id: int):
    """ "Test" on a stored authorization: this page, that authorization chosen, both steps run."""
    row = get_db().get(Authorization, authorization_id) or abort(404, "No such authorization.")
    return _run_all(row)


def step_token():
    """Step 1: an access token for a stored authorization or a pasted refresh token."""
    workspace, stored = _workspace(), _chosen_authorization()
    try:
        _token(workspace, stored)
    except PlaygroundInputError as error:
        return _page(workspace, {error.field: str(error)}, 400, chosen=stored.id if stored else None)
    return _page(workspace, anchor="step-1", chosen=stored.id if stored else None)


def step_rdt():
    """Step 2: a Restricted Data Token for chosen restricted resources."""
    workspace = _workspace()
    try:
        resources = parse_resources(
            request.form.get("rdt_method", "GET"),
            request.form.get("rdt_path", ""),
            request.form.getlist("rdt_elements"),
        )
        rdt_step(
            workspace,
            resources,
            sandbox=request.form.get("environment") == "sandbox",
            url_for_amazon=services().settings.spapi_url,
        )
    except (PlaygroundInputError, CustomCallError) as error:
        return _page(workspace, {error.field: str(error)}, 400)
    _save(workspace)
    return _page(workspace, anchor="step-2")


def step_call():
    """Step 3: any SP-API call with the step-1 access token or the step-2 RDT."""
    workspace = _workspace()
    form = CallForm(**{name: request.form.get(name, "") for name in CALL_FIELDS})
    form.token = "rdt" if form.token == "rdt" else "access"
    try:
        call = parse_custom_call(form.method, form.path, form.query, form.headers, form.body)
        call_step(workspace, call, form, url_for_amazon=services().settings.spapi_url, signer=_signer())
    except (PlaygroundInputError, CustomCallError) as error:
        return _page(workspace, {error.field: str(error)}, 400)
    except StsError as failure:
        return _sts_failure(workspace, failure)
    _save(workspace)
    return _page(workspace, anchor="step-3")


def _token(workspace: Workspace, stored: Authorization | None) -> None:
    pasted = None
    if stored is None:
        save_as = request.form.get("selling_partner_id", "") if request.form.get("save") == "yes" else None
        pasted = parse_pasted(
            request.form.get("refresh_token", ""),
            request.form.get("region", "NA"),
            request.form.get("account", "seller"),
            save_as,
        )
    svc = services()
    saved = token_step(
        workspace,
        get_db(),
        svc.vault,
        svc.token_cache,
        stored=stored,
        pasted=pasted,
        force=request.form.get("force") == "yes",
    )
    if saved:
        flash(f"Saved as the authorization of {saved} in {pasted.region}.")
    _save(workspace)


def _run_all(stored: Authorization | None):
    """Step 1, then the default test call as step 3 (the classic self-authorization test)."""
    workspace = _workspace()
    try:
        _token(workspace, stored)
        test_call_step(
            workspace,
            sandbox=request.form.get("environment") == "sandbox",
            url_for_amazon=services().settings.spapi_url,
            signer=_signer(),
        )
    except PlaygroundInputError as error:
        return _page(workspace, {error.field: str(error)}, 400)
    except StsError as failure:
        return _sts_failure(workspace, failure)
    _save(workspace)
    anchor = "step-3" if workspace.access else "step-1"
    return _page(workspace, anchor=anchor, chosen=stored.id if stored else None)


def _signer():
    role = services().role_session
    return role.signer() if role and request.form.get("sign") == "yes" else None


def _chosen_authorization() -> Authorization | None:
    if not request.form.get("authorization_id"):
        return None
    row = get_db().get(Authorization, request.form.get("authorization_id", type=int) or 0)
    if row is None:
        abort(400, "Pick a stored authorization from the list, or paste a refresh token.")
    return row


def _sts_failure(workspace: Workspace, failure: StsError):
    explanation = diagnose(f"{failure.code} {failure.message}", app_context())
    return _page(workspace, sts_error=failure, sts_explanation=explanation)


# Workspace and page ----------------------------------------------------------------------------


def _session_secret() -> str:
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str):
        abort(401, "Log in again.")
    return secret


def _workspace() -> Workspace:
    return Workspace.from_dict(load_workspace(get_db(), services().vault, _session_secret()))


def _save(workspace: Workspace) -> None:
    save_workspace(get_db(), services().vault, _session_secret(), workspace.to_dict())


def _explained(record) -> object | None:
    if record and record.status and record.status >= 400:
        return diagnose(record.body or "", app_context())
    return None


def _page(workspace: Workspace, errors=None, status: int = 200, anchor=None, chosen=None, **extra):
    rows = (
        get_db().scalars(select(Authorization).order_by(Authorization.authorized_at.desc()).limit(200)).all()
    )
    call = workspace.call_result
    mismatch = region_mismatch(call.token_region, call.region) if call else None
    if chosen is None and workspace.access:
        chosen = workspace.access.authorization_id
    if chosen is None and rows and not (workspace.access or workspace.token_error):
        chosen = rows[0].id  # stored authorizations exist: start from the newest, not a paste
    context = dict(
        rows=rows,
        regions=catalog().regions,
        presets=operation_presets(),
        data_elements=DATA_ELEMENTS,
        element_operations=operations_by_data_element(),
        access=public_view(workspace.access),
        rdt=public_view(workspace.rdt),
        rdt_result=workspace.rdt_result,
        rdt_explanation=_explained(workspace.rdt_result),
        call=call,
        call_form=workspace.call_form or CallForm(environment=workspace.environment),
        call_findings=[mismatch] if mismatch else [],
        explanation=_explained(call),
        environment=workspace.environment,
        token_error=workspace.token_error,
        token_explanation=_token_explanation(workspace.token_error),
        errors=errors or {},
        anchor=anchor,
        chosen=chosen,
        config_sign=services().role_session is not None,
        now=time.time(),
        **extra,
    )
    return render_template("console/self_test.html", **context), status


def _token_explanation(token_error):
    if not token_error:
        return None
    body = (token_error.exchange or {}).get("response_body") or token_error.kind
    result = diagnose(body, app_context())
    return result if result.recognised else diagnose(token_error.kind, app_context())
