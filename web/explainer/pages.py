"""The explainer's views: the search and paste page, one page per entry, and the JSON API."""

from flask import abort
from flask import jsonify
from flask import render_template
from flask import request

from auth.explainer.catalog import Entry
from auth.explainer.catalog import catalog
from auth.explainer.diagnose import closest
from auth.explainer.diagnose import diagnose
from web.shared.explaining import app_context
from web.shared.explaining import as_json

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _text_from_request() -> str:
    if request.method == "POST":
        # Only a form body can carry a "text" field; parsing any other body as a form (a
        # pasted report, sent as text/plain) finds nothing and costs /api/explain's time.
        text = request.form.get("text") if request.mimetype in FORM_TYPES else None
        return text or request.get_data(as_text=True) or ""
    return request.args.get("q", "")


def index():
    """Search box, paste box, results, and the index of every entry grouped by system."""
    text = _text_from_request()
    result = diagnose(text, app_context()) if text.strip() else None
    return render_template(
        "explainer/index.html",
        text=text,
        result=result,
        systems=catalog().systems,
        pasted=request.method == "POST",
    )


def entry(entry_id: str):
    """One entry; a code shared by several entries lists them all."""
    found = catalog().get(entry_id)
    if found:
        return render_template("explainer/entry.html", entry=found, system=_system_name(found))
    matches = catalog().for_code(entry_id)
    if matches:
        return render_template("explainer/choose.html", code=entry_id, entries=matches)
    return render_template("explainer/unknown.html", code=entry_id, suggestions=closest(entry_id)), 404


def api():
    """JSON: the matching entries and the findings specific to the input (``q``, or a POST body)."""
    text = _text_from_request()
    if not text.strip():
        abort(400, "Pass what you have in q: a code (MD1000), a message, an error body or a URL.")
    return jsonify(as_json(diagnose(text, app_context())))


def _system_name(entry: Entry) -> str:
    return next(s.name for s in catalog().systems if s.key == entry.system)
