"""The token service's HTTP face: an LWA-compatible token endpoint for SP-API client libraries,
and a small JSON API with bearer API keys, described by an OpenAPI document.

Routes:
- ``POST /api/lwa/o2/token``: LWA's token endpoint, answered from the vault.
- ``GET /api/v1/authorizations``, ``POST /api/v1/access-tokens``,
  ``POST /api/v1/restricted-data-tokens``, ``POST /api/v1/grantless-tokens``,
  ``POST /api/v1/associates/<id>/check``.
- ``GET /api/v1/openapi.json``.
"""

from flask import Blueprint

from web.api import associates
from web.api import lwa
from web.api import v1


def create_blueprint() -> Blueprint:
    """The API's routes, one line each."""
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.add_url_rule("/lwa/o2/token", view_func=lwa.token, methods=["POST"])
    bp.add_url_rule("/v1/authorizations", view_func=v1.authorizations, methods=["GET"])
    bp.add_url_rule("/v1/access-tokens", view_func=v1.access_tokens, methods=["POST"])
    bp.add_url_rule("/v1/restricted-data-tokens", view_func=v1.restricted_data_tokens, methods=["POST"])
    bp.add_url_rule("/v1/grantless-tokens", view_func=v1.grantless_tokens, methods=["POST"])
    bp.add_url_rule("/v1/associates/<int:credential_id>/check", view_func=associates.check, methods=["POST"])
    bp.add_url_rule("/v1/openapi.json", view_func=v1.openapi, methods=["GET"])
    return bp
