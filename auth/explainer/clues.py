"""The evidence a diagnosis weighs: text patterns, JSON and XML bodies, headers, timing."""

import json
import re

from auth.explainer.catalog import Entry
from auth.explainer.catalog import catalog
from auth.explainer.catalog import compact
from auth.explainer.catalog import normalize
from auth.explainer.catalog import pattern_score
from auth.explainer.catalog import weighted_patterns
from auth.explainer.findings import Finding
from auth.explainer.redirect_findings import consent_codes
from auth.explainer.systems import likeliest
from auth.explainer.systems import system_votes

MAX_ENTRIES = 8


TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,}")


HEADER_RE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9-]{1,60}):[ \t]*(?P<value>.*)$", re.M)


STATUS_RE = re.compile(r"HTTP/\d(?:\.\d)?\s+(?P<status>[1-5]\d\d)")


XML_CODE_RE = re.compile(r"<Code>([^<]{1,80})</Code>")


XML_MESSAGE_RE = re.compile(r"<Message>([^<]{1,500})</Message>")


# An explicit code in pasted text: "code": "X", 'code': 'X', code: 'X', [code] => X, Error Code: X.
# The closing quote is optional: PHP cuts long bodies mid-code ("MissingAuthenticationTok (truncated...)").
EXPLICIT_CODE_RE = re.compile(
    r"""["'\[]?\b(?:code|error[ _]?code|error)\b["'\]]?\s*(?:=>|[:=])\s*["']?([A-Za-z][\w.-]{2,80})""", re.I
)
# A JSON "reason" field (the Creators API names its specific cause there: AssociateNotEligible).
REASON_FIELD_RE = re.compile(r'"reason"\s*:\s*"([A-Za-z][\w.-]{2,80})"')
# x-amzn-ErrorType as a header line, a Ruby or Python dict entry, or a JSON field.
ERROR_TYPE_RE = re.compile(r"""x-amzn-errortype["']?\s*(?:=>|:)\s*["']?([A-Za-z][\w.-]{2,80})""", re.I)
# An HTTP reason phrase ("401 Unauthorized", "Reason: Unauthorized") names the status, not an
# error code; read as a code it would pull unrelated entries in.
REASON_PHRASE_RE = re.compile(
    r"\b([1-5]\d\d)\s+(?:Unauthorized|Forbidden|Not Found|Bad Request|Too Many Requests|"
    r"Internal Server Error|Service Unavailable|Bad Gateway|Gateway Timeout)\b|\bReason:\s*Unauthorized\b",
    re.I,
)
TRUNCATED_CODE_MIN = 8
SPECIFIC_MESSAGE_BONUS = 1.5
SYSTEM_BOOST = 2.5


class Scores:
    """Accumulates evidence for entries; the strongest evidence ranks first."""

    def __init__(self):
        self.scores: dict[str, float] = {}
        self.order: dict[str, Entry] = {}
        self.by_message: set[str] = set()

    def add(self, entry: Entry, score: float, by_message: bool = False) -> None:
        self.order.setdefault(entry.id, entry)
        self.scores[entry.id] = max(self.scores.get(entry.id, 0), score)
        if by_message:
            self.by_message.add(entry.id)

    def boost_system(self, system: str, amount: float) -> None:
        for entry_id, entry in self.order.items():
            if entry.system == system:
                self.scores[entry_id] += amount

    def ranked(self) -> list[Entry]:
        # Entries sharing a code (four kinds of 403 "Unauthorized"): once one is matched by its
        # message, the ones matched only by the bare code are noise.
        explained = {normalize(self.order[i].code) for i in self.by_message}
        kept = [
            i for i, e in self.order.items() if i in self.by_message or normalize(e.code) not in explained
        ]
        ids = sorted(kept, key=lambda i: -self.scores[i])
        return [self.order[i] for i in ids][:MAX_ENTRIES]


def text_evidence(text: str, scores: Scores) -> None:
    """Match message patterns, explicit codes, the whole text as a code or id, and code-like
    tokens inside it."""
    add_pattern_matches(text, scores)
    whole = catalog().get(text) if len(text) <= 64 else None
    if whole:
        scores.add(whole, 9)
    for entry in catalog().for_code(text) if len(text) <= 80 else ():
        scores.add(entry, 8)
    for code in explicit_codes(text):
        for entry in _entries_for(code):
            scores.add(entry, code_score(entry))
    for code in consent_codes(text[:20000]):
        for entry in catalog().for_code(code):
            scores.add(entry, 8)
    for token in set(TOKEN_RE.findall(REASON_PHRASE_RE.sub(" ", text[:20000]))):
        for entry in catalog().for_code(token):
            scores.add(entry, 5)


def add_pattern_matches(text: str, scores: Scores) -> list[Entry]:
    """Score every entry whose message pattern is in ``text``; return them."""
    flat = compact(text[:50000])
    matched = []
    # A specific entry's own message outranks a bare code (11) that several causes share; a
    # catch-all's message ("Access ... is denied") does not.
    for pattern, wildcard, score, entry in weighted_patterns(SPECIFIC_MESSAGE_BONUS):
        if pattern_score(pattern, flat) if wildcard else pattern in flat:
            scores.add(entry, score, by_message=True)
            matched.append(entry)
    return matched


