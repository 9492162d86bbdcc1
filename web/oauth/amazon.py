"""Amazon-facing routes: the OAuth Login URI, the Redirect URI and the landing page."""

import logging
import re

from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for

from auth.clients.lwa import LwaError
from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.config.marketplaces import catalog
from auth.connect import login_sessions
from auth.connect.return_urls import with_query
from auth.explainer.diagnose import diagnose_redirect
from auth.explainer.redirect_findings import RedirectSignals
from auth.explainer.redirect_findings import read_redirect
from auth.oauth.callback import CallbackError
from auth.oauth.callback import Cancelled
from auth.oauth.callback import StorageFailed
from auth.oauth.callback import complete_callback
from auth.oauth.outcomes import for_amazon_error
from auth.oauth.outcomes import outcome
from auth.oauth.redirects import RedirectRejected
from auth.oauth.redirects import build_confirm_redirect
from auth.oauth.state import FlowContext
from auth.oauth.state import StateError
from auth.vault.models import Authorization
from auth.vault.models import PendingAuthorization
from auth.vault.observations import observe
from web.oauth.failures import FAILED_KEY
from web.oauth.failures import committed_anyway
from web.oauth.failures import failure_page
from web.oauth.failures import remember_failure
from web.oauth.start import closed
from web.oauth.start import new_state
from web.shared.browser import browser_id
from web.shared.services import get_db
from web.shared.services import services

log = logging.getLogger(__name__)
AMAZON_STATE_RE = re.compile(r"[!-~]{1,1024}")
COMPLETED_KEY = "completed_authorization"
ENDED_KEY = "ended_without_code"


def login():
    """The OAuth Login URI: send the browser back to Amazon's confirm URI with our state."""
    settings = services().settings
    if not settings.public_authorize:
        # The Appstore workflow cannot carry an invitation, so it is closed with the public page.
        return closed()
    args = request.args
    try:
        parts, target = services().callback_allow_list.check(args.get("amazon_callback_uri"))
        amazon_state = args.get("amazon_state", "")
        if not AMAZON_STATE_RE.fullmatch(amazon_state):
            raise RedirectRejected("amazon_state is missing or malformed")
        selling_partner_id = args.get("selling_partner_id", "")
        if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
            raise RedirectRejected("selling_partner_id is missing or malformed")
        if args.get("version", "beta") != "beta":
            raise RedirectRejected("version may only be beta")
    except RedirectRejected as error:
        log.warning("login URI call refused: %s", error)
        return render_template("oauth/login_refused.html", reason=str(error)), 400
    # Every worker's doctor reads what Amazon sent last, so it lives in the database.
    observe(get_db(), "amazon_version", "beta" if "version" in args else "none")
    get_db().commit()
    if ("version" in args) != settings.draft:
        # Amazon adds version=beta exactly for draft apps; a mismatch means SPAPI_APP_STATUS
        # disagrees with the app's real status, and Amazon will answer MD1000 or similar.
        log.warning(
            "Login URI: Amazon's version parameter disagrees with SPAPI_APP_STATUS=%s", settings.app_status
        )
    region, account_type = catalog().central_for_host(target.central_host)
    if settings.signin_url:
        # Connect: the developer's site signs its user in first (auth/connect/login_sessions.py).
        try:
            login_session = login_sessions.start(
                get_db(),
                services().vault,
                browser_id(create=True),
                callback_uri=args.get("amazon_callback_uri"),
                amazon_state=amazon_state,
                selling_partner_id=selling_partner_id,
                region=region.code,
                account_type=account_type,
                address=request.remote_addr,
                per_minute=settings.states_per_minute,
            )
        except login_sessions.LoginSessionError:
            abort(429, "Too many authorizations were started from your address. Wait a minute and try again.")
        return redirect(with_query(settings.signin_url, {"login_session": login_session}), code=302)
    state = new_state(
        FlowContext(
            "appstore",
            account_type,
            region.code,
            selling_partner_id=selling_partner_id,
            consent_sent={
                "application_id": settings.application_id,
                "version": "beta" if settings.draft else "",
                "redirect_uri": settings.redirect_uri,
                "app_status": settings.app_status,
            },
        ),
    )
    params = {"redirect_uri": settings.redirect_uri, "amazon_state": amazon_state, "state": state}
    if settings.draft:
        params["version"] = "beta"
    return redirect(build_confirm_redirect(parts, params), code=302)


