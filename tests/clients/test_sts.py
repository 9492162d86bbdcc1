"""Legacy IAM role: AssumeRole against moto in server mode, SigV4 signing, explained errors."""

import json
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from werkzeug import Response

from app import create_app
from auth.clients.spapi_client import run_test_call
from auth.clients.sts import RoleSession
from auth.clients.sts import StsError
from auth.config.marketplaces import catalog
from tests.conftest import base_config
from tests.helpers import element_text

ROLE = "arn:aws:iam::123456789012:role/spapi-role"


@pytest.fixture
def moto_sts(moto_server):
    """moto's server, for STS."""
    return moto_server


@pytest.fixture(autouse=True)
def _aws(aws_environment):
    """Every test here talks to moto with fake credentials."""


class Clock:
    def __init__(self):
        self.now = datetime.now(UTC)

    def __call__(self):
        return self.now


def _count_calls(session):
    calls = []
    session._sts().meta.events.register(
        "before-call.sts.AssumeRole", lambda params, **_: calls.append(params)
    )
    return calls


def test_assume_role_caches_until_ten_minutes_before_expiry(moto_sts):
    clock = Clock()
    session = RoleSession(
        ROLE, external_id="ext-123", session_name="spapi-test", endpoint_url=moto_sts, clock=clock
    )
    calls = _count_calls(session)
    first = session.credentials()
    assert first.fetched and first.access_key_id and first.session_token
    assert first.expiration > clock.now + timedelta(minutes=50)
    body = calls[0]["body"]
    assert (
        body["RoleArn"] == ROLE
        and body["ExternalId"] == "ext-123"
        and body["RoleSessionName"] == "spapi-test"
    )
    clock.now = first.expiration - timedelta(minutes=10, seconds=1)
    assert not session.credentials().fetched and len(calls) == 1
    clock.now = first.expiration - timedelta(minutes=9)
    assert session.credentials().fetched and len(calls) == 2


def test_masked_credentials_hide_secrets(moto_sts):
    credentials = RoleSession(ROLE, endpoint_url=moto_sts).credentials()
    masked = json.dumps(credentials.masked())
    assert credentials.secret_access_key not in masked and credentials.session_token not in masked
    assert credentials.access_key_id not in masked


def test_access_denied_from_sts_is_explained(httpserver):
    denied = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        "<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/dev is not authorized to "
        "perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/spapi-role</Message></Error>"
        "<RequestId>r-1</RequestId></ErrorResponse>"
    )
    httpserver.expect_request("/").respond_with_data(denied, status=403, content_type="text/xml")
    session = RoleSession(ROLE, endpoint_url=httpserver.url_for("/"))
    with pytest.raises(StsError) as error:
        session.credentials()
    assert error.value.code == "AccessDenied" and "sts:AssumeRole" in error.value.message


@pytest.mark.parametrize("arn", ["arn:aws:iam::123:role/x", "arn:aws:iam::123456789012:user/dev", "role"])
def test_malformed_role_arn(arn):
    with pytest.raises(StsError):
        RoleSession(arn)


def test_signed_call_carries_a_verifiable_signature(moto_sts, httpserver):
    credentials = RoleSession(ROLE, endpoint_url=moto_sts).credentials()
    httpserver.expect_request("/sellers/v1/marketplaceParticipations").respond_with_json({"payload": []})
    region = catalog().regions["EU"]

    def signer(request, target_region):
        from auth.clients.sts import sign_request

        sign_request(request, credentials, target_region.aws_region)

    result = run_test_call(
        region,
        "Atza|signed-call-token",
        account_type="seller",
        sandbox=False,
        url_for_amazon=lambda url: httpserver.url_for(url.split(".com", 1)[1]),
        signer=signer,
    )
    assert result.status == 200
    received = httpserver.log[0][0]
    authorization = received.headers["Authorization"]
    assert authorization.startswith(f"AWS4-HMAC-SHA256 Credential={credentials.access_key_id}/")
    assert "/eu-west-1/execute-api/aws4_request" in authorization
    assert received.headers["X-Amz-Security-Token"] == credentials.session_token
    assert received.headers["x-amz-access-token"] == "Atza|signed-call-token"
    # Recompute the signature from what the server received.
    signed_headers = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    assert {"host", "x-amz-access-token", "x-amz-date", "x-amz-security-token"} <= set(signed_headers)
    replay = AWSRequest(
        method="GET", url=received.url, headers={h: received.headers[h] for h in signed_headers}
    )
    replay.context["timestamp"] = received.headers["X-Amz-Date"]
    auth = SigV4Auth(
        Credentials(credentials.access_key_id, credentials.secret_access_key, credentials.session_token),
        "execute-api",
        "eu-west-1",
    )
    string_to_sign = auth.string_to_sign(replay, auth.canonical_request(replay))
    assert authorization.endswith("Signature=" + auth.signature(string_to_sign, replay))


