"""The lifecycle in the console: the client secret's state and its rotation, authorizations
coming due with a re-authorization link, and the webhook events with their dead letters."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for

from auth.clients.lwa import LwaError
from auth.config.marketplaces import catalog
from auth.lifecycle.secret_rotation import audit_rotation_request
from auth.lifecycle.secret_rotation import request_rotation
from auth.lifecycle.webhooks import retry_dead
from auth.oauth.invitations import create_invitation
from auth.oauth.invitations import invitation_url
from auth.vault.models import Authorization
from auth.vault.outbox import event_json
from auth.vault.outbox import list_events
from web.shared.services import get_db
from web.shared.services import services

INVITATION_DAYS = 14


def rotate_secret():
    """Ask Amazon to rotate the client secret; the new one arrives on the SQS queue."""
    svc = services()
    try:
        outcome = request_rotation(svc.token_cache, catalog().regions["NA"], svc.settings.spapi_url)
    except LwaError as error:
        flash(f"LWA refused the grantless token for rotation: {error.kind}.")
        return redirect(url_for("console.dashboard"), code=303)
    audit_rotation_request(get_db(), "admin:console", outcome)
    get_db().commit()
    if outcome.accepted:
        flash(
            "Amazon accepted the rotation: the new secret arrives on the SQS queue "
            "(flask spapi notifications listen stores it)."
        )
    else:
        flash(f"Amazon refused the rotation (HTTP {outcome.result.status}): {outcome.result.body[:200]}")
    return redirect(url_for("console.dashboard"), code=303)


def reauthorize(authorization_id: int):
    """Create an invitation for the partner to authorize again, and show its link once."""
    row = get_db().get(Authorization, authorization_id) or abort(404, "No such authorization.")
    new = create_invitation(
        get_db(),
        label=f"Re-authorization of {row.selling_partner_id} ({row.region})",
        account_type=row.account_type,
        marketplace_id=None,
        expected_partner_id=row.selling_partner_id,
        days=INVITATION_DAYS,
        actor="admin:console",
    )
    url = invitation_url(services().settings.public_url, new.token)
    return render_template("console/reauthorize.html", row=row, url=url, days=INVITATION_DAYS), 201


def events():
    """The webhook events, newest first, dead letters on top."""
    rows = [event_json(e) for e in list_events(get_db(), status="dead")]
    rows += [event_json(e) for e in list_events(get_db()) if e.status != "dead"]
    return render_template("console/events.html", rows=rows, webhook_url=services().settings.webhook_url)


def retry_event(event_id: int):
    """Give a dead event a fresh set of attempts."""
    if retry_dead(get_db(), event_id):
        flash(f"Event {event_id} will be delivered again.")
    return redirect(url_for("console.events"), code=303)
