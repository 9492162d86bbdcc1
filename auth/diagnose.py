"""Diagnosis: from whatever the user has (a code, a message, an error body, a URL) to the
catalog entries that explain it and findings specific to that input.
"""

import difflib
import json
import os
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from email.utils import parsedate_to_datetime

from auth.catalog import Entry
from auth.catalog import catalog
from auth.catalog import normalize
from auth.findings import Context
from auth.findings import Finding
from auth.url_findings import url_findings

MAX_INPUT = 256 * 1024
MAX_ENTRIES = 8
SPECIFIC = 10  # the score of a message-pattern match
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,}")
URL_RE = re.compile(r"https?://[^\s\"'<>]+")
HEADER_RE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9-]{1,60}):[ \t]*(?P<value>.*)$", re.M)
STATUS_RE = re.compile(r"HTTP/\d(?:\.\d)?\s+(?P<status>[1-5]\d\d)")
XML_CODE_RE = re.compile(r"<Code>([^<]{1,80})</Code>")
XML_MESSAGE_RE = re.compile(r"<Message>([^<]{1,500})</Message>")
TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
SYSTEM_HINTS = {
    "sts": ("assumerole", "sts.amazonaws.com", "<errorresponse", "sts:"),
    "paapi": ("paapi", "product advertising", "associate", "partner tag", "creators api"),
    "buywithprime": ("buy with prime", "createorder", "updateorder", "validationerror"),
    "lwa": ("auth/o2/token", "error_description", "lwa"),
    "legacy": ("authorization api", "getauthorizationcode", "sigv4", "aws4-hmac-sha256"),
}


@dataclass
class Diagnosis:
    """The answer: how the input was read, the matching entries, findings, and fallbacks."""

    kind: str
    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    suggestions: list[Entry] = field(default_factory=list)
    truncated: bool = False

    @property
    def recognised(self) -> bool:
        """True when at least one entry or finding explains the input."""
        return bool(self.entries or self.findings)


class _Scores:
    """Accumulates evidence for entries; the strongest evidence ranks first."""

    def __init__(self):
        self.scores: dict[str, float] = {}
        self.order: dict[str, Entry] = {}

    def add(self, entry: Entry, score: float) -> None:
        self.order.setdefault(entry.id, entry)
        self.scores[entry.id] = max(self.scores.get(entry.id, 0), score)

    def boost_system(self, system: str, amount: float) -> None:
        for entry_id, entry in self.order.items():
            if entry.system == system:
                self.scores[entry_id] += amount

    def ranked(self) -> list[Entry]:
        # Entries sharing a code (four kinds of 403 "Unauthorized"): once one is matched by its
        # message, the ones matched only by the bare code are noise.
        best_by_code: dict[str, float] = {}
        for entry_id, entry in self.order.items():
            code = normalize(entry.code)
            best_by_code[code] = max(best_by_code.get(code, 0), self.scores[entry_id])
        kept = [
            i
            for i, e in self.order.items()
            if self.scores[i] >= SPECIFIC or best_by_code[normalize(e.code)] < SPECIFIC
        ]
        ids = sorted(kept, key=lambda i: -self.scores[i])
        return [self.order[i] for i in ids][:MAX_ENTRIES]


def clean(text: str) -> tuple[str, bool]:
    """Drop control characters and cut overlong input; report whether it was cut."""
    truncated = len(text) > MAX_INPUT
    return CONTROL_RE.sub(" ", text[:MAX_INPUT]), truncated


def diagnose(text: str, context: Context | None = None) -> Diagnosis:
    """Explain ``text``: a code, a message, a JSON error body (with or without headers) or a URL."""
    context = context or Context()
    text, truncated = clean(text or "")
    stripped = text.strip()
    scores = _Scores()
    findings: list[Finding] = []
    kind = "message"
    body = _json_body(stripped)
    if body is not None:
        kind = "error body"
        findings.extend(_body_evidence(body, stripped, scores))
    elif XML_CODE_RE.search(stripped):
        kind = "error body"
        _xml_evidence(stripped, scores)
    elif URL_RE.fullmatch(stripped) or stripped.startswith(("/oauth/", "/apps/authorize")):
        kind = "url"
        findings.extend(url_findings(stripped, context))
    elif catalog().for_code(stripped) or catalog().get(stripped):
        kind = "code"
    _text_evidence(stripped, scores)
    if kind == "message":
        for url in URL_RE.findall(stripped)[:5]:
            findings.extend(url_findings(url, context))
    findings.extend(_timing_findings(stripped, scores))
    _apply_system_hints(stripped, scores)
    entries = scores.ranked()
    for finding in findings:
        entry = catalog().get(finding.entry_id) if finding.entry_id else None
        if entry and entry not in entries:
            entries.append(entry)
    diagnosis = Diagnosis(kind=kind, entries=entries, findings=_unique(findings), truncated=truncated)
    if not diagnosis.recognised:
        diagnosis.kind = "unrecognised" if stripped else "empty"
        diagnosis.suggestions = closest(stripped)
    return diagnosis


