"""The per-browser identifier that OAuth states are bound to."""

from flask import session

from auth.state import new_browser_id

BROWSER_KEY = "browser"


def browser_id(create: bool = False) -> str | None:
    """Return this browser's identifier from its signed session, creating one if asked."""
    value = session.get(BROWSER_KEY)
    if value is None and create:
        value = session[BROWSER_KEY] = new_browser_id()
    return value
