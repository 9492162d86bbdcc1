"""The explainer's pages and JSON API over ``auth.explainer``: public, no log-in needed."""

from flask import Blueprint

from web.explainer import pages


def create_blueprint() -> Blueprint:
    """The explainer's routes, one line each."""
    bp = Blueprint("explainer", __name__)
    bp.add_url_rule("/explain", view_func=pages.index, methods=["GET", "POST"])
    bp.add_url_rule("/explain/<path:entry_id>", view_func=pages.entry, methods=["GET"])
    bp.add_url_rule("/api/explain", view_func=pages.api, methods=["GET", "POST"])
    return bp
