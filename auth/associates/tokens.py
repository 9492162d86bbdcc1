"""The Creators API token: 2.x from the region's Cognito, 3.x from Login with Amazon, cached in
the database (sealed) for its lifetime so every worker reuses it."""

import base64
import json
import time
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy.orm import Session

from auth.associates.exchanges import send
from auth.associates.regions import Version
from auth.associates.tables import AssociatesCredential
from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError

MARGIN = 60  # seconds: a token this close to its end is not handed out
# UNCONFIRMED: how 3.x clients authenticate to Login with Amazon. vacuum (PR #103) says Amazon's
# docs use a JSON body, goark (PR #51) sends HTTP Basic. The documented one goes first; the
# other is tried when the first is refused, and the one that worked is remembered.
LWA_FORMS = ("json", "basic")


@dataclass
class TokenResult:
    """The token step: the token (None on failure), where it came from, the exchanges."""

    token: str | None = None
    source: str = "amazon"  # amazon, cache
    auth_form: str | None = None
    exchanges: list = field(default_factory=list)
    response: object = None  # the last refusal (a requests.Response), for its error code


def _owner(row: AssociatesCredential) -> str:
    return f"associates-token:{row.id}"


def cached_token(vault: TokenVault, row: AssociatesCredential, now: float | None = None) -> str | None:
    """The stored token while it has more than a minute left, else None."""
    now = time.time() if now is None else now
    if not row.token_sealed or not row.token_expires_at or row.token_expires_at - MARGIN <= now:
        return None
    try:
        return vault.open(row.token_sealed, _owner(row), row.api)
    except VaultError:
        return None


def fetch_token(
    db: Session,
    vault: TokenVault,
    row: AssociatesCredential,
    version: Version,
    key_id: str,
    secret: str,
    route,
) -> TokenResult:
    """The cached token, or a new one from the version's token endpoint (stored sealed).

    :raises Unreachable: the endpoint did not answer.
    """
    cached = cached_token(vault, row)
    if cached:
        return TokenResult(cached, "cache", row.token_auth_form)
    result = TokenResult()
    url = route(version.token_url)
    if version.kind == "cognito":
        forms = ("form",)
    else:
        remembered = row.token_auth_form if row.token_auth_form in LWA_FORMS else None
        forms = (remembered, *[f for f in LWA_FORMS if f != remembered]) if remembered else LWA_FORMS
    for form in forms:
        response, record = send("POST", url, hide=(key_id, secret), **_request(form, version, key_id, secret))
        record["auth_form"] = form
        result.exchanges.append(record)
        body = _json(response)
        token = body.get("access_token") if response.status_code == 200 else None
        if isinstance(token, str) and token:
            lifetime = body.get("expires_in") if isinstance(body.get("expires_in"), int) else 3600
            row.token_sealed = vault.seal(_owner(row), row.api, token)
            row.token_expires_at = time.time() + lifetime
            row.token_auth_form = form
            db.commit()  # commit point: an hour's token, shared with every worker at once
            result.token, result.auth_form = token, form
            return result
        result.response = response
        if response.status_code >= 500 or response.status_code == 429:
            break  # not a refusal of the form: the other form would meet the same outage
    return result


def _request(form: str, version: Version, key_id: str, secret: str) -> dict:
    grant = {"grant_type": "client_credentials", "scope": version.scope}
    if form == "json":
        return {"json": {**grant, "client_id": key_id, "client_secret": secret}}
    if form == "basic":
        basic = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
        return {"data": grant, "headers": {"Authorization": f"Basic {basic}"}}
    return {"data": {**grant, "client_id": key_id, "client_secret": secret}}


def _json(response) -> dict:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return {}
    return body if isinstance(body, dict) else {}
