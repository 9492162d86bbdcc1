"""The explainer: a public page, one page per entry, a JSON API and the context helpers."""

from dataclasses import asdict

from flask import Blueprint
from flask import abort
from flask import jsonify
from flask import render_template
from flask import request
from flask import url_for

from auth.catalog import Entry
from auth.catalog import catalog
from auth.diagnose import Context
from auth.diagnose import Diagnosis
from auth.diagnose import closest
from auth.diagnose import diagnose
from web.services import services

bp = Blueprint("explain", __name__)


def app_context() -> Context:
    """What the diagnosis compares inputs against: this app's own configuration."""
    settings = services().settings
    return Context(
        application_id=settings.application_id,
        client_id=settings.lwa_client_id,
        draft=settings.draft,
        redirect_uri=settings.redirect_uri,
        login_uri=settings.login_uri,
    )


@bp.app_context_processor
def explain_helpers():
    """Let every template link a code to its explanation."""
    return {"explain_url": lambda code: url_for("explain.entry", entry_id=code)}


def _text_from_request() -> str:
    if request.method == "POST":
        return request.form.get("text") or request.get_data(as_text=True) or ""
    return request.args.get("q", "")


@bp.route("/explain", methods=["GET", "POST"])
def index():
    """Search box, paste box, results, and the index of every entry grouped by system."""
    text = _text_from_request()
    result = diagnose(text, app_context()) if text.strip() else None
    return render_template(
        "explain/index.html",
        text=text,
        result=result,
        systems=catalog().systems,
        pasted=request.method == "POST",
    )


@bp.get("/explain/<path:entry_id>")
def entry(entry_id: str):
    """One entry; a code shared by several entries lists them all."""
    found = catalog().get(entry_id)
    if found:
        return render_template("explain/entry.html", entry=found, system=_system_name(found))
    matches = catalog().for_code(entry_id)
    if matches:
        return render_template("explain/choose.html", code=entry_id, entries=matches)
    return render_template("explain/unknown.html", code=entry_id, suggestions=closest(entry_id)), 404


@bp.route("/api/explain", methods=["GET", "POST"])
def api():
    """JSON: the matching entries and the findings specific to the input (``q``, or a POST body)."""
    text = _text_from_request()
    if not text.strip():
        abort(400, "Pass what you have in q: a code (MD1000), a message, an error body or a URL.")
    return jsonify(as_json(diagnose(text, app_context())))


def as_json(result: Diagnosis) -> dict:
    """Serialise a diagnosis for the API and the CLI."""
    return {
        "kind": result.kind,
        "recognised": result.recognised,
        "truncated": result.truncated,
        "entries": [entry_json(e) for e in result.entries],
        "findings": [asdict(f) for f in result.findings],
        "suggestions": [{"id": e.id, "code": e.code, "title": e.title} for e in result.suggestions],
    }


def entry_json(entry: Entry) -> dict:
    """Serialise one entry, with a link to its page when a request is active."""
    data = {k: v for k, v in asdict(entry).items() if k != "patterns"}
    if request:
        data["url"] = url_for("explain.entry", entry_id=entry.id, _external=False)
    return data


def _system_name(entry: Entry) -> str:
    return next(s.name for s in catalog().systems if s.key == entry.system)


def init_app(app) -> None:
    """Register the blueprint; the JSON API changes nothing, so it takes POSTs without CSRF."""
    from app import csrf

    app.register_blueprint(bp)
    csrf.exempt(api)
