"""The simulator's operations rehearsals as buttons on /simulator/: revoke a partner, take
LWA down for a while, queue an expiry notice for the app's secret."""

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.simulator.controls import revoke_partner
from auth.simulator.controls import start_outage
from web.shared.services import services

MAX_DAYS = 3650


def _number(name: str, low: int, high: int) -> int:
    value = request.form.get(name, "").strip()
    if not value.isdigit() or not low <= int(value) <= high:
        abort(400, f"{name} must be a whole number from {low} to {high}.")
    return int(value)


def revoke():
    """The partner disables the app in Seller Central."""
    partner = request.form.get("selling_partner_id", "").strip()
    if not SELLING_PARTNER_ID_RE.fullmatch(partner):
        abort(400, "Enter a selling partner ID of letters and digits.")
    count = revoke_partner(services().engine, partner)
    plural = "s" if count != 1 else ""
    flash(f"Revoked {count} refresh token{plural} of {partner}: LWA now answers invalid_grant.")
    return redirect(url_for("simulator.index"))


def outage():
    """LWA answers 503 for N seconds."""
    seconds = _number("seconds", 0, 86400)
    start_outage(services().engine, seconds)
    flash(f"The simulated LWA answers 503 for {seconds} seconds." if seconds else "The outage is over.")
    return redirect(url_for("simulator.index"))


def expiry_notice():
    """Amazon's expiry notice for the app's client secret, on SPAPI_ROTATION_QUEUE_URL."""
    from auth.operations.rehearse import send_expiry_notice

    days = _number("days", 0, MAX_DAYS)
    settings = services().settings
    if not settings.rotation_queue_url:
        abort(400, "SPAPI_ROTATION_QUEUE_URL is not set: the notice has no queue to go to.")
    sent = send_expiry_notice(
        settings.rotation_queue_url, settings.application_id, settings.lwa_client_id, days
    )
    flash(
        f"Queued an expiry notice: the secret expires {sent['expires'][:10]}. "
        "The worker (or notifications listen) reads it."
    )
    return redirect(url_for("simulator.index"))
