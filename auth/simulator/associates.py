"""The simulator's Associates side: rehearsal accounts (credentials derived from the app's
secret key, so every worker knows them without a table), the Creators API token endpoints
(Cognito 2.x, Login with Amazon 3.x), GetItems, and PA-API 5's SigV4-checked GetItems."""

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from auth.simulator.sigv4 import SignatureProblem
from auth.simulator.sigv4 import parse_authorization
from auth.simulator.sigv4 import verify

TAG = "simassoc-20"
TOKEN_LIFETIME = 3600
COGNITO_REGIONS = {"us-east-1": "2.1", "eu-south-2": "2.2", "us-west-2": "2.3"}
LWA_HOSTS = {"api.amazon.com": "3.1", "api.amazon.co.uk": "3.2", "api.amazon.co.jp": "3.3"}
REGION_OF_VERSION = {"1": "NA", "2": "EU", "3": "FE"}
NA_HOSTS = {"www.amazon.com", "www.amazon.ca", "www.amazon.com.mx", "www.amazon.com.br"}
NOT_ELIGIBLE = {
    "message": "Your account does not currently meet the eligibility requirements.",
    "reason": "AssociateNotEligible",
    "type": "AccessDeniedException",
}


@dataclass(frozen=True)
class Account:
    """A rehearsal: what to paste (api, version, marketplace) and what Amazon then does."""

    name: str
    api: str
    version: str | None  # the credential's true version
    behaviour: str  # ok, basic-only, or the error code the call answers with
    paste_version: str | None = None  # what the page tells the user to paste (wrong-version)
    note: str = ""


ACCOUNTS = (
    Account("creators-ok", "creators", "3.1", "ok", note="A 3.x credential that passes every step."),
    Account("creators-v2", "creators", "2.1", "ok", note="A 2.x (Cognito) credential that passes."),
    Account(
        "creators-basic-only",
        "creators",
        "3.1",
        "basic-only",
        note="Login with Amazon takes only HTTP Basic.",
    ),
    Account(
        "InvalidPartnerTag", "creators", "3.1", "InvalidPartnerTag", note="The tag is not this account's."
    ),
    Account("InvalidAssociate", "creators", "3.1", "InvalidAssociate", note="No approved store."),
    Account("AssociateNotEligible", "creators", "3.1", "AssociateNotEligible", note="Too few sales."),
    Account("TooManyRequests", "creators", "3.1", "TooManyRequests", note="Amazon throttles the account."),
    Account(
        "wrong-version",
        "creators",
        "2.1",
        "ok",
        paste_version="3.1",
        note="A 2.1 credential pasted as 3.1: Login with Amazon does not know it.",
    ),
    Account("paapi-ok", "paapi5", None, "ok", note="Retired PA-API 5.0 keys that still pass."),
    Account(
        "paapi-InvalidPartnerTag", "paapi5", None, "InvalidPartnerTag", note="The tag is not this account's."
    ),
    Account("paapi-InvalidAssociate", "paapi5", None, "InvalidAssociate", note="No approved store."),
    Account("AccessDeniedAwsUsers", "paapi5", None, "AccessDeniedAwsUsers", note="AWS account keys."),
    Account("InvalidSignature", "paapi5", None, "InvalidSignature", note="The secret key is mistyped."),
    Account(
        "RequestExpired", "paapi5", None, "RequestExpired", note="This server's clock is 20 minutes off."
    ),
)
BY_NAME = {a.name: a for a in ACCOUNTS}


def _derive(secret_key: str, label: str, size: int) -> bytes:
    return hmac.new(secret_key.encode(), f"associates-simulator:{label}".encode(), hashlib.sha256).digest()[
        :size
    ]


def credentials(secret_key: str, account: Account) -> tuple[str, str]:
    """The key ID and secret a user pastes for this rehearsal (shown on /simulator/associates)."""
    raw = _derive(secret_key, account.name, 32)
    if account.api == "paapi5":
        key = "AKIA" + base64.b32encode(raw).decode()[:16]
        secret = base64.b64encode(_derive(secret_key, account.name + ":secret", 30)).decode()
        if account.behaviour == "InvalidSignature":
            secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")  # one character off
        return key, secret
    secret_raw = _derive(secret_key, account.name + ":secret", 32)
    if account.version.startswith("2."):
        return base64.b32encode(raw).decode().lower()[:26], base64.b32encode(secret_raw).decode().lower()[:52]
    return f"amzn1.application-oa2-client.{raw[:16].hex()}", f"amzn1.oa2-cs.v1.{secret_raw.hex()}"


def _true_secret(secret_key: str, account: Account) -> str:
    if account.behaviour == "InvalidSignature":
        return base64.b64encode(_derive(secret_key, account.name + ":secret", 30)).decode()
    return credentials(secret_key, account)[1]


def find(secret_key: str, key_id: str) -> Account | None:
    """The rehearsal account whose key ID this is."""
    for account in ACCOUNTS:
        if hmac.compare_digest(credentials(secret_key, account)[0], key_id or ""):
            return account
    return None


# Tokens --------------------------------------------------------------------------------------


def _sign(secret_key: str, payload: str) -> str:
    return hmac.new(secret_key.encode(), f"associates-token:{payload}".encode(), hashlib.sha256).hexdigest()[
        :32
    ]


def issue(secret_key: str, account: Account, version: str, now: float | None = None) -> dict:
    """A token response for ``account``, as the token endpoints send it."""
    payload = base64.urlsafe_b64encode(
        json.dumps({"a": account.name, "v": version, "exp": (now or time.time()) + TOKEN_LIFETIME}).encode()
    ).decode()
    token = f"Atc|sim.{payload}.{_sign(secret_key, payload)}"
    return {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_LIFETIME}


