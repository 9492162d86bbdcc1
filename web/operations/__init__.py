"""Operations over HTTP: ``GET /metrics`` for Prometheus (``metrics``), and the counting of
callbacks and token-service requests as they are answered (``counting``)."""

from flask import Blueprint
from flask import Flask

from web.operations import counting
from web.operations import metrics


def create_blueprint() -> Blueprint:
    """The operations routes, one line each."""
    bp = Blueprint("operations", __name__)
    bp.add_url_rule("/metrics", view_func=metrics.metrics, methods=["GET"])
    return bp


def init_app(app: Flask) -> None:
    """Count requests as they are answered, and serve /metrics."""
    counting.init_app(app)
    app.register_blueprint(create_blueprint())
