"""Look-alike accounts and floods of pending rows, with the seller-ID check off (the
production default): the loopback SP-API stand-in answers every token with the same
marketplaces and store name, so every account fingerprint matches (issue 18)."""

from sqlalchemy import select

from app import create_app
from auth.vault.audit import detail_of
from auth.vault.audit import events_for
from auth.vault.models import Authorization
from auth.vault.models import PendingAuthorization
from tests.conftest import base_config
from tests.helpers import SELLING_PARTNER_ID
from tests.helpers import lwa_success
from tests.helpers import start_website_flow

ON_BOTH_DATABASES = True


def flow(client, httpserver, index: int):
    """One complete website flow whose token is ``Atzr|token-<index>``."""
    body = lwa_success(refresh_token=f"Atzr|look-alike-token-{index:04d}")
    httpserver.expect_oneshot_request("/auth/o2/token").respond_with_json(body)
    state = start_website_flow(client)
    params = {
        "state": state,
        "selling_partner_id": SELLING_PARTNER_ID,
        "spapi_oauth_code": f"ANcode{index:06d}",
    }
    answer = client.get("/oauth/redirect", query_string=params)
    assert answer.status_code == 303
    return client.get(answer.headers["Location"])


def rows(app, model):
    with app.extensions["spapi"].sessions() as db:
        return list(db.scalars(select(model).order_by(model.id)))


def test_a_matching_fingerprint_alone_never_displaces_the_stored_token(app, client, httpserver):
    assert "connected" in flow(client, httpserver, 1).get_data(as_text=True)
    [stored] = rows(app, Authorization)
    landing = flow(client, httpserver, 2).get_data(as_text=True)
    assert "Authorization received" in landing
    [still] = rows(app, Authorization)
    assert still.fingerprint == stored.fingerprint
    [pending] = rows(app, PendingAuthorization)
    assert pending.account_fingerprint == stored.account_fingerprint is not None
    assert "same account fingerprint" in pending.reason


def test_at_most_five_pending_rows_wait_and_the_oldest_is_dropped_and_audited(app, client, httpserver):
    flow(client, httpserver, 0)
    for index in range(1, 8):
        flow(client, httpserver, index)
    waiting = rows(app, PendingAuthorization)
    assert len(waiting) == 5
    with app.extensions["spapi"].sessions() as db:
        dropped = [detail_of(e) for e in events_for(db, SELLING_PARTNER_ID) if e.action == "pending_dropped"]
    assert len(dropped) == 2
    assert {d["pending"] for d in dropped} == {"p1", "p2"}
    assert [p.id for p in waiting] == [3, 4, 5, 6, 7]


def test_the_pending_bound_is_a_setting(tmp_path, httpserver, database_url, spapi_stub):
    config = base_config(
        tmp_path,
        LWA_TOKEN_URL=httpserver.url_for("/auth/o2/token"),
        DATABASE_URL=database_url,
        SPAPI_API_URL=spapi_stub.url_for(""),
        SPAPI_MAX_PENDING="2",
    )
    app = create_app(config)
    client = app.test_client()
    for index in range(5):
        flow(client, httpserver, index)
    assert len(rows(app, PendingAuthorization)) == 2
    app.extensions["spapi"].engine.dispose()
