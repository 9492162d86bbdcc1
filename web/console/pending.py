"""Pending authorizations (approve or reject), previous versions (restore) and the audit trail."""

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.vault import audit
from auth.vault import pending
from auth.vault.previous import NoSuchPrevious
from web.shared.services import get_db
from web.shared.services import services


def approve(pending_id: int):
    """Make a pending authorization the active one."""
    try:
        row = pending.approve(get_db(), pending_id, actor="admin:console", policy=services().vault_policy)
    except pending.NoSuchPending as error:
        flash(f"Nothing approved: {error}.")
    else:
        flash(f"Approved p{pending_id}: {row.selling_partner_id} in {row.region} now uses {row.fingerprint}.")
    return redirect(url_for("console.authorizations"))


def reject(pending_id: int):
    """Delete a pending authorization; the active one stays."""
    try:
        row = pending.reject(get_db(), pending_id, actor="admin:console")
    except pending.NoSuchPending as error:
        flash(f"Nothing rejected: {error}.")
    else:
        flash(f"Rejected and deleted p{pending_id} ({row.selling_partner_id}).")
    return redirect(url_for("console.authorizations"))


def restore(previous_id: int):
    """Bring a previous version back; the token it displaces is kept in turn."""
    try:
        row = pending.restore(get_db(), previous_id, "admin:console", services().vault_policy)
    except NoSuchPrevious as error:
        flash(f"Nothing restored: {error}.")
    else:
        flash(
            f"Restored v{previous_id}: {row.selling_partner_id} in {row.region} now uses {row.fingerprint}."
        )
    return redirect(url_for("console.authorizations"))


def audit_trail():
    """Every decision recorded for one selling partner (or the newest for all)."""
    partner = request.args.get("partner", "").strip()[:128]
    if partner and not SELLING_PARTNER_ID_RE.fullmatch(partner):
        partner = ""
    actor = request.args.get("actor", "").strip()[:40] or None
    events = [
        (event, audit.detail_of(event)) for event in audit.events_for(get_db(), partner or None, actor=actor)
    ]
    return render_template("console/audit.html", partner=partner, events=events)
