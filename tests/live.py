"""Real HTTP servers on loopback for tests: the app (with or without simulator) in a thread."""

import re
import socket
import threading
from html.parser import HTMLParser

from werkzeug.serving import make_server


class LiveServer:
    """Serve an app built for its own URL on 127.0.0.1 with a port the OS picked."""

    def __init__(self, build_app):
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.app = build_app(self.url)
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, fd=self._socket.fileno())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._socket.close()
        self._thread.join(timeout=5)
        # Close pooled connections now: a PostgreSQL connection left to the garbage collector
        # warns in whichever later test happens to collect it.
        self.app.extensions["spapi"].engine.dispose()


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action"), "method": attrs.get("method", "get"), "fields": {}}
            )
        elif tag in {"input", "select"} and self.forms and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "radio" and "checked" not in attrs:
                return
            if kind != "submit":
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")


def parse_form(html: str, index: int = 0) -> dict:
    """Return the action, method and default field values of a form in ``html``."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms[index]


def text_of(html: str) -> str:
    """Collapse an HTML page to its visible-ish text for assertions."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
