"""The Redirect URI's outcome reported to its connect session, and the seller-facing branding.

The callback itself (``web/oauth/amazon.py``, ``auth/oauth/callback.py``) knows nothing of
connect: before it runs, the state tells which session the flow belongs to (this browser's
state only); after it, the session records what happened and, with a ``return_url``, the
browser goes back to the developer's site instead of our page.
"""

import json
import logging

from flask import Flask
from flask import g
from flask import redirect
from flask import request
from flask import template_rendered
from flask import url_for
from sqlalchemy.exc import SQLAlchemyError

from auth.connect.outcomes import Ending
from auth.connect.outcomes import session_of_state
from auth.connect.outcomes import settle
from auth.connect.return_urls import with_outcome
from auth.connect.sessions import find_session
from auth.explainer.diagnose import diagnose_redirect
from auth.explainer.redirect_findings import read_redirect
from auth.oauth.outcomes import outcome
from web.shared.browser import browser_id
from web.shared.services import get_db
from web.shared.services import services

log = logging.getLogger(__name__)
CALLBACK_ENDPOINT = "oauth.callback"
BRAND_PHRASES = (("Our app's", "{}'s"), ("our app's", "{}'s"), ("Our app", "{}"), ("our app", "{}"))


def init_app(app: Flask) -> None:
    """Register the hooks on ``app`` (after the browser cookie's, so it runs first)."""
    app.before_request(_note_session)
    app.after_request(_report)
    template_rendered.connect(_remember_outcome, app)
    app.context_processor(_branding)
    app.add_template_filter(brand, "brand")
    app.add_template_filter(customer_tags, "customer_tags")


def brand(text: str) -> str:
    """``text`` with "our app" replaced by ``SPAPI_APP_NAME`` when that is set."""
    name = services().settings.app_name
    if not text or name == "spapi-auth":
        return text
    for phrase, replacement in BRAND_PHRASES:
        text = text.replace(phrase, replacement.format(name))
    return text


def customer_tags(stored: str | None) -> dict:
    """An authorization's tags column as a dict, for the console."""
    return json.loads(stored) if stored else {}


def _branding() -> dict:
    settings = services().settings
    return {"app_name": settings.app_name, "support_url": settings.support_url}


def _note_session() -> None:
    if request.endpoint != CALLBACK_ENDPOINT:
        return
    try:
        found = session_of_state(get_db(), request.args.get("state"), browser_id())
    except SQLAlchemyError:
        return  # the callback answers the outage itself
    g.connect_session_id = found.id if found else None


def _remember_outcome(_app, template, context, **_extra) -> None:
    # The failure page names what went wrong; the session keeps its code, never the page.
    if "outcome" in context and request.endpoint == CALLBACK_ENDPOINT:
        g.connect_outcome = (context["outcome"], context.get("primary"))


def _attempt(response) -> Ending:
    """What the callback's answer says about this attempt."""
    if response.status_code >= 400:
        result, primary = g.get("connect_outcome", (None, None))
        entry = primary.id if primary else (result.explain if result else None)
        code = primary.code if primary else (result.key if result else "callback.failed")
        return Ending("failed", code, _explanation(entry))
    if not request.args.get("spapi_oauth_code"):
        signals = read_redirect(request.args)
        if signals.reported_error:
            entries = diagnose_redirect(signals).entries
            code = entries[0].code if entries else (signals.codes or (signals.error,))[0]
            return Ending("failed", code, _explanation(entries[0].id) if entries else None)
        return Ending("cancelled", "cancelled", _explanation(outcome("cancelled", "none").explain))
    return Ending("failed", "callback.incomplete")  # settle() finds the stored or pending row


def _explanation(entry_id: str | None) -> str | None:
    if not entry_id:
        return None
    return services().settings.public_url + url_for("explainer.entry", entry_id=entry_id)


def _report(response):
    session_id = g.pop("connect_session_id", None) if request.endpoint == CALLBACK_ENDPOINT else None
    if not session_id:
        return response
    try:
        ending = settle(get_db(), session_id, _attempt(response))
        row = find_session(get_db(), session_id)
    except SQLAlchemyError:
        get_db().rollback()
        log.warning("connect session %s: outcome not recorded (database error)", session_id)
        return response
    log.info("connect session %s: %s", session_id, ending.status)
    if row is None or not row.return_url:
        return response
    # Only the id and a status travel: the developer's backend reads the session to trust it.
    return redirect(with_outcome(row.return_url, row.id, ending.status), code=303)
