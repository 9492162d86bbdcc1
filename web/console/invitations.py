"""Invitations in the console: the list, and a form that creates one and shows its link once."""

from flask import render_template
from flask import request

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.marketplaces import catalog
from auth.oauth.invitations import MAX_DAYS
from auth.oauth.invitations import create_invitation
from auth.oauth.invitations import invitation_url
from auth.oauth.invitations import list_invitations
from auth.oauth.invitations import status_of
from web.shared.services import get_db
from web.shared.services import services


def invitations():
    """List invitations; a POST creates one and shows its link (only in this answer)."""
    created, error, status = None, None, 200
    if request.method == "POST":
        created, error = _create(request.form)
        status = 201 if created else 400
    rows = [(i, status_of(i)) for i in list_invitations(get_db())]
    return render_template(
        "console/invitations.html",
        rows=rows,
        created=created,
        error=error,
        marketplaces=catalog().marketplaces,
        max_days=MAX_DAYS,
        form=request.form,
    ), status


def _create(form) -> tuple[dict | None, str | None]:
    label = form.get("label", "").strip()
    account_type = form.get("account", "seller")
    key = form.get("marketplace", "").strip()
    expected = form.get("expected_partner", "").strip() or None
    days = form.get("days", "7").strip()
    if not label or len(label) > 120:
        return None, "Give the customer's name (1 to 120 characters)."
    if account_type not in ACCOUNT_TYPES:
        return None, "Choose seller or vendor."
    marketplace = catalog().find(key) if key and len(key) <= 32 else None
    if key and (marketplace is None or marketplace.central_url(account_type) is None):
        return None, "Choose a marketplace from the list (vendors: one with a Vendor Central site)."
    if expected and not SELLING_PARTNER_ID_RE.fullmatch(expected):
        return None, "The expected selling partner ID has letters and digits only."
    if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
        return None, f"The invitation lasts 1 to {MAX_DAYS} days."
    new = create_invitation(
        get_db(),
        label=label,
        account_type=account_type,
        marketplace_id=marketplace.marketplace_id if marketplace else None,
        expected_partner_id=expected,
        days=int(days),
        actor="admin:console",
    )
    return {
        "url": invitation_url(services().settings.public_url, new.token),
        "invitation": new.invitation,
    }, None
