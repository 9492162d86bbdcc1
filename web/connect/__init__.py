"""Connect: the developer's product starts and follows authorizations.

Routes:
- ``GET /connect/<token>``: the seller's page of a connect session (``page``).
- ``GET /oauth/login/continue``: the Appstore workflow after the developer's sign-in (``login``).
- ``POST /api/v1/connect-sessions``, ``GET /api/v1/connect-sessions/<id>``,
  ``POST /api/v1/login-sessions/<id>`` (``api``).
- ``/console/connect``: re-authorization campaigns (``console``).
The Redirect URI's outcome reaches the session through ``hooks``.
"""

from flask import Blueprint
from flask import Flask

from web.connect import api
from web.connect import console
from web.connect import hooks
from web.connect import login
from web.connect import page


def create_blueprint() -> Blueprint:
    """The seller-facing routes (public), one line each."""
    bp = Blueprint("connect", __name__)
    bp.add_url_rule("/connect/<token>", view_func=page.connect_page, methods=["GET"])
    bp.add_url_rule("/oauth/login/continue", view_func=login.continue_login, methods=["GET"])
    return bp


def create_console_blueprint() -> Blueprint:
    """The console's campaign pages (the console's guard asks for the administrator)."""
    bp = Blueprint("connect_console", __name__, url_prefix="/console/reauthorize-campaigns")
    bp.add_url_rule("", view_func=console.campaigns, methods=["GET", "POST"])
    bp.add_url_rule("/<campaign_id>", view_func=console.campaign, methods=["GET"])
    return bp


def create_api_blueprint() -> Blueprint:
    """The JSON API's connect routes (bearer API keys with the ``connect`` operation)."""
    bp = Blueprint("connect_api", __name__, url_prefix="/api/v1")
    bp.add_url_rule("/connect-sessions", view_func=api.create_session, methods=["POST"])
    bp.add_url_rule("/connect-sessions/<session_id>", view_func=api.read_session, methods=["GET"])
    bp.add_url_rule("/login-sessions/<session_id>", view_func=api.sign_in, methods=["POST"])
    return bp


def init_app(app: Flask) -> None:
    """Branding on every page, and the callback's outcome reported to its session."""
    hooks.init_app(app)
