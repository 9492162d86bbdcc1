"""Flask's signed-cookie sessions, with the signing serializer built once per app."""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    """Like Flask's default, but without rebuilding the serializer on every request.

    The secret key is fixed once the app starts, and rebuilding showed up in the profile of
    every OAuth request (bench/flow.py).
    """

    def __init__(self):
        self._serializer = None

    def get_signing_serializer(self, app: Flask):
        """Return the serializer, built on first use."""
        if self._serializer is None:
            self._serializer = super().get_signing_serializer(app)
        return self._serializer
