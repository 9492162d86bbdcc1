"""Context from the request: the operation, host and kind of token a paste shows, against what
that operation needs (a grantless or a seller token, the sandbox's canned examples or
production), and a last resort when nothing but an HTTP status survived the paste.
"""

import re

from auth.explainer.catalog import catalog
from auth.explainer.catalog import normalize
from auth.explainer.clues import Scores
from auth.explainer.findings import Finding

# Grantless operations (client_credentials token with a scope) and the entry that explains a
# refusal of each. createSubscription is the opposite case: it needs the seller's token.
ROTATION = "sellingpartnerapi::client_credential:rotation"
GRANTLESS = {
    "createdestination": ("token-kind-mismatch", "sellingpartnerapi::notifications"),
    "getdestinations": ("token-kind-mismatch", "sellingpartnerapi::notifications"),
    "deletedestination": ("token-kind-mismatch", "sellingpartnerapi::notifications"),
    "rotateapplicationclientsecret": ("rotation-needs-grantless", ROTATION),
    "rotate application client secret": ("rotation-needs-grantless", ROTATION),
    "applications/2023-11-30/clientsecret": ("rotation-needs-grantless", ROTATION),
    "getauthorizationcode": ("authorization-api-unauthorized", "sellingpartnerapi::migration"),
}
DENIED = ("access to requested resource is denied", "'unauthorized'", '"unauthorized"', "403", "forbidden")
SANDBOX = ("sandbox.sellingpartnerapi", "_sandbox", 'aws_env="sandbox"', "sandbox = true", "the sandbox")
STATUS_RE = re.compile(
    r"\b(?:status(?: code)?|code|http/\d(?:\.\d)?|httpstatus)\s*[=:]?\s*\(?(40[013]|429|500|503)\b"
    r"|\b(40[013]|429|500|503)\s+(?:forbidden|unauthorized|bad request|too many requests)"
    r"|apiexception:\s*\((40[013]|429|500|503)\)",
    re.I,
)
STATUS_WORDS = {"forbidden": 403, "unauthorized": 401}
CONTEXT_SCORE = 11.5


def context_evidence(text: str, scores: Scores) -> list[Finding]:
    """Score entries that the operation or host in ``text`` explains; name the mismatch."""
    flat = normalize(text[:20000])
    findings: list[Finding] = []
    denied = any(word in flat for word in DENIED)
    # The operation explains a catch-all refusal ("Access ... is denied") better than the
    # catch-all does, so it ranks just above the strongest catch-all; a specific code or
    # message (MissingAuthenticationToken) keeps its place.
    catch_all = max((v for k, v in scores.scores.items() if scores.order[k].generic), default=0)
    context_score = max(CONTEXT_SCORE, catch_all + 0.5)
    for operation, (entry_id, scope) in GRANTLESS.items():
        if operation in flat and denied:
            scores.add(catalog().get(entry_id), context_score, by_message=True)
            findings.append(
                Finding(
                    "warning",
                    f"{operation} is a grantless operation: it needs a client_credentials token "
                    f"with scope {scope}, not a seller's refresh-token access token.",
                    entry_id,
                )
            )
            break
    if "createsubscription" in flat and "grantless" in flat and denied:
        scores.add(catalog().get("token-kind-mismatch"), context_score, by_message=True)
    if any(marker in flat for marker in SANDBOX):
        findings.extend(_sandbox(flat, scores))
    return findings


def _sandbox(flat: str, scores: Scores) -> list[Finding]:
    # The static sandbox answers only its models' example values: an internal error or
    # "could not match" there means the parameters, not the credentials.
    if "could not match input arguments" in flat:
        entry = catalog().get("sandbox-no-match")
    elif "internalfailure" in flat or "internal error" in flat or "internalservererror" in flat:
        entry = catalog().get("sandbox-500")
    else:
        return []
    scores.add(entry, CONTEXT_SCORE + 0.5, by_message=True)
    return [
        Finding(
            "info",
            "The call went to the SP-API sandbox, which answers only the exact example values of "
            "each operation's model; production parameters get this error.",
            entry.id,
        )
    ]


def status_of(text: str) -> int | None:
    """The HTTP status the text reports, if any."""
    match = STATUS_RE.search(text[:20000])
    if match:
        return int(next(group for group in match.groups() if group))
    flat = normalize(text[:20000])
    return next((status for word, status in STATUS_WORDS.items() if re.search(rf"\b{word}\b", flat)), None)


def status_fallback(text: str, system: str | None, scores: Scores) -> None:
    """When nothing else matched: the catch-all entry for the status in the likeliest system."""
    status = status_of(text)
    if status is None or system is None:
        return
    candidates = [e for e in catalog().entries() if e.system == system and e.http_status == status]
    # The catch-all named after its code first ("Unauthorized"), then other catch-alls.
    candidates.sort(key=lambda e: (e.id != e.code, not e.generic))
    if candidates:
        scores.add(candidates[0], 5)
