"""Security and data properties, each asserted where it can fail (each was broken once in the
code it guards to see the test fail)."""

import hmac
import logging

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import update

from app import create_app
from auth.clients.lwa import LwaClient
from auth.clients.token_cache import AccessTokenCache
from auth.config.settings import ConfigError
from auth.oauth import state as state_module
from auth.oauth.state import FlowContext
from auth.oauth.state import StateError
from auth.oauth.state import consume_state
from auth.oauth.state import issue_state
from auth.security import redact
from auth.vault.models import Authorization
from auth.vault.store import find_authorization
from auth.vault.store import save_authorization
from tests.conftest import base_config
from tests.helpers import REFRESH_TOKEN
from tests.helpers import authorizations
from tests.helpers import lwa_success
from tests.helpers import start_website_flow
from tests.oauth.test_login_uri import CALLBACK
from tests.oauth.test_login_uri import login_params

CONTEXT = FlowContext("website", "seller", "NA")


def test_a_state_is_refused_at_exactly_its_expiry_instant(app):
    engine = app.extensions["spapi"].engine
    start = state_module.utcnow()
    state = issue_state(engine, "browser", CONTEXT, now=start)
    with app.extensions["spapi"].sessions() as db, pytest.raises(StateError) as error:
        consume_state(db, state, "browser", now=start + state_module.STATE_TTL)
    assert error.value.reason == "expired"


def test_the_browser_binding_is_compared_in_constant_time(app, monkeypatch):
    calls, compare = [], hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(state_module.hmac, "compare_digest", spy)
    state = issue_state(app.extensions["spapi"].engine, "browser", CONTEXT)
    with app.extensions["spapi"].sessions() as db, pytest.raises(StateError) as error:
        consume_state(db, state, "another-browser")
    assert error.value.reason == "foreign"
    assert calls and all(len(a) == 64 and len(b) == 64 for a, b in calls)  # hashes, compared by hmac


def test_one_partner_in_two_regions_keeps_two_rows_that_each_open(app):
    services = app.extensions["spapi"]
    with services.sessions() as db:
        for region, token in (("NA", "Atzr|north-america"), ("EU", "Atzr|europe")):
            save_authorization(
                db,
                services.vault,
                selling_partner_id="A1TWOREGIONS",
                region=region,
                account_type="seller",
                workflow="website",
                refresh_token=token,
            )
        na, eu = find_authorization(db, "A1TWOREGIONS", "NA"), find_authorization(db, "A1TWOREGIONS", "EU")
        assert na.id != eu.id
        assert services.vault.open(na.refresh_token_encrypted, "A1TWOREGIONS", "NA") == "Atzr|north-america"
        assert services.vault.open(eu.refresh_token_encrypted, "A1TWOREGIONS", "EU") == "Atzr|europe"


def test_reauthorization_clears_needs_reauthorization(app, client, httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(lwa_success())
    state = start_website_flow(client)
    query = {"state": state, "selling_partner_id": "A1AGAIN", "spapi_oauth_code": "ANfirstCode"}
    client.get("/oauth/redirect", query_string=query)
    with app.extensions["spapi"].sessions() as db:
        db.execute(update(Authorization).values(needs_reauthorization=True))
        db.commit()
    state = start_website_flow(client)
    client.get("/oauth/redirect", query_string={**query, "state": state, "spapi_oauth_code": "ANsecondCode"})
    # A claimed re-authorization waits for approval (issue 18); approved, it starts clean.
    from auth.vault.pending import approve
    from auth.vault.store import list_pending

    with app.extensions["spapi"].sessions() as db:
        [waiting] = list_pending(db)
        approve(db, waiting.id, "admin:test")
    [row] = authorizations(app)
    assert row.needs_reauthorization is False


def test_lwa_200_without_a_refresh_token_is_refused_and_nothing_stored(app, client, httpserver):
    body = lwa_success()
    del body["refresh_token"]
    httpserver.expect_request("/auth/o2/token").respond_with_json(body)
    state = start_website_flow(client)
    answer = client.get(
        "/oauth/redirect",
        query_string={"state": state, "selling_partner_id": "A1NORT", "spapi_oauth_code": "AN1"},
    )
    assert answer.status_code == 303  # to the clean landing page, which says what failed
    assert client.get(answer.headers["Location"]).status_code == 502
    assert authorizations(app) == []


def test_a_long_retry_after_sleeps_at_most_the_cap(httpserver):
    httpserver.expect_ordered_request("/auth/o2/token").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    httpserver.expect_ordered_request("/auth/o2/token").respond_with_json(lwa_success())
    sleeps = []
    cache = AccessTokenCache(
        LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret"), sleep=sleeps.append
    )
    cache.for_refresh_token(REFRESH_TOKEN)
    assert sleeps == [cache.retry.max_retry_after] == [10.0]


@pytest.mark.parametrize("path", ["/", "/explain", "/console/login", "/oauth/complete", "/nowhere"])
def test_hsts_on_every_https_response(client, path):
    answer = client.get(path, base_url="https://app.example.test")
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get(path).headers  # plain http: none


@pytest.mark.parametrize(
    "params", [login_params(), login_params(amazon_callback_uri="https://evil.example/")]
)
def test_login_uri_pages_restrict_form_action(client, params):
    answer = client.get("/oauth/login", query_string=params)
    assert "form-action 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost.evil.example",
        "http://127.0.0.1.evil.example",
        "http://evil.example/?localhost",
        "ftp://x",
    ],
)
def test_public_url_lookalikes_of_loopback_are_refused(tmp_path, url):
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app(base_config(tmp_path, PUBLIC_URL=url))


