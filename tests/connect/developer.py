"""A small loopback "developer app": the SaaS product that puts spapi-auth behind itself.

It creates connect sessions from its backend, receives the seller's browser on its return
URL and reads the session there (never trusting the query), signs its own user in on the
Appstore sign-in page, and receives the signed webhooks.
"""

import json
import threading

import requests
from flask import Flask
from flask import redirect
from flask import request
from werkzeug.serving import make_server

from auth.lifecycle.webhooks import verify

WEBHOOK_SECRET = "d1e8b0c7a9f2e4d6c3b5a7f9e1d3c5b7a2f4e6d8"


class DeveloperApp:
    """The developer's product, served on 127.0.0.1 with an OS-chosen port."""

    def __init__(self):
        self.returns: list[dict] = []  # what the return URL saw, with the session read back
        self.webhooks: list[dict] = []
        self.signed_in_customer = "cust-0001"
        self.spapi_url = ""
        self.key = ""
        app = Flask("developer")
        app.add_url_rule("/app/connected", view_func=self._returned)
        app.add_url_rule("/signin", view_func=self._sign_in)
        app.add_url_rule("/hooks/spapi", view_func=self._webhook, methods=["POST"])
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """Call spapi-auth's API from the developer's backend with its ``connect`` key."""
        headers = {"Authorization": f"Bearer {self.key}"}
        return requests.request(
            method, f"{self.spapi_url}/api/v1{path}", headers=headers, timeout=10, **kwargs
        )

    def create_session(self, **body) -> dict:
        """POST /api/v1/connect-sessions and return the created session."""
        answer = self.api("POST", "/connect-sessions", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def _returned(self):
        # The query says only which session to read; the backend asks spapi-auth what happened.
        session_id = request.args.get("connect_session", "")
        read = self.api("GET", f"/connect-sessions/{session_id}")
        self.returns.append(
            {"query": dict(request.args), "session": read.json(), "read_status": read.status_code}
        )
        return f"Back at the developer app: {request.args.get('status')}"

    def _sign_in(self):
        # The developer's own sign-in (here: always the same user), then the server-side call.
        login_session = request.args.get("login_session", "")
        body = {"customer_ref": self.signed_in_customer, "tags": {"plan": "pro"}}
        answer = self.api("POST", f"/login-sessions/{login_session}", json=body)
        if answer.status_code != 200:
            return answer.text, 502
        return redirect(f"{self.spapi_url}/oauth/login/continue?login_session={login_session}", code=302)

    def _webhook(self):
        body = request.get_data()
        timestamp = request.headers.get("X-Spapi-Auth-Timestamp", "")
        if not verify(WEBHOOK_SECRET, timestamp, body, request.headers.get("X-Spapi-Auth-Signature", "")):
            return "bad signature", 401
        self.webhooks.append(json.loads(body))
        return "", 204
