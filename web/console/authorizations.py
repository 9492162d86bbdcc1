"""Stored authorizations: the list, search, pagination and deletion."""

from datetime import timedelta

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import func
from sqlalchemy import select

from auth.vault import deletion
from auth.vault.models import Authorization
from auth.vault.previous import list_previous
from auth.vault.store import list_pending
from web.shared.services import get_db

PAGE_SIZE = 20
REAUTHORIZE_AFTER = timedelta(days=365)


def authorizations():
    """Stored authorizations, newest first, searchable by selling partner ID, paginated."""
    query = request.args.get("q", "").strip()[:128]
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    statement = select(Authorization)
    if query:
        statement = statement.where(Authorization.selling_partner_id.contains(query, autoescape=True))
    total = get_db().scalar(select(func.count()).select_from(statement.subquery()))
    rows = (
        get_db()
        .scalars(
            statement.order_by(Authorization.authorized_at.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
        .all()
    )
    return render_template(
        "console/authorizations.html",
        rows=rows,
        query=query,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        reauthorize_after=REAUTHORIZE_AFTER,
        pending=list_pending(get_db()),
        previous=list_previous(get_db()),
    )


def delete_authorization(authorization_id: int):
    """Delete a stored authorization, once confirmed."""
    row = get_db().get(Authorization, authorization_id) or abort(404, "No such authorization.")
    if request.form.get("confirm") != row.selling_partner_id:
        flash("Not deleted: type the selling partner ID to confirm.")
        return redirect(url_for("console.authorizations"))
    deletion.delete_authorization(get_db(), row, "admin:console")
    get_db().commit()
    flash(f"Deleted the authorization of {row.selling_partner_id} in {row.region}.")
    return redirect(url_for("console.authorizations"))
