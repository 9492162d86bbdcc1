"""Associates credentials in the console: the list (fingerprints only), a form that stores one
(its secret never shown again), deletion, and the check with each step laid out."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy.exc import SQLAlchemyError

from auth.associates import trail
from auth.associates.check import last_report
from auth.associates.check import run_check
from auth.associates.check import valid_asin
from auth.associates.credentials import APIS
from auth.associates.credentials import CredentialError
from auth.associates.credentials import add_credential
from auth.associates.credentials import delete_credential
from auth.associates.credentials import describe
from auth.associates.credentials import get_credential
from auth.associates.credentials import list_credentials
from auth.associates.regions import MARKETPLACES
from auth.associates.regions import VERSIONS
from auth.associates.throttle import Wait
from auth.vault.crypto import VaultError
from web.shared.associates import checker
from web.shared.services import get_db
from web.shared.services import services

UNREADABLE = (
    "Credential {} cannot be decrypted with the configured TOKEN_ENCRYPTION_KEYS (its key was "
    "removed before rotate-keys ran): delete it and add it again."
)


def associates():
    """List credentials; a POST stores one."""
    error, status = None, 200
    if request.method == "POST":
        error = _add(request.form)
        if error is None:
            return redirect(url_for("console.associates"), code=303)
        status = 400
    shown = request.args.get("show", type=int)
    row = get_credential(get_db(), shown) if shown else None
    return _page(error=error, report=last_report(row) if row else None), status


def check(credential_id: int):
    """Run the check and show its steps; a check too soon shows the wait and the last result."""
    row = get_credential(get_db(), credential_id)
    if row is None:
        return _page(error=f"No Associates credential {credential_id}."), 404
    asin = request.form.get("asin", "").strip().upper() or None
    if asin and not valid_asin(asin):
        return _page(error="ASIN: 10 letters and digits (like B07FZ8S74R).", report=last_report(row)), 400
    try:
        report = run_check(get_db(), checker(), row, asin)
    except Wait as wait:
        return _page(wait=wait, report=last_report(row)), 429
    except VaultError:
        get_db().rollback()
        return _page(error=UNREADABLE.format(credential_id)), 409
    except SQLAlchemyError:
        get_db().rollback()
        abort(503, "The database is unavailable; try again in a few seconds.")
    trail.checked(get_db(), "admin:console", row, report)
    get_db().commit()
    return _page(report=report)


def delete(credential_id: int):
    """Delete a credential and its cached token."""
    if delete_credential(get_db(), credential_id):
        trail.deleted(get_db(), "admin:console", credential_id)
        get_db().commit()
        flash(f"Associates credential {credential_id} deleted.")
    return redirect(url_for("console.associates"), code=303)


def _page(error=None, report=None, wait=None):
    return render_template(
        "console/associates.html",
        rows=[describe(r) for r in list_credentials(get_db())],
        error=error,
        report=report,
        wait=wait,
        apis=APIS,
        versions=list(VERSIONS),
        marketplaces=list(MARKETPLACES),
        form=request.form if error else {},
        simulator=services().settings.simulator,
    )


def _add(form) -> str | None:
    api = form.get("api", "")
    try:
        row = add_credential(
            get_db(),
            services().vault,
            label=form.get("label", ""),
            api=api,
            key_id=form.get("key_id", ""),
            secret=form.get("secret", ""),
            partner_tag=form.get("partner_tag", ""),
            marketplace_code=form.get("marketplace", ""),
            version=form.get("version") if api == "creators" else None,
        )
    except CredentialError as error:
        get_db().rollback()
        return f"Cannot store the credential: {error}."
    trail.added(get_db(), "admin:console", row)
    get_db().commit()
    flash(f"Associates credential {row.id} stored; its secret is sealed and will not be shown again.")
    return None
