"""API keys in the console: the list with last use, a form that creates one and shows its
secret once, and revocation."""

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from auth.security.api_keys import DEFAULT_OPERATIONS
from auth.security.api_keys import DEFAULT_RATE
from auth.security.api_keys import GRANTLESS_NAMES
from auth.security.api_keys import OPERATIONS
from auth.security.api_keys import create_key
from auth.security.api_keys import list_keys
from auth.security.api_keys import partners_of
from auth.security.api_keys import revoke
from auth.security.api_keys import status_of
from web.shared.services import get_db
from web.shared.services import services


def api_keys():
    """List keys; a POST creates one and shows its secret (only in this answer)."""
    created, error, status = None, None, 200
    if request.method == "POST":
        created, error = _create(request.form)
        status = 201 if created else 400
    rows = [(key, status_of(key), partners_of(key)) for key in list_keys(get_db())]
    return render_template(
        "console/api_keys.html",
        rows=rows,
        created=created,
        error=error,
        operations=OPERATIONS,
        ticked_operations=request.form.getlist("operations")
        if request.method == "POST"
        else DEFAULT_OPERATIONS,
        grantless_names=tuple(GRANTLESS_NAMES),
        default_rate=DEFAULT_RATE,
        form=request.form,
        public_url=services().settings.public_url,
    ), status


def revoke_key(key_id: str):
    """Revoke a key at once."""
    if revoke(get_db(), key_id[:40], actor="admin:console"):
        flash(f"API key {key_id[:40]} revoked; every worker using it is refused from now on.")
    return redirect(url_for("console.api_keys"), code=303)


def _create(form):
    partners = [p.strip() for p in form.get("partners", "").replace(",", "\n").splitlines() if p.strip()]
    expires = form.get("expires", "").strip()
    rate = form.get("rate", str(DEFAULT_RATE)).strip()
    if expires and not expires.isdigit():
        return None, "Expiry is a number of days, or empty for never."
    if not rate.isdigit():
        return None, "The rate is a number of requests a minute."
    try:
        key = create_key(
            get_db(),
            form.get("label", ""),
            partners,
            # What was ticked, and only that: an empty selection gives nothing, never everything.
            form.getlist("operations"),
            int(expires) if expires else None,
            int(rate),
            form.getlist("grantless_scopes"),
            actor="admin:console",
        )
    except ValueError as error:
        return None, f"Cannot create the key: {error}."
    return key, None
