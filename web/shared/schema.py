"""The schema at start-up: migrated in tests, checked everywhere else.

In production the deployment runs ``flask spapi db upgrade`` once; a process whose database is
behind its code answers every request with a 503 naming that command (checked on its first
request, and again on each one until the upgrade has run), and serves normally after it.
"""

import logging

from flask import Flask
from flask import abort
from sqlalchemy import Engine

from auth.vault import schema

log = logging.getLogger(__name__)


def init_app(app: Flask, engine: Engine, migrate: bool) -> None:
    """Migrate (tests), or refuse requests while the schema is behind the code."""
    if migrate:
        schema.upgrade(engine)
        return
    checked = {"up_to_date": False}

    @app.before_request
    def refuse_while_schema_is_behind():
        if checked["up_to_date"]:
            return None
        try:
            schema.check_schema(engine)
        except schema.SchemaBehind as error:
            log.error("not serving: %s", error)
            abort(503, str(error))
        checked["up_to_date"] = True
        return None
