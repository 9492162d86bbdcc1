"""Two instances on one PostgreSQL: a session created on one is opened, completed and read on
the other, and a login session started on one continues on the other (nothing in memory)."""

from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import requests

from app import create_app
from tests.conftest import base_config
from tests.conftest import live_simulator
from tests.connect.conftest import make_key
from tests.helpers import query_of
from tests.live import LiveServer
from tests.live import parse_form


def on(server, url: str) -> str:
    """The same path and query, sent to ``server`` (cookies go with the host, whatever the port)."""
    parts = urlsplit(url)
    return f"{server.url}{parts.path}" + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def pair(tmp_path, postgres_server, developer):
    database = postgres_server.new_database()
    settings = {
        "DATABASE_URL": database,
        "SPAPI_RETURN_URLS": f"{developer.url}/app",
        "SPAPI_SIGNIN_URL": f"{developer.url}/signin",
    }
    with live_simulator(tmp_path, **settings) as first:
        # The second instance serves the same deployment: same PUBLIC_URL, same keys, same database.
        config = base_config(
            tmp_path,
            SPAPI_SIMULATOR="1",
            PUBLIC_URL=first.url,
            LWA_TOKEN_URL="",
            SPAPI_API_URL="",
            **settings,
        )
        config.update({k: first.app.config[k] for k in ("SECRET_KEY",)})
        config["TOKEN_ENCRYPTION_KEYS"] = ",".join(
            first.app.extensions["spapi"].settings.token_encryption_keys
        )
        with LiveServer(lambda _url: create_app(config)) as second:
            developer.spapi_url = second.url
            developer.key = make_key(first.app, "--operation", "connect")
            yield first, second


def test_a_session_moves_between_instances(pair, developer):
    first, second = pair
    created = developer.create_session(customer_ref="cust-pg", return_url=f"{developer.url}/app/connected")
    browser = requests.Session()
    page = browser.get(on(first, created["url"]), timeout=10)
    start = browser.get(
        on(second, urljoin(page.url, parse_form(page.text)["action"])),
        params={"marketplace": "US"},
        timeout=10,
        allow_redirects=False,
    )
    consent = browser.get(on(first, start.headers["Location"]), timeout=10)
    form = parse_form(consent.text)
    decision = {**form["fields"], "decision": "confirm", "selling_partner_id": "APOSTGRES00001"}
    to_us = browser.post(
        urljoin(consent.url, form["action"]), data=decision, timeout=10, allow_redirects=False
    )
    back = browser.get(on(second, to_us.headers["Location"]), timeout=10)
    assert query_of(back.url) == {"connect_session": created["id"], "status": "stored"}
    assert developer.returns[-1]["session"]["customer_ref"] == "cust-pg"


def test_a_login_session_continues_on_the_other_instance(pair, developer):
    first, second = pair
    browser = requests.Session()
    store = browser.get(f"{first.url}/simulator/sellercentral.amazon.com/apps/appstore", timeout=10)
    link = store.text.split('id="authorize-now" href="')[1].split('"')[0].replace("&amp;", "&")
    consent = browser.get(urljoin(store.url, link), timeout=10)
    form = parse_form(consent.text)
    fields = {**form["fields"], "decision": "appstore", "selling_partner_id": "APOSTGRES00002"}
    login = browser.post(urljoin(consent.url, form["action"]), data=fields, timeout=10, allow_redirects=False)
    signin = browser.get(on(first, login.headers["Location"]), timeout=10, allow_redirects=False)
    continue_url = browser.get(signin.headers["Location"], timeout=10, allow_redirects=False).headers[
        "Location"
    ]
    onward = browser.get(on(second, continue_url), timeout=10, allow_redirects=False)
    assert onward.status_code == 302 and "/apps/authorize/confirm/" in onward.headers["Location"]
