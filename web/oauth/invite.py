"""Invitation links: ``/invite/<token>`` binds the link to this browser and offers the start;
``/invite/<token>/authorize`` starts the website workflow on the customer's behalf."""

from flask import render_template
from flask import request

from auth.config.marketplaces import catalog
from auth.oauth.invitations import InvitationError
from auth.oauth.invitations import open_invitation
from auth.oauth.outcomes import outcome
from web.oauth.start import start_website_flow
from web.shared.browser import browser_id
from web.shared.services import get_db

STATUS = {"unknown": 404, "expired": 410, "used": 410, "other_browser": 403}


def invitation(token: str):
    """The invitation page: who invites, for which marketplace, and the button to Amazon."""
    try:
        found = open_invitation(get_db(), token, browser_id(create=True))
    except InvitationError as error:
        return _refused(error)
    fixed = catalog().find(found.marketplace_id) if found.marketplace_id else None
    return render_template(
        "oauth/invite.html",
        invitation=found,
        token=token,
        marketplace=fixed,
        marketplaces=[m for m in catalog().marketplaces if m.central_url(found.account_type)],
    )


def invitation_authorize(token: str):
    """Start the authorization of an opened invitation (same browser only)."""
    try:
        found = open_invitation(get_db(), token, browser_id(create=True))
    except InvitationError as error:
        return _refused(error)
    key = found.marketplace_id or request.args.get("marketplace", "")
    return start_website_flow(key, found.account_type, invitation_id=found.id)


def _refused(error: InvitationError):
    return render_template(
        "oauth/failed.html", outcome=outcome("invitation", error.kind), start_again=False
    ), STATUS[error.kind]
