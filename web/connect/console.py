"""Re-authorization campaigns in the console: start one (the links are shown once) and follow
how many of its sessions completed."""

from flask import abort
from flask import render_template
from flask import request

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.connect.campaigns import DEFAULT_DAYS
from auth.connect.campaigns import MAX_DAYS
from auth.connect.campaigns import list_campaigns
from auth.connect.campaigns import select_authorizations
from auth.connect.campaigns import sessions_of
from auth.connect.campaigns import start_campaign
from auth.connect.sessions import status_of
from auth.connect.tables import ConnectCampaign
from web.shared.services import get_db
from web.shared.services import services

MAX_DUE_DAYS = 365


def campaigns():
    """The campaigns with their progress; a POST starts one and shows its links once."""
    created, error, status = None, None, 200
    if request.method == "POST":
        created, error = _start(request.form)
        status = 201 if created else 400
    return render_template(
        "connect/campaigns.html",
        campaigns=list_campaigns(get_db()),
        created=created,
        error=error,
        default_days=DEFAULT_DAYS,
        max_days=MAX_DAYS,
    ), status


def campaign(campaign_id: str):
    """One campaign: each session's partner, customer and status."""
    found = get_db().get(ConnectCampaign, campaign_id[:40]) or abort(404, "No such campaign.")
    rows = [(s, status_of(s)) for s in sessions_of(get_db(), found.id)]
    done = sum(1 for _s, state in rows if state in ("stored", "pending"))
    return render_template("connect/campaign.html", campaign=found, rows=rows, done=done)


def _start(form) -> tuple[dict | None, str | None]:
    which = form.get("which", "")
    days = form.get("days", str(DEFAULT_DAYS)).strip()
    if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
        return None, f"Links last 1 to {MAX_DAYS} days."
    if which == "all":
        rows, selector = select_authorizations(get_db(), every=True), "all"
    elif which == "partners":
        partners = tuple(p for p in form.get("partners", "").replace(",", " ").split() if p)
        if not partners or any(not SELLING_PARTNER_ID_RE.fullmatch(p) for p in partners):
            return None, "List selling partner IDs (letters and digits), separated by spaces or commas."
        rows, selector = select_authorizations(get_db(), partners=partners), "partners " + " ".join(partners)
    elif which == "due":
        due = form.get("due_days", "").strip()
        if not due.isdigit() or int(due) > MAX_DUE_DAYS:
            return None, f"Due within 0 to {MAX_DUE_DAYS} days."
        rows, selector = select_authorizations(get_db(), due_days=int(due)), f"due within {due} days"
    else:
        return None, "Choose all authorizations, some partners, or those due."
    if not rows:
        return None, "No stored authorization matches."
    campaign_id, made = start_campaign(get_db(), rows, services().settings.public_url, selector, int(days))
    return {"id": campaign_id, "rows": made}, None