def code_score(entry: Entry) -> float:
    """An explicit code outranks a message pattern (10), unless the code is a catch-all; an
    entry that shares its code with a catch-all needs its own message to outrank it."""
    if entry.generic:
        # Several catch-alls can share a code (four kinds of 403 "Unauthorized"); the bare
        # code means the one named after it, the others need their own message.
        return 9 if entry.id == entry.code or not _has_catch_all(entry) else 8.5
    if any(sibling.generic for sibling in catalog().for_code(entry.code)):
        return 7
    return 11


def _has_catch_all(entry: Entry) -> bool:
    return any(s.id == s.code for s in catalog().for_code(entry.code) if s.system == entry.system)


def explicit_codes(text: str) -> list[str]:
    """Codes the text names explicitly: code fields in any notation, and x-amzn-ErrorType."""
    found = [m.group(1) for m in EXPLICIT_CODE_RE.finditer(text[:20000])]
    found += [m.group(1) for m in ERROR_TYPE_RE.finditer(text[:20000])]
    found += [m.group(1) for m in REASON_FIELD_RE.finditer(text[:20000])]
    return list(dict.fromkeys(found))[:20]


def _entries_for(code: str) -> tuple[Entry, ...]:
    """Entries for a code; a long code cut short by a truncating logger matches by prefix."""
    exact = catalog().for_code(code)
    if exact or len(code) < TRUNCATED_CODE_MIN:
        return exact
    prefix = normalize(code)
    return tuple(
        entry
        for name, entries in catalog().by_code.items()
        if name.startswith(prefix) and name != prefix
        for entry in entries
    )


def _specific(entry: Entry, code: str) -> bool:
    """True when the body's code is the entry's own code or alias."""
    return normalize(code) in {normalize(entry.code), *(normalize(a) for a in entry.aliases)}


def json_body(text: str):
    """Return the JSON object in ``text`` (after optional status line and headers), if any."""
    start = text.find("{")
    if start < 0:
        return None
    try:
        value = json.loads(text[start:])
    except (ValueError, RecursionError):  # deeply nested input is not an error body
        return None
    return value if isinstance(value, dict) else None


def body_evidence(body: dict, text: str, scores: Scores) -> list[Finding]:
    """Read an LWA ({"error": ...}) or SP-API ({"errors": [...]}) body and its headers."""
    findings: list[Finding] = []
    headers = {m["name"].lower(): m["value"].strip() for m in HEADER_RE.finditer(text[: text.find("{")])}
    status_match = STATUS_RE.search(text[: text.find("{")])
    if isinstance(body.get("error"), str):
        code = body["error"]
        description = str(body.get("error_description") or "")
        flat = compact(description)
        matched = [e for p, e in catalog().patterns if pattern_score(p, flat) and _specific(e, code)]
        for entry in (
            matched or [e for e in catalog().for_code(code) if e.system == "lwa"] or catalog().for_code(code)
        ):
            scores.add(entry, 12 if matched else 9, by_message=bool(matched))
        if code == "invalid_grant" and not matched:
            findings.append(
                Finding(
                    "info",
                    "LWA did not say which grant parameter failed: if you were exchanging a "
                    "code, see invalid_grant-code; if refreshing, invalid_grant-refresh_token.",
                )
            )
        if body.get("request_id"):
            findings.append(
                Finding("info", f"Quote LWA's request_id {str(body['request_id'])[:80]} to support.")
            )
    errors = body.get("errors")
    if isinstance(errors, list):
        for error in errors[:20]:
            if not isinstance(error, dict):
                continue
            code = str(error.get("code", ""))[:80]
            detail = compact(f"{error.get('message', '')} {error.get('details', '')}")
            specific = [e for p, e in catalog().patterns if pattern_score(p, detail) and _specific(e, code)]
            for entry in specific:
                scores.add(entry, 12, by_message=True)
            for entry in _entries_for(code):
                scores.add(entry, code_score(entry) if not specific else 6)
    request_id = headers.get("x-amzn-requestid")
    if request_id:
        findings.append(
            Finding(
                "info",
                f"Quote x-amzn-RequestId {request_id[:80]} (with the time of the call) in a support case.",
            )
        )
    if headers.get("x-amzn-errortype"):
        findings.append(Finding("info", f"x-amzn-ErrorType says {headers['x-amzn-errortype'][:80]}."))
    if status_match:
        status = int(status_match["status"])
        for entry in catalog().entries():
            if entry.http_status == status and entry.id in scores.order:
                scores.add(entry, scores.scores[entry.id] + 1)
        if status == 429 and "retry-after" in headers:
            findings.append(
                Finding(
                    "info",
                    f"Amazon asked to wait {headers['retry-after'][:20]} seconds before retrying.",
                    "QuotaExceeded",
                )
            )
    return findings


def xml_evidence(text: str, scores: Scores) -> None:
    """Read an AWS (STS) XML error body."""
    for code in XML_CODE_RE.findall(text)[:5]:
        for entry in catalog().for_code(code.strip()):
            scores.add(entry, 11 if entry.system == "sts" else 7)
    for message in XML_MESSAGE_RE.findall(text)[:5]:
        flat = compact(message)
        for pattern, entry in catalog().patterns:
            if pattern_score(pattern, flat):
                scores.add(entry, 12, by_message=True)


def apply_system_hints(text: str, scores: Scores) -> str | None:
    """Rank the likeliest system's entries first; return that system (None when unclear)."""
    system = likeliest(system_votes(text))
    if system:
        scores.boost_system(system, SYSTEM_BOOST)
    return system
