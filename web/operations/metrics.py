"""``GET /metrics``: Prometheus's text format, only for ``Authorization: Bearer
<SPAPI_METRICS_TOKEN>``, and 404 while the setting is unset (nothing is exposed by default)."""

import hmac

from flask import Response
from flask import abort
from flask import request
from sqlalchemy.exc import SQLAlchemyError

from auth.operations import metrics as core
from web.shared.explaining import secret_deadline
from web.shared.services import get_db
from web.shared.services import services


def metrics():
    """The counters of every worker and the fleet's gauges."""
    settings = services().settings
    if not settings.metrics_token:
        abort(404)
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), settings.metrics_token.encode()
    ):
        return Response(
            "A bearer token is required: Authorization: Bearer <SPAPI_METRICS_TOKEN>\n",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain; charset=utf-8"},
        )
    try:
        status, _source = secret_deadline(get_db())
        body = core.exposition(get_db(), status.deadline)
    except SQLAlchemyError:
        get_db().rollback()
        return Response(
            "The database is unavailable.\n", 503, {"Retry-After": "30", "Content-Type": "text/plain"}
        )
    return Response(body, 200, {"Content-Type": core.CONTENT_TYPE, "Cache-Control": "no-store"})
