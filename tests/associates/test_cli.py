"""flask spapi associates: every step and every rehearsed error through the command line,
against the simulator over HTTP; secrets only ever from stdin, shown only as fingerprints."""

import pytest

from auth.simulator import associates as sim
from tests.associates.conftest import account_fields
from tests.associates.conftest import add_account
from tests.associates.conftest import calls_of
from tests.associates.conftest import json_of
from tests.conftest import live_simulator

# account: (result, failed step, code, exit code, explainer entry)
REHEARSALS = {
    "creators-ok": ("PASS", None, None, 0, None),
    "creators-v2": ("PASS", None, None, 0, None),
    "creators-basic-only": ("PASS", None, None, 0, None),
    "InvalidPartnerTag": ("FAIL", "call", "InvalidPartnerTag", 1, "paapi-InvalidPartnerTag"),
    "InvalidAssociate": ("FAIL", "call", "InvalidAssociate", 1, "paapi-InvalidAssociate"),
    "AssociateNotEligible": ("FAIL", "call", "AssociateNotEligible", 1, "creators-AssociateNotEligible"),
    "TooManyRequests": ("FAIL", "call", "TooManyRequests", 2, "paapi-TooManyRequests"),
    "wrong-version": ("FAIL", "token", "invalid_client", 1, "creators-token-lwa-invalid_client"),
    "paapi-ok": ("PASS", None, None, 0, None),
    "paapi-InvalidPartnerTag": ("FAIL", "call", "InvalidPartnerTag", 1, "paapi-InvalidPartnerTag"),
    "paapi-InvalidAssociate": ("FAIL", "call", "InvalidAssociate", 1, "paapi-InvalidAssociate"),
    "AccessDeniedAwsUsers": ("FAIL", "call", "AccessDeniedAwsUsers", 1, "paapi-AccessDenied"),
    "InvalidSignature": ("FAIL", "call", "InvalidSignature", 1, "paapi-InvalidSignature"),
    "RequestExpired": ("FAIL", "call", "RequestExpired", 1, "paapi-RequestExpired"),
}


def check(app, credential_id, *extra):
    return app.test_cli_runner().invoke(args=["spapi", "associates", "check", str(credential_id), *extra])


def test_every_simulated_account_is_rehearsed_here():
    assert set(REHEARSALS) == set(sim.BY_NAME)


@pytest.mark.parametrize("name", sorted(REHEARSALS))
def test_each_rehearsal_through_the_cli(associates_server, name):
    app = associates_server.app
    result_, step, code, exit_code, entry = REHEARSALS[name]
    credential = add_account(app, name)
    result = check(app, credential, "--json")
    report = json_of(result.output)
    assert result.exit_code == exit_code
    assert (report["result"], report["failed_step"], report["code"]) == (result_, step, code)
    assert report["explain"] == (f"/explain/{entry}" if entry else None)
    names = [s["name"] for s in report["steps"]]
    api = sim.BY_NAME[name].api
    assert names[0] == "consistency"
    assert ("token" in names) == (api == "creators")  # PA-API 5 signs each call, no token
    if api == "paapi5":
        assert "migrate to the Creators API" in report["summary"] and report["retired"]
    key_id, secret = sim.credentials(app.extensions["spapi"].settings.secret_key, sim.BY_NAME[name])
    assert secret not in result.output
    assert key_id not in result.output  # the Credential ID / access key appears as a fingerprint only


def test_not_eligible_says_it_is_not_a_credential_error(associates_server):
    app = associates_server.app
    result = check(app, add_account(app, "AssociateNotEligible"))
    assert result.exit_code == 1
    assert "Not a credential error" in result.output
    assert "Explained: flask spapi explain creators-AssociateNotEligible" in result.output


def test_text_output_shows_each_request_masked_with_status_and_timing(associates_server):
    app = associates_server.app
    result = check(app, add_account(app, "creators-basic-only"))
    assert result.exit_code == 0
    out = result.output
    assert "[1] consistency: PASS" in out and "[2] token: PASS" in out and "[3] call: PASS" in out
    assert "JSON body then HTTP Basic; HTTP Basic worked" in out
    assert "/simulator/associates/api.amazon.com/auth/o2/token -> HTTP 401" in out
    assert "/simulator/associates/creatorsapi.amazon/catalog/v1/getItems -> HTTP 200" in out
    assert " ms)" in out and "x-marketplace: www.amazon.com" in out
    assert "Authorization: [sha256:" in out and "Bearer Atc" not in out
    assert "PASS: every step worked." in out


def test_the_token_is_cached_for_its_lifetime_and_the_working_form_remembered(associates_server):
    app = associates_server.app
    credential = add_account(app, "creators-basic-only")
    first = json_of(check(app, credential, "--json").output)
    second = json_of(check(app, credential, "--json").output)
    token_step = [s for s in second["steps"] if s["name"] == "token"][0]
    assert [e["auth_form"] for e in first["steps"][1]["exchanges"]] == ["json", "basic"]
    assert token_step["source"] == "cache" and token_step["exchanges"] == []
    assert second["result"] == "PASS"
    assert len(calls_of(app, "creators-basic-only")) == 2
    spaced = calls_of(app, "creators-basic-only")
    assert spaced[1] - spaced[0] >= 1.0  # Amazon's one request a second, kept by our spacing


