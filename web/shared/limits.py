"""A hard cap on request bodies, applied before the app: a ``Content-Length`` over the cap is
answered 413 at once, and a chunked body (no length) is read up to the cap and refused beyond
it, so every route behaves alike and no worker buffers more than the cap."""

import io
import json

from web.shared.errors import json_error
from web.shared.errors import surface_for

CHUNK = 64 * 1024


class BodyLimit:
    """WSGI middleware: at most ``max_bytes`` of request body, whatever the framing."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH") or ""
        if length:
            if not length.isdigit():
                return self._refuse(
                    environ, start_response, 400, "The Content-Length header is not a number."
                )
            if int(length) > self.max_bytes:
                return self._refuse(environ, start_response, 413, self._too_large())
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = self._read_capped(environ["wsgi.input"])
            if body is None:
                return self._refuse(environ, start_response, 413, self._too_large())
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    def _read_capped(self, stream) -> bytes | None:
        parts, size = [], 0
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                return b"".join(parts)
            size += len(chunk)
            if size > self.max_bytes:
                return None
            parts.append(chunk)

    def _too_large(self) -> str:
        return f"What you sent is too large. Send less than {self.max_bytes // (1024 * 1024)} MB."

    @staticmethod
    def _refuse(environ, start_response, status: int, message: str):
        reason = {400: "Bad Request", 413: "Content Too Large"}[status]
        surface = surface_for(environ.get("PATH_INFO", ""), environ.get("HTTP_ACCEPT", ""))
        if surface != "html":
            payload = json_error(surface, status, message, title=reason)
            body, kind = json.dumps(payload).encode(), "application/json"
        else:
            body, kind = f"{status} {reason}: {message}\n".encode(), "text/plain; charset=utf-8"
        start_response(
            f"{status} {reason}",
            [("Content-Type", kind), ("Content-Length", str(len(body))), ("Connection", "close")],
        )
        return [body]
