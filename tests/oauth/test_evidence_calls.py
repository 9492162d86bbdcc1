"""What the evidence collector asks Amazon (a loopback SP-API stand-in) and what it concludes:
the account fingerprint stays the same across versions, the seller-ID check reads Amazon's
three answers apart, and every check it skips says why."""

import hashlib
import time
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from auth.clients import sellers
from auth.config.marketplaces import catalog
from auth.oauth.evidence import EvidenceCollector
from auth.oauth.evidence import account_fingerprint
from tests.conftest import PARTICIPATIONS_PATH
from tests.helpers import ACCESS_TOKEN
from tests.helpers import SELLING_PARTNER_ID

LISTINGS_PATH = f"/listings/2021-08-01/items/{SELLING_PARTNER_ID}"
TWO_STORES = {
    "payload": [
        {"marketplace": {"id": "A1PM0000000000", "countryCode": "DE"}, "storeName": "Beispiel"},
        {"marketplace": {"id": "ATVPDKIKX0DER", "countryCode": "US"}, "storeName": "Example Store"},
        {"marketplace": {"countryCode": "XX"}, "storeName": "no ID: not an account fact"},
        "not an entry",
    ]
}


def collector(app, verify=False) -> EvidenceCollector:
    """The app's own collector (its SP-API location), with or without the seller-ID check."""
    return EvidenceCollector(app.extensions["spapi"].evidence.url_for_amazon, verify_seller_id=verify)


def collect(app, verify=False, account_type="seller"):
    return collector(app, verify).collect(
        catalog().regions["NA"], ACCESS_TOKEN, account_type, SELLING_PARTNER_ID
    )


def fingerprint_of(*pairs) -> str:
    """The documented recipe: SHA-256 of the sorted ``marketplace|store`` lines, 32 hex digits."""
    canonical = "\n".join(f"{m}|{s}" for m, s in sorted(pairs))
    return "acct:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


@pytest.fixture
def two_stores(spapi_stub):
    spapi_stub.clear()
    spapi_stub.expect_request(PARTICIPATIONS_PATH).respond_with_json(TWO_STORES)
    return spapi_stub


def test_the_sellers_api_answer_becomes_a_stable_account_fingerprint(app, two_stores):
    evidence = collect(app)
    assert evidence.account_fingerprint == fingerprint_of(
        ("A1PM0000000000", "Beispiel"), ("ATVPDKIKX0DER", "Example Store")
    )
    assert evidence.marketplace_ids == ["A1PM0000000000", "ATVPDKIKX0DER"]
    assert (evidence.seller_id_check, evidence.notes) == ("not_checked", [])
    [(request, _)] = two_stores.log
    assert request.path == PARTICIPATIONS_PATH and request.headers["x-amz-access-token"] == ACCESS_TOKEN


def test_a_vendor_token_is_not_asked_about(app, spapi_stub):
    spapi_stub.clear()  # the stand-in serves the whole session: forget what others asked
    evidence = collect(app, verify=True, account_type="vendor")
    assert evidence.as_dict() == {
        "account_fingerprint": None,
        "marketplace_ids": [],
        "seller_id_check": "not_checked",
        "notes": ["vendor account: no SP-API operation can show whose token this is"],
    }
    assert spapi_stub.log == []


def test_a_failed_sellers_call_is_noted_and_proves_nothing(app, spapi_stub):
    spapi_stub.clear()
    spapi_stub.expect_request(PARTICIPATIONS_PATH).respond_with_data("oops", status=500)
    evidence = collect(app)
    assert evidence.account_fingerprint is None and evidence.marketplace_ids == []
    assert evidence.notes == ["getMarketplaceParticipations failed: HTTP 500 with a body that is not JSON"]


@pytest.mark.parametrize(
    ("status", "check", "notes"),
    [
        (200, "verified", []),
        (403, "mismatch", ["the Listings Items API refused this seller ID for this token"]),
        (500, "failed", ["seller-ID check failed: HTTP 500"]),
        (404, "failed", ["seller-ID check failed: HTTP 404"]),
    ],
)
def test_the_seller_id_check_reads_amazons_answer(app, two_stores, status, check, notes):
    two_stores.expect_request(LISTINGS_PATH).respond_with_json({"numberOfResults": 0}, status=status)
    evidence = collect(app, verify=True)
    assert (evidence.seller_id_check, evidence.notes) == (check, notes)
    [listings] = [request for request, _ in two_stores.log if request.path == LISTINGS_PATH]
    # The claimed seller ID, searched in the account's first marketplace, with the new token.
    assert listings.args["marketplaceIds"] == "A1PM0000000000" and listings.args["pageSize"] == "1"
    assert listings.headers["x-amz-access-token"] == ACCESS_TOKEN


def test_without_a_marketplace_the_seller_id_check_is_skipped_and_says_why(app, spapi_stub):
    spapi_stub.clear()
    spapi_stub.expect_request(PARTICIPATIONS_PATH).respond_with_json({"payload": []})
    evidence = collect(app, verify=True)
    assert evidence.seller_id_check == "failed"
    assert evidence.notes == ["seller-ID check skipped: no marketplace to search in"]
    assert [r.path for r, _ in spapi_stub.log] == [PARTICIPATIONS_PATH]


@pytest.fixture
def own_stub():
    """A stand-in of its own: no slow answer left over from another test can delay it."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


def collect_from(server, verify=True):
    region = catalog().regions["NA"]
    where = EvidenceCollector(lambda url: server.url_for(urlsplit(url).path), verify_seller_id=verify)
    return where.collect(region, ACCESS_TOKEN, "seller", SELLING_PARTNER_ID)


def test_a_spent_time_budget_skips_the_seller_id_check(own_stub, monkeypatch):
    monkeypatch.setattr(sellers, "EVIDENCE_BUDGET", 1.0)

    def slow(_request):
        time.sleep(0.6)  # answered in time, but less than half a second is left for the search
        return Response(
            '{"payload": [{"marketplace": {"id": "ATVPDKIKX0DER"}}]}', content_type="application/json"
        )

    own_stub.expect_request(PARTICIPATIONS_PATH).respond_with_handler(slow)
    evidence = collect_from(own_stub)
    assert evidence.marketplace_ids == ["ATVPDKIKX0DER"] and evidence.seller_id_check == "failed"
    assert evidence.notes == ["seller-ID check skipped: the evidence time budget was spent"]
    assert [r.path for r, _ in own_stub.log] == [PARTICIPATIONS_PATH]


def test_with_time_left_the_search_is_made(own_stub, monkeypatch):
    monkeypatch.setattr(sellers, "EVIDENCE_BUDGET", 1.4)  # a quick answer leaves more than half a second
    own_stub.expect_request(PARTICIPATIONS_PATH).respond_with_json(
        {"payload": [{"marketplace": {"id": "ATVPDKIKX0DER"}}]}
    )
    own_stub.expect_request(LISTINGS_PATH).respond_with_json({"numberOfResults": 0})
    assert collect_from(own_stub).seller_id_check == "verified"


@pytest.mark.parametrize(
    "body",
    [None, {}, {"payload": "text"}, {"payload": [{"marketplace": "ATVPDKIKX0DER"}]}, {"payload": [{}]}],
)
def test_no_usable_entry_is_no_fingerprint(body):
    assert account_fingerprint(body) == (None, [])


def test_a_missing_store_name_counts_as_empty():
    body = {"payload": [{"marketplace": {"id": "ATVPDKIKX0DER"}}]}
    assert account_fingerprint(body) == (fingerprint_of(("ATVPDKIKX0DER", "")), ["ATVPDKIKX0DER"])
