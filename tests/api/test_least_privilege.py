"""Least privilege for API keys (issue 18): a key gets only what it names, grantless scopes one
by one, rotation never on a partner-limited key, and an empty console selection gives nothing."""

import json
import re

import pytest

from tests.api.test_token_service import LWA_BODY
from tests.api.test_token_service import lwa_token
from tests.api.test_token_service import new_key
from tests.api.test_token_service import stored  # noqa: F401 (the fixture, used by name)
from tests.helpers import SELLING_PARTNER_ID

ON_BOTH_DATABASES = True
NOTIFICATIONS = "sellingpartnerapi::notifications"
ROTATION = "sellingpartnerapi::client_credential:rotation"


def grantless(client, key, scope):
    return lwa_token(client, key, grant_type="client_credentials", scope=scope, refresh_token=None)


@pytest.mark.usefixtures("stored")
def test_a_new_key_gets_access_and_restricted_data_tokens_and_no_grantless(app, client, runner, httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json(LWA_BODY)
    created = runner.invoke(args=["spapi", "api-keys", "create", "--label", "worker", "--json"])
    key_id = json.loads(created.output)["id"]
    [row] = json.loads(runner.invoke(args=["spapi", "api-keys", "--json"]).output)
    assert row["id"] == key_id and row["operations"] == ["access_tokens", "restricted_data_tokens"]
    key = new_key(app)
    assert lwa_token(client, key).status_code == 200
    refused = grantless(client, key, NOTIFICATIONS)
    assert refused.status_code == 400 and refused.get_json()["error"] == "unauthorized_client"


@pytest.mark.usefixtures("stored")
def test_grantless_scopes_are_named_one_by_one(app, client, runner, httpserver):
    httpserver.expect_request("/auth/o2/token").respond_with_json({**LWA_BODY, "scope": NOTIFICATIONS})
    created = runner.invoke(
        args=["spapi", "api-keys", "create", "--label", "n", "--grantless-scope", "notifications", "--json"]
    )
    assert created.exit_code == 0, created.output
    key = new_key(app, grantless_scopes=["notifications"])
    assert grantless(client, key, NOTIFICATIONS).status_code == 200
    refused = grantless(client, key, ROTATION)
    assert refused.status_code == 400 and refused.get_json()["error"] == "unauthorized_client"
    bare = runner.invoke(args=["spapi", "api-keys", "create", "--label", "g", "--operation", "grantless"])
    assert bare.exit_code == 1 and "one by one" in bare.output


def test_rotation_is_never_given_to_a_partner_limited_key(app, runner):
    args = ["spapi", "api-keys", "create", "--label", "r", "--partner", SELLING_PARTNER_ID]
    refused = runner.invoke(args=[*args, "--grantless-scope", "client_credential:rotation"])
    assert refused.exit_code == 1 and "never given to a key limited" in refused.output
    assert json.loads(runner.invoke(args=["spapi", "api-keys", "--json"]).output) == []


@pytest.fixture
def console(client, admin):
    admin.login()
    return client


def form_token(console):
    page = console.get("/console/api-keys").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1), page


def test_the_console_form_ticks_the_defaults_and_an_empty_selection_gives_nothing(app, console):
    token, page = form_token(console)
    ticked = re.findall(r'name="operations" value="(\w+)" checked', page)
    assert ticked == ["access_tokens", "restricted_data_tokens"]
    answer = console.post("/console/api-keys", data={"csrf_token": token, "label": "empty", "rate": "600"})
    assert answer.status_code == 400 and "choose at least one operation" in answer.get_data(as_text=True)
    with app.extensions["spapi"].sessions() as db:
        from auth.security.api_keys import list_keys

        assert list_keys(db) == []
