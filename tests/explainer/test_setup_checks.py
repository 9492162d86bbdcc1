"""The configuration doctor, on raw settings the way they go wrong in practice."""

from datetime import date

import pytest

from auth.explainer import setup_checks
from tests.conftest import APPLICATION_ID
from tests.conftest import CLIENT_ID
from tests.conftest import TOKEN_KEY

GOOD = {
    "SPAPI_APPLICATION_ID": APPLICATION_ID,
    "LWA_CLIENT_ID": CLIENT_ID,
    "LWA_CLIENT_SECRET": "s",
    "SPAPI_APP_STATUS": "published",
    "PUBLIC_URL": "https://spapi.example.com",
    "LWA_CLIENT_SECRET_CREATED": "2026-09-01",
    "TOKEN_ENCRYPTION_KEYS": TOKEN_KEY,
}
TODAY = date(2026, 11, 23)


def findings(**changes):
    values = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    return setup_checks.check(values, today=TODAY, amazon_version=changes.pop("_amazon", None))


def test_a_good_configuration_has_no_errors():
    result = setup_checks.check(GOOD, today=TODAY)
    assert not setup_checks.has_errors(result)
    assert any("rotation is due in" in f.message for f in result)


@pytest.mark.parametrize(
    ("changes", "words", "entry"),
    [
        ({"SPAPI_APPLICATION_ID": CLIENT_ID}, "LWA client ID", "MD1000"),
        ({"LWA_CLIENT_ID": APPLICATION_ID}, "application ID", "invalid_client"),
        ({"SPAPI_APPLICATION_ID": "my-app"}, "must look like", "MD1000"),
        ({"LWA_CLIENT_ID": "client"}, "must look like", "invalid_client"),
        ({"SPAPI_APPLICATION_ID": None}, "SPAPI_APPLICATION_ID is not set", "MD1000"),
        ({"PUBLIC_URL": "http://spapi.example.com"}, "must be https", "MD9999"),
        ({"PUBLIC_URL": "https://spapi.example.com/#/app"}, "fragment", "MD5110"),
        ({"PUBLIC_URL": "https://["}, "not a valid URL", None),
        ({"SPAPI_APP_STATUS": "live"}, "draft or published", "MD1000"),
        ({"LWA_CLIENT_SECRET_CREATED": "2026-05-01"}, "past Amazon's 180-day", "Unauthorized-expired-secret"),
        ({"LWA_CLIENT_SECRET_CREATED": "23/11/2026"}, "YYYY-MM-DD", None),
        ({"TOKEN_ENCRYPTION_KEYS": "nope"}, "Fernet", None),
    ],
)
def test_errors(changes, words, entry):
    result = findings(**changes)
    matching = [f for f in result if words in f.message]
    assert matching and matching[0].severity == "error", [f.message for f in result]
    assert matching[0].entry_id == entry


@pytest.mark.parametrize(
    ("created", "severity", "words"),
    [
        ("2026-06-01", "warning", "within 5 days"),  # 175 days old
        ("2026-05-27", "warning", "within 0 days"),  # 180 days old: the last day
        ("2026-05-26", "error", "181 days old"),  # past the deadline
        ("2026-08-01", "info", "due in 66 days"),
    ],
)
def test_client_secret_age(created, severity, words):
    [result] = [f for f in findings(LWA_CLIENT_SECRET_CREATED=created) if "secret" in f.message]
    assert result.severity == severity and words in result.message


def test_status_against_what_amazon_sent():
    published = setup_checks.check(GOOD, today=TODAY, amazon_version="beta")
    assert any(f.severity == "error" and "still has the app as a draft" in f.message for f in published)
    draft = setup_checks.check({**GOOD, "SPAPI_APP_STATUS": "draft"}, today=TODAY, amazon_version="none")
    assert any(f.severity == "error" and "app is published" in f.message for f in draft)
    assert not setup_checks.has_errors(
        setup_checks.check({**GOOD, "SPAPI_APP_STATUS": "draft"}, today=TODAY, amazon_version="beta")
    )


def test_loopback_http_is_only_a_warning_and_simulator_needs_no_identity():
    result = setup_checks.check({"SPAPI_SIMULATOR": "1", "PUBLIC_URL": "http://127.0.0.1:5000"}, today=TODAY)
    assert not setup_checks.has_errors(result)
    assert any(f.severity == "warning" and "HTTPS" in f.message for f in result)


def test_several_keys_suggest_rotation():
    result = setup_checks.check({**GOOD, "TOKEN_ENCRYPTION_KEYS": f"{TOKEN_KEY},{TOKEN_KEY}"}, today=TODAY)
    assert any("rotate-keys" in f.message for f in result)


def test_login_uri_observation_reaches_the_dashboard(client, admin):
    from tests.oauth.test_login_uri import login_params

    client.get("/oauth/login", query_string=login_params(version=None))  # Amazon says: published
    admin.login()
    page = client.get("/console/").get_data(as_text=True)
    assert "no version=beta, so the app is published" in page
