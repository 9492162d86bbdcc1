"""A credential check, step by step: consistency, token (Creators API), one GetItems call.
Each step is reported like the playground's: masked request, status, body, timing, meaning."""

import json
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from auth.associates import throttle
from auth.associates.calls import creators_get_items
from auth.associates.calls import paapi_get_items
from auth.associates.consistency import check_consistency
from auth.associates.credentials import describe
from auth.associates.credentials import open_secrets
from auth.associates.exchanges import Unreachable
from auth.associates.exchanges import error_code
from auth.associates.outcomes import EXIT_CODES
from auth.associates.outcomes import UNREACHABLE
from auth.associates.outcomes import Outcome
from auth.associates.outcomes import outcome_of
from auth.associates.regions import DEFAULT_ASIN
from auth.associates.regions import VERSIONS
from auth.associates.regions import marketplace
from auth.associates.tables import AssociatesCredential
from auth.associates.tokens import fetch_token
from auth.vault.crypto import TokenVault
from auth.vault.crypto import digest
from auth.vault.models import utcnow

RETIRED = (
    "PA-API 5.0 is retired (Amazon: deprecated 30 April 2026; some sources say 15 May 2026): "
    "migrate to the Creators API."
)
ASIN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True)
class Checker:
    """What a check needs: the vault, where requests go, the throttle's cool-down, and this
    app's SP-API client (to recognise it when pasted as a Creators credential)."""

    vault: TokenVault
    route: object  # url -> url
    cooldown: float = 10
    sp_api_client_id: str | None = None
    sp_api_secret_hashes: frozenset[str] = frozenset()


def valid_asin(asin: str) -> bool:
    """True for a 10-character ASIN (upper-case letters and digits)."""
    return len(asin) == 10 and set(asin) <= ASIN_CHARS


def run_check(db: Session, checker: Checker, row: AssociatesCredential, asin: str | None = None) -> dict:
    """Run the check once (fleet-wide one at a time) and store its masked result.

    :raises throttle.Wait: another check runs or ran within the cool-down.
    :raises VaultError: the configured keys cannot open the stored credential.
    """
    secrets = open_secrets(checker.vault, row)  # before the claim: an unreadable row costs no turn
    started = throttle.claim(db, row.id, checker.cooldown)
    try:
        report = _steps(db, checker, row, secrets, (asin or DEFAULT_ASIN).strip().upper())
        row.last_checked_at = utcnow()
        row.last_result = report["result"]
        report["credential"] = describe(row)  # with this check's time and result
        row.last_report = json.dumps(report)
        db.commit()  # commit point: the check's result is what the console shows next
        return report
    finally:
        throttle.release(db, row.id, started)


def last_report(row: AssociatesCredential) -> dict | None:
    """The stored result of the credential's last check."""
    return json.loads(row.last_report) if row.last_report else None


