"""``/connect/<token>``: a connect session's page for the seller, the invitation's machinery
with the developer's branding; the button continues at ``/invite/<token>/authorize``."""

from flask import render_template

from auth.config.marketplaces import catalog
from auth.connect.sessions import session_of_invitation
from auth.oauth.invitations import InvitationError
from auth.oauth.invitations import open_invitation
from auth.oauth.outcomes import outcome
from web.shared.browser import browser_id
from web.shared.services import get_db

STATUS = {"unknown": 404, "expired": 410, "used": 410, "other_browser": 403}


def connect_page(token: str):
    """Bind the link to this browser and offer the start (marketplace fixed or chosen)."""
    db = get_db()
    try:
        found = open_invitation(db, token, browser_id(create=True))
    except InvitationError as error:
        return outcome_page(error.kind)
    session = session_of_invitation(db, found.id)
    if session is None:  # an administrator's invitation: its own page says who invites
        return outcome_page("unknown")
    fixed = catalog().find(found.marketplace_id) if found.marketplace_id else None
    return render_template(
        "connect/start.html",
        invitation=found,
        token=token,
        marketplace=fixed,
        marketplaces=[m for m in catalog().marketplaces if m.central_url(found.account_type)],
    )


def outcome_page(kind: str):
    """The invitation's refusal page for ``kind``."""
    return render_template(
        "oauth/failed.html", outcome=outcome("invitation", kind), start_again=False
    ), STATUS[kind]
