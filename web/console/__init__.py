"""The developer console: everything under ``/console``, behind the administrator guard.

Each page lives in the module named after it; this file is the route table.
"""

from flask import Blueprint

from web.console import api_keys
from web.console import associates
from web.console import authorizations
from web.console import dashboard
from web.console import grantless
from web.console import invitations
from web.console import lifecycle
from web.console import login
from web.console import pending
from web.console import playground
from web.console.guard import init_guard

__all__ = ["create_blueprint", "init_guard"]


def create_blueprint() -> Blueprint:
    """The console's routes, one line each."""
    bp = Blueprint("console", __name__, url_prefix="/console")
    bp.add_url_rule("/login", view_func=login.login, methods=["GET", "POST"])
    bp.add_url_rule("/logout", view_func=login.logout, methods=["POST"])
    bp.add_url_rule("/", view_func=dashboard.dashboard, methods=["GET"])
    bp.add_url_rule("/auth-url", view_func=dashboard.auth_url, methods=["GET"])
    bp.add_url_rule("/auth-url/open", view_func=dashboard.open_in_simulator, methods=["GET"])
    bp.add_url_rule("/authorizations", view_func=authorizations.authorizations, methods=["GET"])
    bp.add_url_rule(
        "/authorizations/<int:authorization_id>/delete",
        view_func=authorizations.delete_authorization,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/authorizations/<int:authorization_id>/test",
        view_func=playground.test_authorization,
        methods=["POST"],
    )
    bp.add_url_rule("/pending/<int:pending_id>/approve", view_func=pending.approve, methods=["POST"])
    bp.add_url_rule("/pending/<int:pending_id>/reject", view_func=pending.reject, methods=["POST"])
    bp.add_url_rule("/previous/<int:previous_id>/restore", view_func=pending.restore, methods=["POST"])
    bp.add_url_rule("/audit", view_func=pending.audit_trail, methods=["GET"])
    bp.add_url_rule("/invitations", view_func=invitations.invitations, methods=["GET", "POST"])
    bp.add_url_rule("/api-keys", view_func=api_keys.api_keys, methods=["GET", "POST"])
    bp.add_url_rule("/rotate-secret", view_func=lifecycle.rotate_secret, methods=["POST"])
    bp.add_url_rule(
        "/authorizations/<int:authorization_id>/reauthorize",
        view_func=lifecycle.reauthorize,
        methods=["POST"],
    )
    bp.add_url_rule("/events", view_func=lifecycle.events, methods=["GET"])
    bp.add_url_rule("/events/<int:event_id>/retry", view_func=lifecycle.retry_event, methods=["POST"])
    bp.add_url_rule("/api-keys/<key_id>/revoke", "revoke_api_key", api_keys.revoke_key, methods=["POST"])
    bp.add_url_rule("/self-test", view_func=playground.self_test, methods=["GET", "POST"])
    bp.add_url_rule("/self-test/token", "playground_token", playground.step_token, methods=["POST"])
    bp.add_url_rule("/self-test/rdt", "playground_rdt", playground.step_rdt, methods=["POST"])
    bp.add_url_rule("/self-test/call", "playground_call", playground.step_call, methods=["POST"])
    bp.add_url_rule("/associates", view_func=associates.associates, methods=["GET", "POST"])
    bp.add_url_rule(
        "/associates/<int:credential_id>/check", "associates_check", associates.check, methods=["POST"]
    )
    bp.add_url_rule(
        "/associates/<int:credential_id>/delete", "associates_delete", associates.delete, methods=["POST"]
    )
    bp.add_url_rule("/grantless", view_func=grantless.grantless, methods=["GET", "POST"])
    bp.add_url_rule("/legacy", view_func=grantless.legacy, methods=["GET", "POST"])
    return bp