def explain_lwa_error(error, context: Context | None = None) -> Diagnosis:
    """Explain an ``LwaError``: from LWA's answer when there was one, else from its kind."""
    text = error.exchange.response_body if error.exchange else error.kind
    result = diagnose(text, context)
    return result if result.recognised else diagnose(error.kind, context)


def closest(text: str, limit: int = 5) -> list[Entry]:
    """Return the entries whose code, id or title look most like ``text``."""
    probe = normalize(text)[:200]
    if not probe:
        return []
    best: dict[str, tuple[float, Entry]] = {}
    for entry in catalog().entries():
        for name in (entry.code, entry.id, entry.title, *entry.aliases):
            candidate = normalize(name)
            ratio = difflib.SequenceMatcher(None, probe, candidate).ratio()
            # Equal edit ratios (MD1001 is as close to MD9001 as to MD1000) are settled by the
            # shared prefix: people mistype the end of a code more often than its start.
            prefix = len(os.path.commonprefix([probe, candidate])) / max(len(probe), 1)
            score = ratio + 0.2 * prefix
            if score > best.get(entry.id, (0.0, entry))[0]:
                best[entry.id] = (score, entry)
    ranked = sorted(best.values(), key=lambda pair: -pair[0])
    return [entry for score, entry in ranked if score >= 0.45][:limit]


def _text_evidence(text: str, scores: _Scores) -> None:
    """Match message patterns, the whole text as a code or id, and code-like tokens inside it."""
    flat = normalize(text)
    for pattern, entry in catalog().patterns:
        if pattern in flat:
            scores.add(entry, 10)
    whole = catalog().get(text) if len(text) <= 64 else None
    if whole:
        scores.add(whole, 9)
    for entry in catalog().for_code(text) if len(text) <= 80 else ():
        scores.add(entry, 8)
    for token in set(TOKEN_RE.findall(text[:20000])):
        for entry in catalog().for_code(token):
            scores.add(entry, 5)


def _json_body(text: str):
    """Return the JSON object in ``text`` (after optional status line and headers), if any."""
    start = text.find("{")
    if start < 0:
        return None
    try:
        value = json.loads(text[start:])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _body_evidence(body: dict, text: str, scores: _Scores) -> list[Finding]:
    """Read an LWA ({"error": ...}) or SP-API ({"errors": [...]}) body and its headers."""
    findings: list[Finding] = []
    headers = {m["name"].lower(): m["value"].strip() for m in HEADER_RE.finditer(text[: text.find("{")])}
    status_match = STATUS_RE.search(text[: text.find("{")])
    if isinstance(body.get("error"), str):
        code = body["error"]
        description = str(body.get("error_description") or "")
        flat = normalize(description)
        matched = [e for p, e in catalog().patterns if p in flat and normalize(e.code) == normalize(code)]
        for entry in (
            matched or [e for e in catalog().for_code(code) if e.system == "lwa"] or catalog().for_code(code)
        ):
            scores.add(entry, 12 if matched else 9)
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
            detail = normalize(f"{error.get('message', '')} {error.get('details', '')}")
            specific = [
                e for p, e in catalog().patterns if p in detail and normalize(e.code) == normalize(code)
            ]
            for entry in specific:
                scores.add(entry, 12)
            for entry in catalog().for_code(code):
                scores.add(entry, 9 if not specific and entry.system == "spapi" else 6)
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


def _xml_evidence(text: str, scores: _Scores) -> None:
    """Read an AWS (STS) XML error body."""
    for code in XML_CODE_RE.findall(text)[:5]:
        for entry in catalog().for_code(code.strip()):
            scores.add(entry, 11 if entry.system == "sts" else 7)
    for message in XML_MESSAGE_RE.findall(text)[:5]:
        flat = normalize(message)
        for pattern, entry in catalog().patterns:
            if pattern in flat:
                scores.add(entry, 12)


def _timing_findings(text: str, scores: _Scores) -> list[Finding]:
    """An invalid_grant on a code, with timestamps in the input more than 5 minutes apart."""
    if "invalid_grant-code" not in scores.order and "invalid grant parameter : code" not in normalize(text):
        return []
    stamps = [_parse_time(s) for s in TIMESTAMP_RE.findall(text)[:50]]
    stamps.extend(
        _parse_http_date(m) for m in re.findall(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT", text)[:50]
    )
    stamps = sorted(s for s in stamps if s is not None)
    if len(stamps) >= 2:
        minutes = (stamps[-1] - stamps[0]).total_seconds() / 60
        if minutes > 5:
            return [
                Finding(
                    "error",
                    f"The timestamps in this input are {minutes:.0f} minutes apart: an "
                    "spapi_oauth_code lives 5 minutes, so it had expired before the exchange.",
                    "invalid_grant-code",
                )
            ]
    return []


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.now().astimezone().tzinfo)


def _parse_http_date(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def _apply_system_hints(text: str, scores: _Scores) -> None:
    flat = normalize(text[:20000])
    for system, words in SYSTEM_HINTS.items():
        if any(word in flat for word in words):
            scores.boost_system(system, 2)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, result = set(), []
    for finding in findings:
        if finding.message not in seen:
            seen.add(finding.message)
            result.append(finding)
    return result