def _steps(db: Session, checker: Checker, row: AssociatesCredential, secrets, asin: str) -> dict:
    store = marketplace(row.marketplace)
    steps = []
    began = time.time()
    findings = check_consistency(
        row.api,
        row.version,
        row.marketplace,
        row.partner_tag,
        secrets.key_id,
        secrets.secret,
        sp_api_client_id=checker.sp_api_client_id,
        sp_api_secret_hashes=checker.sp_api_secret_hashes,
        secret_hash=digest(secrets.secret),
    )
    errors = [f for f in findings if f.severity == "error"]
    steps.append(
        {
            "name": "consistency",
            "status": "fail" if errors else ("warn" if findings else "pass"),
            "findings": [f.as_dict() for f in findings],
            "elapsed_ms": round((time.time() - began) * 1000, 1),
            "message": (errors or findings)[0].message if findings else "The fields agree with each other.",
        }
    )
    if errors:
        return _report(row, steps, "consistency", Outcome(None, "credential", errors[0].fix))
    hide = (secrets.key_id, secrets.secret)
    stage = "token" if row.api == "creators" else "call"
    try:
        token = None
        if row.api == "creators":
            version = VERSIONS[row.version]
            got = fetch_token(db, checker.vault, row, version, secrets.key_id, secrets.secret, checker.route)
            steps.append(_token_step(got, version))
            if got.token is None:
                code = error_code(got.response) if got.response is not None else None
                status = got.response.status_code if got.response is not None else 0
                return _report(row, steps, "token", outcome_of(code, status, version.kind), code)
            token, stage = got.token, "call"
        throttle.reserve_call(db, row.id)
        try:
            if token is not None:
                response, record = creators_get_items(
                    checker.route, token, row.version, store, row.partner_tag, asin, hide=hide
                )
            else:
                response, record = paapi_get_items(
                    checker.route, secrets.key_id, secrets.secret, store, row.partner_tag, asin
                )
        finally:
            throttle.after_call(db, row.id)
    except Unreachable as error:
        steps.append({"name": stage, "status": "fail", "message": str(error)})
        return _report(row, steps, stage, UNREACHABLE)
    if response.status_code == 401 and token is not None:
        # A cached token Amazon no longer takes (revoked, credential replaced): the next check
        # asks for a new one instead of failing with it for the rest of its hour.
        row.token_sealed, row.token_expires_at = None, None
        db.commit()  # commit point: a refused token is never offered again
    return _call_report(row, steps, response, record, asin)


def _token_step(got, version) -> dict:
    step = {"name": "token", "exchanges": got.exchanges, "source": got.source, "auth_form": got.auth_form}
    if got.token is None:
        step.update(status="fail", message=f"No token from {version.token_url.split('/')[2]}.")
    elif got.source == "cache":
        step.update(status="pass", message="Token served from the cache (it is still valid).")
    else:
        tried = " then ".join(_FORM_NAMES[e["auth_form"]] for e in got.exchanges)
        step.update(
            status="pass",
            message=f"Token issued; client authentication tried: {tried}; "
            f"{_FORM_NAMES[got.auth_form]} worked.",
        )
    return step


_FORM_NAMES = {"json": "JSON body", "basic": "HTTP Basic", "form": "form fields"}


def _call_report(row, steps, response, record, asin) -> dict:
    code = error_code(response)
    step = {"name": "call", "exchanges": [record], "asin": asin}
    steps.append(step)
    if response.status_code == 200:
        step["status"] = "pass"
        step["message"] = "GetItems answered: the credential and the partner tag work."
        if code:  # an item error: the credential is fine, the ASIN is not sold in this store
            step["message"] += f" (item error {code}: choose another ASIN with --asin)"
        return _report(row, steps, None, Outcome(None, "ok", step["message"]))
    outcome = outcome_of(code, response.status_code)
    step["status"] = "fail"
    step["message"] = f"HTTP {response.status_code}{' ' + code if code else ''}"
    return _report(row, steps, "call", outcome, code)


def _report(row, steps, failed_step, outcome: Outcome, code: str | None = None) -> dict:
    passed = failed_step is None
    for step in steps:
        if step["name"] == failed_step and step.get("status") == "fail":
            step["explain"] = f"/explain/{outcome.entry}" if outcome.entry else None
            step["code"] = code
    summary = (
        "PASS: every step worked."
        if passed
        else f"FAIL at the {failed_step} step{': ' + code if code else ''}. {outcome.advice}"
    )
    report = {
        "credential": describe(row),
        "result": "PASS" if passed else "FAIL",
        "failed_step": failed_step,
        "kind": outcome.kind,
        "code": code,
        "summary": summary,
        "explain": f"/explain/{outcome.entry}" if outcome.entry else None,
        "exit_code": EXIT_CODES[outcome.kind],
        "steps": steps,
        "checked_at": utcnow().isoformat(),
    }
    if row.api == "paapi5":
        report["retired"] = RETIRED
        report["summary"] += " " + RETIRED
    return report