def test_a_second_check_within_the_cool_down_waits(tmp_path):
    with live_simulator(tmp_path) as server:  # the default 10-second cool-down
        credential = add_account(server.app, "creators-ok")
        assert check(server.app, credential, "--json").exit_code == 0
        again = check(server.app, credential, "--json")
        assert again.exit_code == 2
        answer = json_of(again.output)
        assert answer["result"] == "WAIT" and 1 <= answer["wait_seconds"] <= 10
        assert f"wait {answer['wait_seconds']} s" in answer["message"]
        assert len(calls_of(server.app, "creators-ok")) == 1


def test_list_shows_fingerprints_and_delete_removes(associates_server):
    app = associates_server.app
    runner = app.test_cli_runner()
    credential = add_account(app, "creators-ok")
    key_id, secret = sim.credentials(app.extensions["spapi"].settings.secret_key, sim.BY_NAME["creators-ok"])
    rows = json_of(runner.invoke(args=["spapi", "associates", "--json"]).output)
    assert [r["id"] for r in rows] == [credential]
    assert rows[0]["secret_fingerprint"].startswith("sha256:")
    text = runner.invoke(args=["spapi", "associates"]).output
    assert "creators 3.1" in text and secret not in text and key_id not in text
    assert runner.invoke(args=["spapi", "associates", "delete", str(credential)]).exit_code == 0
    assert json_of(runner.invoke(args=["spapi", "associates", "--json"]).output) == []
    assert runner.invoke(args=["spapi", "associates", "delete", str(credential)]).exit_code == 1


def test_the_secret_is_sealed_at_rest(associates_server, tmp_path):
    app = associates_server.app
    add_account(app, "creators-ok")
    _, secret = account_fields(app.extensions["spapi"].settings.secret_key, "creators-ok")
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("spapi.sqlite*"))  # the WAL too
    assert secret.encode() not in stored and b"creators-ok" in stored


def test_a_secret_in_argv_is_refused(app, runner):
    result = runner.invoke(
        args=[
            "spapi",
            "associates",
            "add",
            "--label",
            "x",
            "--api",
            "creators",
            "--credential-id",
            "abcdefgh1",
            "--credential-secret",
            "the-secret-itself",
            "--version",
            "3.1",
            "--partner-tag",
            "a-20",
            "--marketplace",
            "US",
        ]
    )
    assert result.exit_code == 1
    assert "takes only '-'" in result.output and "the-secret-itself" not in result.output
    assert json_of(runner.invoke(args=["spapi", "associates", "--json"]).output) == []


def test_without_the_option_the_secret_is_asked_for_without_echo(app, runner):
    result = runner.invoke(
        args=[
            "spapi",
            "associates",
            "add",
            "--label",
            "x",
            "--api",
            "paapi5",
            "--access-key",
            "AKIAABCDEFGHIJKLMNOP",
            "--partner-tag",
            "a-20",
            "--marketplace",
            "US",
        ],
        input="s" * 40 + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Secret Key" in result.output and "s" * 40 not in result.output


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"--label": ""}, "label"),
        ({"--marketplace": "XX"}, "marketplace"),
        ({"--version": "4.1"}, "version"),
        ({"--partner-tag": "has space-20"}, "partner-tag"),
        ({"--credential-id": "short"}, "credential-id"),
    ],
)
def test_each_malformed_field_is_named(app, runner, change, field):
    options = {
        "--label": "x",
        "--api": "creators",
        "--credential-id": "abcdefghij",
        "--credential-secret": "-",
        "--version": "3.1",
        "--partner-tag": "a-20",
        "--marketplace": "US",
        **change,
    }
    args = [part for pair in options.items() for part in pair]
    result = runner.invoke(args=["spapi", "associates", "add", *args, "--json"], input="a-good-secret-value")
    assert result.exit_code == 1
    assert json_of(result.output)["field"] == field


def test_bad_asin_and_unknown_credential(associates_server):
    app = associates_server.app
    credential = add_account(app, "creators-ok")
    bad = check(app, credential, "--asin", "nope", "--json")
    assert bad.exit_code == 1 and json_of(bad.output)["field"] == "asin"
    assert check(app, 999).exit_code == 1
    assert calls_of(app, "creators-ok") == []


def test_secrets_never_reach_the_logs_or_the_audit_trail(associates_server, caplog):
    import logging

    from sqlalchemy import select

    from auth.vault.models import AuditEvent

    app = associates_server.app
    caplog.set_level(logging.DEBUG)
    for name in ("creators-basic-only", "InvalidSignature"):
        credential = add_account(app, name)
        check(app, credential, "--json")
        key_id, secret = sim.credentials(app.extensions["spapi"].settings.secret_key, sim.BY_NAME[name])
        with app.extensions["spapi"].sessions() as db:
            events = list(db.scalars(select(AuditEvent)))
        assert "associates_checked" in {e.action for e in events}
        trail = " ".join(e.detail for e in events)
        for text in (caplog.text, trail):
            assert secret not in text and key_id not in text
    assert "getItems" in caplog.text or "getitems" in caplog.text  # the requests were logged
