"""The seller-facing OAuth flow: the start page, ``/authorize``, the Login URI, the Redirect URI
and the landing page. The flow itself lives in ``auth.oauth``; these views only translate HTTP.
"""

from flask import Blueprint

from web.oauth import amazon
from web.oauth import invite
from web.oauth import start


def create_blueprint() -> Blueprint:
    """The flow's routes, one line each, in the order a seller meets them."""
    bp = Blueprint("oauth", __name__)
    bp.add_url_rule("/", view_func=start.index, methods=["GET"])
    bp.add_url_rule("/authorize", view_func=start.authorize, methods=["GET"])
    bp.add_url_rule("/invite/<token>", view_func=invite.invitation, methods=["GET"])
    bp.add_url_rule("/invite/<token>/authorize", view_func=invite.invitation_authorize, methods=["GET"])
    bp.add_url_rule("/oauth/login", view_func=amazon.login, methods=["GET"])
    bp.add_url_rule("/oauth/redirect", view_func=amazon.callback, methods=["GET"])
    bp.add_url_rule("/oauth/complete", view_func=amazon.complete, methods=["GET"])
    return bp
