"""The Host header's port must be the one in ``PUBLIC_URL``: Werkzeug's trusted-host check
compares names only, so ``spapi.example.com:8443`` would otherwise pass for
``https://spapi.example.com``."""

import re
from urllib.parse import urlsplit

from flask import Flask
from flask import request

DEFAULT_PORTS = {"http": 80, "https": 443}
HOST_RE = re.compile(r"(?P<name>\[[^\]]+\]|[^:]+)(?::(?P<port>\d{1,5}))?")


def init_app(app: Flask, public_url: str) -> None:
    """Refuse requests whose Host names another port (only where trusted hosts are enforced)."""
    if not app.config.get("TRUSTED_HOSTS"):
        return
    parts = urlsplit(public_url)
    expected = parts.port or DEFAULT_PORTS[parts.scheme]

    @app.before_request
    def refuse_other_ports():
        match = HOST_RE.fullmatch(request.host)  # request.host raises SecurityError first for a bad name
        port = match.group("port") if match else None
        if port is not None and int(port) != expected:
            return (
                "Bad Request: this server does not answer for that host and port.",
                400,
                {"Content-Type": "text/plain"},
            )
        return None