def test_botocore_debug_logging_stays_off(app):
    import logging

    assert logging.getLogger("botocore").getEffectiveLevel() >= logging.WARNING


@pytest.fixture
def legacy_app(tmp_path, lwa_url, moto_sts):
    return create_app(
        base_config(
            tmp_path,
            LWA_TOKEN_URL=lwa_url,
            SPAPI_ROLE_ARN=ROLE,
            SPAPI_ROLE_EXTERNAL_ID="ext-1",
            SPAPI_STS_ENDPOINT_URL=moto_sts,
        )
    )


def test_console_legacy_page_assumes_and_masks(legacy_app):
    from tests.conftest import AdminActions

    client = legacy_app.test_client()
    admin = AdminActions(client)
    admin.login()
    page = client.get("/console/legacy").get_data(as_text=True)
    assert "Signing is no longer needed" in page and ROLE in page
    result = client.post("/console/legacy", data={"csrf_token": admin.csrf("/console/legacy")})
    html = result.get_data(as_text=True)
    credentials = legacy_app.extensions["spapi"].role_session.credentials()
    assert 'id="credentials"' in html and credentials.session_token not in html
    assert credentials.secret_access_key not in html


def test_cli_assume_role(legacy_app, runner):
    result = legacy_app.test_cli_runner().invoke(args=["spapi", "assume-role", "--json"])
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["secret_access_key"].startswith("sha256:")
    unconfigured = runner.invoke(args=["spapi", "assume-role"])
    assert unconfigured.exit_code == 1 and "SPAPI_ROLE_ARN" in unconfigured.output


def test_bad_role_arn_setting_is_refused(tmp_path):
    from auth.config.settings import ConfigError

    with pytest.raises(ConfigError) as error:
        create_app(base_config(tmp_path, SPAPI_ROLE_ARN="arn:aws:iam::1:role/x"))
    assert error.value.setting == "SPAPI_ROLE_ARN"


def test_sts_error_page_explains(tmp_path, lwa_url, httpserver):
    from tests.conftest import AdminActions

    expired = (
        "<ErrorResponse><Error><Code>ExpiredToken</Code><Message>The security token included in the "
        "request is expired</Message></Error></ErrorResponse>"
    )
    httpserver.expect_request("/").respond_with_handler(
        lambda request: Response(expired, status=400, content_type="text/xml")
    )
    app = create_app(
        base_config(
            tmp_path,
            LWA_TOKEN_URL=lwa_url,
            SPAPI_ROLE_ARN=ROLE,
            SPAPI_STS_ENDPOINT_URL=httpserver.url_for("/"),
        )
    )
    client = app.test_client()
    admin = AdminActions(client)
    admin.login()
    html = client.post("/console/legacy", data={"csrf_token": admin.csrf("/console/legacy")}).get_data(
        as_text=True
    )
    assert "ExpiredToken" in html and 'href="/explain/sts-ExpiredToken"' in html


def test_signed_self_test_through_the_console(tmp_path, moto_sts):
    import re

    import requests

    from tests.conftest import live_login
    from tests.conftest import live_simulator
    from tests.conftest import post_form

    with live_simulator(tmp_path, SPAPI_ROLE_ARN=ROLE, SPAPI_STS_ENDPOINT_URL=moto_sts) as server:
        requests.get(f"{server.url}/simulator/", timeout=10)
        refresh_token = server.app.extensions["spapi"].simulator.self_authorize("A1SIGNED00001")
        browser = live_login(server)
        assert (
            "Sign with the legacy IAM role" in browser.get(f"{server.url}/console/self-test", timeout=10).text
        )
        result = post_form(
            browser,
            f"{server.url}/console/self-test",
            refresh_token=refresh_token,
            region="NA",
            account="seller",
            environment="production",
            sign="yes",
        ).text
        assert element_text(result, "call-status") == "200"
        # The request shown carries the signature headers, masked.
        assert re.search(r"Authorization: \[sha256:[0-9a-f]{12}\]", result)
        assert re.search(r"X-Amz-Security-Token: \[sha256:[0-9a-f]{12}\]", result)
        credentials = server.app.extensions["spapi"].role_session.credentials()
        assert credentials.session_token not in result and credentials.secret_access_key not in result