@pytest.mark.parametrize(
    "line",
    [
        "GET /oauth/redirect?STATE=abc123&Spapi_Oauth_Code=ANxyz HTTP/1.1",
        "refresh token Atzr|IwEBIA-secret-value and access token Atza|IwEBIA-secret-value",
        '{"client_secret": "x"} client_secret=amzn1.oa2-cs.v1.secret&x=1',
        "invitation /invite/0123456789abcdef-secret opened",
    ],
)
def test_redaction_is_case_insensitive_and_covers_tokens(line):
    cleaned = redact.redact(line)
    for secret in (
        "abc123",
        "ANxyz",
        "IwEBIA-secret-value",
        "amzn1.oa2-cs.v1.secret",
        "0123456789abcdef-secret",
    ):
        assert secret not in cleaned


def test_records_of_child_loggers_reach_any_handler_redacted():
    redact.install()
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Collect()  # added after install, with no filter of its own
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        logging.getLogger("somewhere.deep.child").warning(
            "callback state=%s code=%s", "S3CRETSTATE", "Atza|T0KEN"
        )
    finally:
        root.removeHandler(handler)
    assert records and "S3CRETSTATE" not in records[0] and "T0KEN" not in records[0]


def test_an_oversized_body_is_refused_where_a_body_is_read(client):
    assert client.post("/api/explain", data=b"x" * (3 * 1024 * 1024)).status_code == 413
    assert client.post("/explain", data={"text": "x" * (3 * 1024 * 1024)}).status_code == 413


MARKUP = "<i>x</i>"
VALUES = {
    "marketplace": st.sampled_from(["US", "DE", "JP", "XX", MARKUP]),
    "account": st.sampled_from(["seller", "vendor", MARKUP]),
    "amazon_callback_uri": st.sampled_from([CALLBACK, "https://evil.example/", MARKUP]),
    "amazon_state": st.sampled_from(["amazonstateexample", MARKUP]),
    "selling_partner_id": st.sampled_from(["A3FHEXAMPLEYWS", MARKUP]),
    "version": st.sampled_from(["beta", MARKUP]),
    "state": st.one_of(st.text(max_size=60), st.just(MARKUP)),
    "spapi_oauth_code": st.one_of(st.text(max_size=60), st.just(MARKUP)),
    "error": st.one_of(st.text(max_size=60), st.just(MARKUP)),
    "error_description": st.one_of(st.text(max_size=60), st.just(MARKUP)),
}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(["/", "/authorize", "/oauth/login", "/oauth/redirect", "/oauth/complete"]),
    params=st.fixed_dictionaries({}, optional=VALUES),
)
def test_fuzzed_public_gets_never_fail_reflect_markup_or_leave_the_allow_list(
    client, httpserver, path, params
):
    # Valid values mixed with hostile ones: flows really reach redirects, and markup appears
    # only where a test put it.
    response = client.get(path, query_string=params)
    assert response.status_code < 500
    assert MARKUP.encode() not in response.data
    if 300 <= response.status_code < 400:
        location = response.headers["Location"]
        assert location.startswith(("https://sellercentral", "https://vendorcentral", "/oauth/complete"))
        assert MARKUP not in location and "evil.example" not in location