def token_answer(secret_key: str, version: str, client_id: str, secret: str, scope: str, form: str):
    """Status and body of a token request to the endpoint of ``version`` (2.x or 3.x)."""
    wanted_scope = "creatorsapi/default" if version.startswith("2.") else "creatorsapi::default"
    account = find(secret_key, client_id)
    known = account is not None and account.api == "creators" and account.version == version
    if not known or not hmac.compare_digest(_true_secret(secret_key, account), secret or ""):
        return 401 if version.startswith("3.") else 400, {
            "error": "invalid_client",
            "error_description": "Client authentication failed",
        }
    if account.behaviour == "basic-only" and form != "basic":
        return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}
    if scope != wanted_scope:
        return 400, {"error": "invalid_scope", "error_description": f"The scope must be {wanted_scope}"}
    return 200, issue(secret_key, account, version)


def _account_of_token(secret_key: str, authorization: str) -> tuple[Account | None, str | None]:
    value = (authorization or "").removeprefix("Bearer ").strip()
    token, _, version = value.partition(", Version ")
    try:
        _, payload, signature = token.removeprefix("Atc|").split(".")
        data = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return None, None
    if not hmac.compare_digest(_sign(secret_key, payload), signature) or data["exp"] < time.time():
        return None, None
    # 2.x tokens need ", Version 2.x" in the header; 3.x tokens must come alone.
    wanted = data["v"] if data["v"].startswith("2.") else ""
    return (BY_NAME.get(data["a"]), data["v"]) if version == wanted else (None, None)


class CallBook:
    """When each account last called, in this process: Amazon refuses a second call within a
    second. (One book per simulator app; several workers each keep their own.)"""

    def __init__(self):
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.calls: list[tuple[str, float]] = []  # (account, time): what tests look at

    def too_soon(self, name: str, now: float | None = None) -> bool:
        """True when ``name`` was called less than a second ago (and remember this call)."""
        now = time.time() if now is None else now
        with self._lock:
            last = self._last.get(name)
            self._last[name] = now
            self.calls.append((name, now))
        return last is not None and now - last < 1.0


def _region_of_host(host: str) -> str:
    return "NA" if host in NA_HOSTS else ("FE" if host.endswith((".co.jp", ".com.au", ".sg")) else "EU")


def get_items_answer(secret_key: str, book: CallBook, authorization: str, marketplace_host: str, body: dict):
    """Status and body of a Creators API GetItems call."""
    account, version = _account_of_token(secret_key, authorization)
    if account is None:
        return 401, {"message": "The access token is invalid or expired.", "reason": "UnrecognizedClient"}
    if REGION_OF_VERSION[version[-1]] != _region_of_host(marketplace_host or ""):
        return 400, {"message": f"x-marketplace {marketplace_host!r} is not in this credential's region."}
    return _behave(book, account, body.get("partnerTag"), body.get("itemIds"), creators=True)


def _behave(book: CallBook, account: Account, tag, item_ids, creators: bool):
    if book.too_soon(account.name) or account.behaviour == "TooManyRequests":
        return 429, _error("TooManyRequests", "The request was denied due to request throttling.", creators)
    if account.behaviour == "AssociateNotEligible":
        return 403, NOT_ELIGIBLE
    if account.behaviour == "InvalidPartnerTag" or tag != TAG:
        return 400, _error(
            "InvalidPartnerTag", "The partner tag is invalid or not mapped to this account.", creators
        )
    if account.behaviour in ("InvalidAssociate", "AccessDeniedAwsUsers"):
        return 401, _error(account.behaviour, "The credential is not mapped to an approved store.", creators)
    asin = item_ids[0] if isinstance(item_ids, list) and item_ids else "?"
    if creators:
        return 200, {
            "itemsResult": {"items": [{"asin": asin, "itemInfo": {"title": {"displayValue": "Simulated"}}}]}
        }
    return 200, {
        "ItemsResult": {"Items": [{"ASIN": asin, "ItemInfo": {"Title": {"DisplayValue": "Simulated"}}}]}
    }


def _error(code: str, message: str, creators: bool) -> dict:
    if creators:
        return {"message": message, "reason": code, "type": "ValidationException"}
    return {"__type": f"com.amazon.paapi5#{code}Exception", "Errors": [{"Code": code, "Message": message}]}


def paapi_answer(
    secret_key: str, book: CallBook, method: str, path: str, headers: dict, body: bytes, region: str
):
    """Status and body of a PA-API 5 GetItems call, its SigV4 signature checked."""
    try:
        parts = parse_authorization(headers.get("authorization", ""))
    except SignatureProblem as problem:
        return 400, _error(problem.code, str(problem), False)
    account = find(secret_key, parts["key"])
    if account is None or account.api != "paapi5":
        return 401, _error("UnrecognizedClient", "The Access Key ID or security token is invalid.", False)
    now = datetime.now(UTC)
    if account.behaviour == "RequestExpired":
        now += timedelta(minutes=20)  # this account's server clock is behind Amazon's
    try:
        verify(
            _true_secret(secret_key, account),
            parts,
            method,
            path,
            headers,
            body,
            region=region,
            service="ProductAdvertisingAPI",
            now=now,
        )
    except SignatureProblem as problem:
        return 401, _error(problem.code, str(problem), False)
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return 400, _error("InvalidParameterValue", "The body is not JSON.", False)
    return _behave(book, account, payload.get("PartnerTag"), payload.get("ItemIds"), creators=False)
