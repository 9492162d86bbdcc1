"""The one error model of the core: every refusal or failure the core raises on purpose is an
``AppError`` that knows its HTTP status, a stable machine ``kind`` and a message safe to show.

Each surface renders it in one place (``web/shared/errors.py``): an HTML page for browsers, the
JSON API's ``{"error": {"code", "message"}}`` on ``/api/v1``, LWA's ``{"error",
"error_description"}`` on ``/api/lwa``. Messages never carry a secret: they are shown as they are.

May import: nothing (every core package may import it).
"""


class AppError(Exception):
    """Base of the core's errors; subclasses set ``status`` and ``kind`` (class or instance)."""

    status: int = 400
    kind: str = "invalid_request"
    retry_after: float | None = None

    def public_message(self) -> str:
        """What the user is told: the error's own message, or its kind."""
        message = getattr(self, "message", None)
        if isinstance(message, str) and message:
            return message
        return str(self.args[0]) if self.args and isinstance(self.args[0], str) else self.kind


class InvalidInput(AppError, ValueError):
    """The caller sent something malformed; the message names the field."""


class NotFound(AppError, LookupError):
    """The thing asked for does not exist (or is not the caller's to see)."""

    status = 404
    kind = "not_found"


class Unavailable(AppError):
    """A dependency (the database, Amazon) cannot answer now; nothing was lost: try again."""

    status = 503
    kind = "temporarily_unavailable"
    retry_after = 5.0
