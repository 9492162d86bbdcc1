"""The schema at start-up: migrated in development and tests, checked everywhere else.

In production the deployment runs ``flask spapi db upgrade`` once; a process that finds the
schema behind its code answers every request with a 503 naming that command, and serves
normally as soon as the upgrade has run.
"""

import logging

from flask import Flask
from flask import abort
from sqlalchemy import Engine

from auth.vault import schema

log = logging.getLogger(__name__)


def init_app(app: Flask, engine: Engine, migrate: bool) -> None:
    """Migrate (development, tests) or check the schema, refusing requests while it is behind."""
    if migrate:
        schema.upgrade(engine)
        return
    try:
        schema.check_schema(engine)
        return
    except schema.SchemaBehind as error:
        log.error("not serving: %s", error)
    behind = {"yes": True}

    @app.before_request
    def refuse_while_schema_is_behind():
        if not behind["yes"]:
            return None
        try:
            schema.check_schema(engine)
        except schema.SchemaBehind as error:
            abort(503, str(error))
        behind["yes"] = False
        return None
