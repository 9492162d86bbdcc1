"""Consistency before any call: each mismatch is a finding with its fix, and an error stops
the check before Amazon hears of the credential."""

import pytest

from auth.associates.consistency import check_consistency
from tests.associates.conftest import add_account
from tests.associates.conftest import calls_of
from tests.associates.conftest import json_of
from tests.conftest import CLIENT_ID

COGNITO_ID = "abcdefghijklmnopqrstuvwxyz"
LWA_ID = "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef"


def findings(api="creators", version="3.1", market="US", tag="mysite-20", key=LWA_ID, secret="s" * 40, **kw):
    return [(f.severity, f.field) for f in check_consistency(api, version, market, tag, key, secret, **kw)]


@pytest.mark.parametrize(
    ("version", "market"),
    [("3.1", "US"), ("2.1", "CA"), ("3.2", "DE"), ("2.2", "UK"), ("3.3", "JP"), ("2.3", "AU"), ("3.2", "IN")],
)
def test_versions_that_match_their_region_pass(version, market):
    key = COGNITO_ID if version.startswith("2.") else LWA_ID
    assert findings(
        version=version,
        market=market,
        key=key,
        tag="site-22" if market == "JP" else "s-21" if market in ("UK", "DE") else "site-20",
    ) in ([], [("warning", "partner-tag")])


@pytest.mark.parametrize(("version", "market"), [("3.2", "US"), ("3.1", "DE"), ("2.3", "US"), ("2.1", "JP")])
def test_a_version_of_another_region_is_an_error_naming_the_right_one(version, market):
    found = check_consistency(
        "creators", version, market, "site-20", LWA_ID if version[0] == "3" else COGNITO_ID, "s" * 40
    )
    error = [f for f in found if f.field == "version"][0]
    assert error.severity == "error" and market in error.message
    right = {"US": "3.1", "DE": "3.2", "JP": "3.3"}[market]
    assert right in error.fix


def test_partner_tag_shape_and_store():
    assert ("error", "partner-tag") in findings(tag="mysite")
    assert ("warning", "partner-tag") in findings(tag="mysite-21")  # a UK/DE-style tag in the US
    assert findings(tag="mysite-20") == []


def test_credentials_pasted_into_the_other_apis_fields():
    assert ("error", "access-key") in findings(api="paapi5", version=None, key=COGNITO_ID)
    assert ("error", "credential-id") in findings(key="AKIAABCDEFGHIJKLMNOP")
    assert ("error", "credential-id") in findings(version="2.1", key=LWA_ID)
    assert ("warning", "version") in findings(version="3.1", key=COGNITO_ID)
    assert findings(api="paapi5", version=None, key="AKIAABCDEFGHIJKLMNOP", secret="a/b+" * 10) == []


def test_this_apps_sp_api_client_is_recognised():
    assert ("error", "credential-id") in findings(key=CLIENT_ID, sp_api_client_id=CLIENT_ID)
    hashed = findings(secret_hash="h", sp_api_secret_hashes=frozenset({"h"}))
    assert ("error", "credential-secret") in hashed


def test_an_error_stops_the_check_before_any_call(associates_server):
    app = associates_server.app
    credential = add_account(app, "creators-ok", version="3.2")  # an EU version for a US store
    result = app.test_cli_runner().invoke(args=["spapi", "associates", "check", str(credential), "--json"])
    report = json_of(result.output)
    assert result.exit_code == 1
    assert (report["result"], report["failed_step"]) == ("FAIL", "consistency")
    assert [s["name"] for s in report["steps"]] == ["consistency"]
    assert "NA region (version 2.1 or 3.1) from the US Associates Central" in report["summary"]
    assert calls_of(app, "creators-ok") == []


def test_the_sp_api_lwa_client_pasted_as_a_creators_credential(associates_server):
    app = associates_server.app
    settings = app.extensions["spapi"].settings
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=[
            "spapi",
            "associates",
            "add",
            "--label",
            "oops",
            "--api",
            "creators",
            "--credential-id",
            settings.lwa_client_id,
            "--credential-secret",
            "-",
            "--version",
            "3.1",
            "--partner-tag",
            "simassoc-20",
            "--marketplace",
            "US",
            "--json",
        ],
        input=settings.lwa_client_secret,
    )
    credential = json_of(added.output)["id"]
    report = json_of(runner.invoke(args=["spapi", "associates", "check", str(credential), "--json"]).output)
    fields = {f["field"] for f in report["steps"][0]["findings"]}
    assert report["failed_step"] == "consistency" and fields == {"credential-id", "credential-secret"}
    assert settings.lwa_client_secret not in str(report)