def test_the_fuzz_reaches_redirects(client):
    # Guards the fuzz above: its valid values do produce redirects.
    assert client.get("/authorize", query_string={"marketplace": "US"}).status_code == 302
    assert client.get("/oauth/login", query_string=login_params()).status_code == 302


def test_the_redacting_record_factory_chains_and_is_installed_once():
    made = []
    previous = logging.getLogRecordFactory()

    def earlier(*args, **kwargs):
        made.append(args[0])  # the logger's name
        return previous(*args, **kwargs)

    logging.setLogRecordFactory(earlier)
    try:
        redact.install()
        redact.install()
        factory = logging.getLogRecordFactory()
        assert factory.redacts is True and factory is not earlier
        record = factory(
            "chain.test", logging.INFO, __file__, 1, "token %s for %s", ("Atza|SECRETVALUE", "me"), None
        )
        assert made == ["chain.test"]
        assert record.getMessage() == "token [redacted-token] for me"
        plain = factory("chain.test", logging.INFO, __file__, 1, "nothing %s", ("here",), None)
        assert (plain.msg, plain.args) == ("nothing %s", ("here",))  # untouched when clean
    finally:
        logging.setLogRecordFactory(previous)


def test_error_types_keep_what_they_were_given():
    from auth.oauth.callback import CallbackError

    state_error = StateError("reused")
    assert (str(state_error), state_error.reason) == ("reused", "reused")
    callback_error = CallbackError("malformed_code")
    assert (str(callback_error), callback_error.kind, callback_error.status, callback_error.detail) == (
        "malformed_code",
        "malformed_code",
        400,
        "",
    )
    config_error = ConfigError("SECRET_KEY", "is weak")
    assert (str(config_error), config_error.setting, config_error.problem) == (
        "SECRET_KEY: is weak",
        "SECRET_KEY",
        "is weak",
    )


def test_spapi_api_url_keeps_path_and_query(tmp_path):
    app = create_app(base_config(tmp_path, SPAPI_API_URL="http://127.0.0.1:9/proxy"))
    settings = app.extensions["spapi"].settings
    assert (
        settings.spapi_url("https://sellingpartnerapi-na.amazon.com/x/y?a=1&b=2")
        == "http://127.0.0.1:9/proxy/x/y?a=1&b=2"
    )
    assert settings.spapi_url("https://sellingpartnerapi-na.amazon.com/x") == "http://127.0.0.1:9/proxy/x"
    app.extensions["spapi"].engine.dispose()


def test_install_is_idempotent_and_quiets_chatty_libraries():
    redact.install()
    factory = logging.getLogRecordFactory()
    filters = {name: list(logging.getLogger(name).filters) for name in ("", "werkzeug", "gunicorn.error")}
    redact.install()
    assert logging.getLogRecordFactory() is factory
    for name, before in filters.items():
        after = [f for f in logging.getLogger(name).filters if isinstance(f, redact.RedactingFilter)]
        assert len(after) == 1 and len(logging.getLogger(name).filters) == len(before)
    for noisy in ("botocore", "boto3", "urllib3", "authlib"):
        assert logging.getLogger(noisy).level == logging.WARNING


@pytest.mark.parametrize("status", [300, 301])
def test_any_answer_from_300_up_is_an_error(httpserver, status):
    httpserver.expect_request("/auth/o2/token").respond_with_json(lwa_success(), status=status)
    with pytest.raises(Exception) as error:
        LwaClient(httpserver.url_for("/auth/o2/token"), "id", "secret").refresh("Atzr|x")
    assert error.value.http_status == status


def test_without_an_override_sp_api_urls_are_amazons(app):
    url = "https://sellingpartnerapi-eu.amazon.com/sellers/v1/marketplaceParticipations"
    settings = app.extensions["spapi"].settings
    assert settings.spapi_url(url).endswith("/sellers/v1/marketplaceParticipations")
    from dataclasses import replace

    assert replace(settings, spapi_api_url=None).spapi_url(url) == url
