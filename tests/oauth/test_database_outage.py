"""Honest answers when the database fails (issue 18): a PostgreSQL database that refuses
connections, and a SQLite file whose write lock is held past the busy timeout, give a 503 with
Retry-After (JSON on /api/*), never a 500; a seller whose code LWA spent while the database
was down is told to start again; and what was committed decides the page."""

import logging
import sqlite3
import threading
import time
from urllib.parse import urlsplit

import psycopg
import pytest
from werkzeug import Response

from auth.oauth.tables import OAuthState
from auth.security.api_keys import create_key
from auth.vault.models import Authorization
from tests.helpers import SELLING_PARTNER_ID
from tests.helpers import count
from tests.helpers import lwa_success
from tests.helpers import start_website_flow


@pytest.fixture
def backend():
    return "postgresql"


class Outage:
    """Stops the test's PostgreSQL database from accepting connections, and ends the open ones."""

    def __init__(self, server, database_url: str):
        self.server, self.name = server, urlsplit(database_url).path.lstrip("/")

    def _admin(self, sql: str, *args) -> None:
        with psycopg.connect(self.server.url("postgres", driver=False), autocommit=True) as admin:
            admin.execute(sql, args or None)

    def begin(self) -> None:
        self._admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        self._admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", self.name)

    def end(self) -> None:
        self._admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')


@pytest.fixture
def outage(postgres_server, migrated_database_url):
    down = Outage(postgres_server, migrated_database_url)
    yield down
    down.end()


def test_every_surface_answers_503_with_retry_after_while_postgresql_is_down(app, client, outage):
    with app.extensions["spapi"].sessions() as db:
        key = create_key(db, "worker")
    outage.begin()
    page = client.get("/authorize?marketplace=US")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "Nothing you already completed was lost" in page.get_data(as_text=True)
    api = client.get("/api/v1/authorizations", headers={"Authorization": f"Bearer {key.id}.{key.secret}"})
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "temporarily_unavailable"
    lwa = client.post(
        "/api/lwa/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": f"spapi-auth:{SELLING_PARTNER_ID}:NA",
            "client_id": key.id,
            "client_secret": key.secret,
        },
    )
    assert lwa.status_code == 503 and lwa.get_json()["error"] == "temporarily_unavailable"
    outage.end()
    assert client.get("/authorize?marketplace=US").status_code == 302  # back at once


def test_an_exhausted_connection_pool_answers_503_in_time_and_recovers(
    tmp_path, lwa_url, spapi_stub, migrated_database_url
):
    from app import create_app
    from tests.conftest import base_config

    app = create_app(
        base_config(
            tmp_path,
            LWA_TOKEN_URL=lwa_url,
            SPAPI_API_URL=spapi_stub.url_for(""),
            DATABASE_URL=migrated_database_url,
            SPAPI_DB_POOL_TIMEOUT="1",
        )
    )
    client, engine = app.test_client(), app.extensions["spapi"].engine
    with app.extensions["spapi"].sessions() as db:
        key = create_key(db, "worker")
    states_before = count(app, OAuthState)
    held = [engine.connect() for _ in range(engine.pool.size() + engine.pool._max_overflow)]
    try:
        started = time.monotonic()
        page = client.get("/authorize?marketplace=US")
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert "Nothing you already completed was lost" in page.get_data(as_text=True)
        api = client.get("/api/v1/authorizations", headers={"Authorization": f"Bearer {key.id}.{key.secret}"})
        assert api.status_code == 503 and api.get_json()["error"]["code"] == "temporarily_unavailable"
        assert time.monotonic() - started < 10  # each waited its 1 s, not SQLAlchemy's 30
    finally:
        for connection in held:
            connection.close()
    assert count(app, OAuthState) == states_before  # nothing half-stored
    assert client.get("/authorize?marketplace=US").status_code == 302  # back at once
    engine.dispose()


def test_a_code_spent_while_the_database_went_down_asks_the_seller_to_start_again(
    app, client, httpserver, outage, caplog
):
    def lwa_then_outage(_request):
        outage.begin()  # LWA answered: the code is spent; now the database goes away
        return Response(__import__("json").dumps(lwa_success()), content_type="application/json")

    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_handler(lwa_then_outage)
    state = start_website_flow(client)
    params = {"state": state, "selling_partner_id": SELLING_PARTNER_ID, "spapi_oauth_code": "ANspentCode1"}
    with caplog.at_level(logging.ERROR):
        answer = client.get("/oauth/redirect", query_string=params)
    assert answer.status_code == 303 and "code" not in answer.headers["Location"]
    for _reload in range(2):
        landing = client.get(answer.headers["Location"])
        text = landing.get_data(as_text=True)
        assert landing.status_code == 503 and landing.headers["Retry-After"] == "5"
        assert 'data-outcome="callback.storage_failed"' in text and "Start again" in text
        assert "Nothing was stored" not in text
    assert any(
        SELLING_PARTNER_ID in r.getMessage() and "NOT stored" in r.getMessage() for r in caplog.records
    )
    outage.end()
    assert count(app, Authorization) == 0


def test_a_locked_sqlite_file_gives_503_not_500(tmp_path, lwa_url, spapi_stub):
    from app import create_app
    from tests.conftest import base_config

    app = create_app(base_config(tmp_path, LWA_TOKEN_URL=lwa_url, SPAPI_API_URL=spapi_stub.url_for("")))
    client = app.test_client()
    holder = sqlite3.connect(f"{tmp_path}/spapi.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holding the write lock past 15 s
    released = threading.Timer(20, holder.rollback)
    released.start()
    try:
        page = client.get("/authorize?marketplace=US")
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    finally:
        released.cancel()
        holder.rollback()
        holder.close()
    assert client.get("/authorize?marketplace=US").status_code == 302
    app.extensions["spapi"].engine.dispose()


def test_the_page_follows_what_was_committed(app):
    """After a storage error, a token that did land is found (the seller sees success)."""
    from auth.oauth.callback import StorageFailed
    from auth.oauth.callback import was_stored
    from auth.vault.crypto import fingerprint
    from auth.vault.store import save_authorization
    from tests.helpers import REFRESH_TOKEN

    services = app.extensions["spapi"]
    with services.sessions() as db:
        stored = save_authorization(
            db,
            services.vault,
            selling_partner_id=SELLING_PARTNER_ID,
            region="NA",
            account_type="seller",
            workflow="website",
            refresh_token=REFRESH_TOKEN,
        )
        landed = was_stored(db, StorageFailed(SELLING_PARTNER_ID, "NA", fingerprint(REFRESH_TOKEN)))
        assert landed is not None and landed.id == stored.id
        assert was_stored(db, StorageFailed(SELLING_PARTNER_ID, "NA", fingerprint("Atzr|other"))) is None
