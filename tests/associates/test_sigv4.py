"""PA-API 5 signing: our request is botocore's SigV4 for service ProductAdvertisingAPI and the
store's region and host, and the simulator's independent verifier agrees with botocore."""

import json
from datetime import UTC
from datetime import datetime

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from auth.associates.calls import paapi_request
from auth.associates.regions import marketplace
from auth.simulator.sigv4 import SignatureProblem
from auth.simulator.sigv4 import parse_authorization
from auth.simulator.sigv4 import verify

KEY, SECRET = "AKIAABCDEFGHIJKLMNOP", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def lower(headers) -> dict:
    return {k.lower(): v for k, v in headers.items()}


@pytest.mark.parametrize(("code", "region"), [("US", "us-east-1"), ("DE", "eu-west-1"), ("JP", "us-west-2")])
def test_our_request_is_botocores_signature_for_the_stores_region(code, region):
    store = marketplace(code)
    url = f"https://{store.paapi_host}/paapi5/getitems"
    ours = paapi_request(url, KEY, SECRET, store, "site-20", "B07FZ8S74R")
    headers = lower(ours.headers)
    parts = parse_authorization(headers["authorization"])
    assert (parts["region"], parts["service"]) == (region, "ProductAdvertisingAPI")
    assert headers["x-amz-target"] == "com.amazon.paapi5.v1.ProductAdvertisingAPIv1.GetItems"
    assert headers["content-encoding"] == "amz-1.0"
    assert json.loads(ours.body)["Marketplace"] == store.host
    # botocore itself, given the same request and time, computes the same signature.
    again = AWSRequest(
        method="POST",
        url=url,
        data=ours.body,
        headers={k: v for k, v in ours.headers.items() if k.lower() not in ("authorization", "x-amz-date")},
    )
    signer = SigV4Auth(Credentials(KEY, SECRET), "ProductAdvertisingAPI", region)
    again.context["timestamp"] = headers["x-amz-date"]
    signer.add_auth(again)
    assert lower(again.headers)["authorization"] == headers["authorization"]


def signed(
    url="http://127.0.0.1:8080/simulator/associates/webservices.amazon.com/paapi5/getitems",
    region="us-east-1",
    body=b'{"ItemIds":["B07FZ8S74R"]}',
):
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(KEY, SECRET), "ProductAdvertisingAPI", region).add_auth(request)
    headers = lower(request.headers)
    headers["host"] = "127.0.0.1:8080"
    return headers, request.body


def check(
    headers,
    body,
    secret=SECRET,
    region="us-east-1",
    now=None,
    path="/simulator/associates/webservices.amazon.com/paapi5/getitems",
):
    parts = parse_authorization(headers["authorization"])
    verify(
        secret, parts, "POST", path, headers, body, region=region, service="ProductAdvertisingAPI", now=now
    )


def test_the_simulators_verifier_accepts_botocores_signature_and_catches_each_fault():
    headers, body = signed()
    check(headers, body)  # accepted
    faults = {
        "InvalidSignature": lambda: check(headers, body + b" "),
        "InvalidSignature ": lambda: check(headers, body, secret=SECRET[:-1] + "X"),
        "InvalidSignature  ": lambda: check(headers, body, region="eu-west-1"),
        "InvalidSignature   ": lambda: check(headers, body, path="/paapi5/getitems"),
        "RequestExpired": lambda: check(headers, body, now=datetime(2020, 1, 1, tzinfo=UTC)),
    }
    for code, attempt in faults.items():
        with pytest.raises(SignatureProblem) as problem:
            attempt()
        assert problem.value.code == code.strip()
    with pytest.raises(SignatureProblem) as problem:
        parse_authorization("Bearer nope")
    assert problem.value.code == "IncompleteSignature"