def callback():
    """The OAuth Redirect URI: check state, exchange the code once, store the token."""
    svc = services()
    # A call without a code is Amazon (or the partner) ending the flow: read what it says
    # before anything else, so that even a refused state still explains it.
    signals = None if request.args.get("spapi_oauth_code") else read_redirect(request.args)
    try:
        result = complete_callback(
            get_db(),
            svc.vault,
            svc.lwa,
            svc.settings.redirect_uri,
            request.args,
            browser_id(),
            svc.evidence,
            svc.vault_policy,
        )
    except StateError as error:
        log.warning("redirect refused: state %s", error.reason)
        if signals is not None and signals.reported_error:
            # Nothing is stored, but a seller sent back with SPDC8143 still learns what to do.
            return _ended(signals, state_problem=outcome("state", error.reason))
        return _failure(outcome("state", error.reason), 400)
    except CallbackError as error:
        log.warning("redirect refused: %s%s", error.kind, f" ({error.detail})" if error.detail else "")
        return _failed(remember_failure("callback", error.kind, error.status))
    except LwaError as error:
        log.warning("code exchange failed: %s (HTTP %s)", error.kind, error.http_status)
        return _failed(remember_failure("lwa", error.kind, error.status, error))
    except StorageFailed as error:
        # The page follows what was committed, never what the exception suggests.
        result = committed_anyway(error)
        if result is None:
            return _failed(remember_failure("callback", "storage_failed", 503))
    if isinstance(result, Cancelled):
        signals = (signals or RedirectSignals()).with_sent(result.context.consent_sent)
        log.info(
            "authorization ended without a code (%s)",
            ", ".join(signals.codes) or signals.error or "cancelled",
        )
        session.pop(COMPLETED_KEY, None)
        session.pop(FAILED_KEY, None)
        session[ENDED_KEY] = signals.as_dict()
        # 303 to a clean URL, like a success: a reload shows the same page, never "already completed".
        return redirect(url_for("oauth.complete"), code=303)
    session.pop(ENDED_KEY, None)
    session.pop(FAILED_KEY, None)
    if isinstance(result, PendingAuthorization):
        log.warning(
            "authorization for %s in %s kept pending (p%s): %s",
            result.selling_partner_id,
            result.region,
            result.id,
            result.reason,
        )
        session[COMPLETED_KEY] = f"p{result.id}"
        return redirect(url_for("oauth.complete"), code=303)
    log.info(
        "authorization stored for %s in %s, token %s",
        result.selling_partner_id,
        result.region,
        result.fingerprint,
    )
    session[COMPLETED_KEY] = result.id
    # 303 to a clean URL: the code and state leave the address bar and the history.
    return redirect(url_for("oauth.complete"), code=303)


def complete():
    """The landing page after an authorization: stored, pending, failed or ended without a code."""
    if FAILED_KEY in session:
        return failure_page(session.get(FAILED_KEY))
    if ENDED_KEY in session:
        return _ended(RedirectSignals.from_dict(session.get(ENDED_KEY)))
    row_id = session.get(COMPLETED_KEY)
    if isinstance(row_id, str) and row_id.startswith("p") and row_id[1:].isdigit():
        pending = get_db().get(PendingAuthorization, int(row_id[1:]))
        if pending is not None:
            # Said the same way whatever the reason: nothing here helps an attacker probe.
            return render_template("oauth/received.html", region=catalog().regions[pending.region])
    row = get_db().get(Authorization, row_id) if isinstance(row_id, int) else None
    if row is None:
        return _failure(outcome("state", "missing"), 404)
    region = catalog().regions[row.region]
    return render_template("oauth/complete.html", authorization=row, region=region)


def _failed(_record):
    """Leave the Redirect URI for a clean URL (303), like a success: the spent code and state
    leave the address bar, and a reload shows the same failure, never "already completed"."""
    return redirect(url_for("oauth.complete"), code=303)


def _failure(result, status: int, lwa_error: LwaError | None = None):
    return render_template("oauth/failed.html", outcome=result, lwa_error=lwa_error), status


def _ended(signals: RedirectSignals, state_problem=None):
    """The page for a flow Amazon ended without a code: the seller's part, then the developer's."""
    diagnosis = diagnose_redirect(signals)
    primary = diagnosis.entries[0] if diagnosis.entries else None
    if not signals.reported_error:
        result = outcome("cancelled", "none")
    else:
        result = for_amazon_error(primary.id if primary else None)
    return render_template(
        "oauth/failed.html",
        outcome=result,
        signals=signals,
        diagnosis=diagnosis,
        primary=primary,
        state_problem=state_problem,
    ), (400 if signals.reported_error else 200)
