"""Grantless tokens and the legacy IAM role, from the console."""

import time

from flask import abort
from flask import render_template
from flask import request

from auth.clients.lwa import LwaError
from auth.clients.sts import StsError
from auth.config.identifiers import GRANTLESS_SCOPES
from auth.explainer.diagnose import diagnose
from web.shared.explaining import app_context
from web.shared.explaining import explain_lwa
from web.shared.services import services


def grantless():
    """A client_credentials token for a grantless scope."""
    result = error = None
    scope = request.form.get("scope", GRANTLESS_SCOPES[0])
    if request.method == "POST":
        if scope not in GRANTLESS_SCOPES:
            abort(400, "Choose one of the listed scopes.")
        try:
            result = services().token_cache.for_scope(scope)
        except LwaError as failure:
            error = failure
    return render_template(
        "console/grantless.html",
        scopes=GRANTLESS_SCOPES,
        scope=scope,
        result=result,
        error=error,
        explanation=explain_lwa(error),
        now=time.time(),
        monotonic=time.monotonic(),
    )


def legacy():
    """Legacy IAM role: assume it through STS and show the (masked) temporary credentials."""
    svc = services()
    credentials = error = explanation = None
    if request.method == "POST":
        if svc.role_session is None:
            abort(
                400,
                "No SPAPI_ROLE_ARN is configured: set it (and SPAPI_ROLE_EXTERNAL_ID if your trust "
                "policy needs one) to use the legacy IAM role.",
            )
        try:
            credentials = svc.role_session.credentials()
        except StsError as failure:
            error = failure
            explanation = diagnose(f"{failure.code} {failure.message}", app_context())
    return render_template(
        "console/legacy.html",
        session_=svc.role_session,
        credentials=credentials,
        error=error,
        explanation=explanation,
    )
