"""``/oauth/login/continue``: after the developer's site signed its user in, continue to
Amazon exactly as ``/oauth/login`` does, once, in the browser that came from Amazon."""

import logging

from flask import redirect
from flask import render_template
from flask import request

from auth.connect.login_sessions import LoginSessionError
from auth.connect.login_sessions import take
from auth.oauth.redirects import RedirectRejected
from auth.oauth.redirects import build_confirm_redirect
from auth.oauth.state import FlowContext
from auth.oauth.state import TooManyStates
from auth.oauth.state import issue_state
from web.shared.browser import browser_id
from web.shared.services import get_db
from web.shared.services import services

log = logging.getLogger(__name__)
REASONS = {
    "unknown": "this sign-in step is not one we started",
    "other_browser": "this sign-in step was started in another browser",
    "expired": "more than 10 minutes passed since Amazon sent you here",
    "not_signed_in": "the app has not finished signing you in yet",
    "used": "this sign-in step was already used once",
}


def continue_login():
    """Use the login session and answer 302 to Amazon's confirm URI with a fresh state."""
    svc = services()
    try:
        kept = take(get_db(), svc.vault, request.args.get("login_session"), browser_id())
        parts, _target = svc.callback_allow_list.check(kept.callback_uri)
    except LoginSessionError as error:
        log.warning("login continue refused: %s", error.kind)
        return refused(REASONS[error.kind])
    except RedirectRejected:  # the allow-list changed since: never follow it
        return refused("the address Amazon gave is no longer one we trust")
    context = FlowContext(
        "appstore",
        kept.account_type,
        kept.region,
        selling_partner_id=kept.selling_partner_id,
        invitation_id=kept.invitation_id,
    )
    try:
        state = issue_state(
            svc.engine,
            browser_id(create=True),
            context,
            address=request.remote_addr,
            per_minute=svc.settings.states_per_minute,
        )
    except TooManyStates:
        return refused("too many authorizations were started from your address; wait a minute", 429)
    params = {"redirect_uri": svc.settings.redirect_uri, "amazon_state": kept.amazon_state, "state": state}
    if svc.settings.draft:
        params["version"] = "beta"
    return redirect(build_confirm_redirect(parts, params), code=302)


def refused(reason: str, status: int = 400):
    """The explained refusal page; nothing is sent to Amazon."""
    return render_template("oauth/login_refused.html", reason=reason), status
