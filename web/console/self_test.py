"""The self-authorization test: refresh token to access token to an SP-API call."""

import re
import time

from flask import abort
from flask import flash
from flask import render_template
from flask import request
from sqlalchemy import select

from auth.clients.lwa import LwaError
from auth.clients.refresh import refresh_stored
from auth.clients.spapi_client import run_test_call
from auth.clients.sts import StsError
from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.marketplaces import catalog
from auth.explainer.diagnose import diagnose
from auth.vault.crypto import VaultError
from auth.vault.models import Authorization
from auth.vault.store import save_authorization
from web.shared.explaining import app_context
from web.shared.explaining import explain_lwa
from web.shared.services import get_db
from web.shared.services import services

REFRESH_TOKEN_RE = re.compile(r"Atzr\|[!-~]{10,2040}")


def self_test():
    """Step 1, LWA refresh; step 2, an SP-API call; for a pasted or a stored refresh token."""
    if request.method == "GET":
        return _self_test_page()
    stored = None
    if request.form.get("authorization_id"):
        stored = get_db().get(Authorization, request.form.get("authorization_id", type=int) or 0)
        if stored is None:
            abort(400, "Pick a stored authorization from the list, or paste a refresh token.")
    return _run_self_test(stored=stored, sandbox=request.form.get("environment") == "sandbox")


def _run_self_test(stored: Authorization | None, sandbox: bool):
    svc = services()
    region = catalog().regions.get(stored.region if stored else request.form.get("region", "NA"))
    account_type = stored.account_type if stored else request.form.get("account", "seller")
    if region is None or account_type not in ACCOUNT_TYPES:
        abort(400, "Choose a region (NA, EU, FE) and an account type (seller, vendor).")
    pasted = save_as = None
    if not stored:
        # Every field is checked before anything is sent to LWA.
        pasted = request.form.get("refresh_token", "").strip()
        if not REFRESH_TOKEN_RE.fullmatch(pasted):
            abort(400, "Paste the whole refresh token; it starts with Atzr|.")
        save_as = _save_as()
    step1 = step2 = error = None
    try:
        if stored:
            step1 = refresh_stored(get_db(), svc.vault, svc.token_cache, stored)
        else:
            step1 = svc.token_cache.for_refresh_token(pasted)
            if save_as:
                save_authorization(
                    get_db(),
                    svc.vault,
                    selling_partner_id=save_as,
                    region=region.code,
                    account_type=account_type,
                    workflow="self",
                    refresh_token=pasted,
                )
                flash(f"Saved as the authorization of {save_as} in {region.code}.")
        signer = svc.role_session.signer() if svc.role_session and request.form.get("sign") == "yes" else None
        step2 = run_test_call(
            region,
            step1.access_token,
            account_type=account_type,
            sandbox=sandbox,
            url_for_amazon=svc.settings.spapi_url,
            signer=signer,
        )
    except LwaError as failure:
        error = failure
    except StsError as failure:
        return _self_test_page(
            sts_error=failure, sts_explanation=diagnose(f"{failure.code} {failure.message}", app_context())
        )
    except VaultError:
        abort(
            409,
            "This authorization's token cannot be decrypted with the configured keys: it needs "
            "re-authorization (or the old key back in TOKEN_ENCRYPTION_KEYS).",
        )
    explanation = (
        explain_lwa(error)
        if error
        else (diagnose(step2.body, app_context()) if step2 and step2.status and step2.status >= 400 else None)
    )
    return _self_test_page(
        step1=step1,
        step2=step2,
        error=error,
        explanation=explanation,
        region=region,
        account_type=account_type,
        sandbox=sandbox,
        stored=stored,
    )


def _save_as() -> str | None:
    """The selling partner ID to save a pasted token under, when saving was asked for."""
    if request.form.get("save") != "yes":
        return None
    selling_partner_id = request.form.get("selling_partner_id", "").strip()
    if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        abort(400, "To save the token, give the selling partner ID it belongs to.")
    return selling_partner_id


def _self_test_page(**result):
    rows = (
        get_db().scalars(select(Authorization).order_by(Authorization.authorized_at.desc()).limit(200)).all()
    )
    return render_template(
        "console/self_test.html",
        rows=rows,
        regions=catalog().regions,
        now=time.time(),
        monotonic=time.monotonic(),
        config_sign=services().role_session is not None,
        **result,
    )


def test_authorization(authorization_id: int):
    """Refresh a stored authorization's token and make the test call."""
    row = get_db().get(Authorization, authorization_id) or abort(404, "No such authorization.")
    return _run_self_test(stored=row, sandbox=request.form.get("environment") == "sandbox")
