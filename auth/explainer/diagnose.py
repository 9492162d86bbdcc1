"""Diagnosis: from whatever the user has (a code, a message, an error body, a URL) to the
catalog entries that explain it and findings specific to that input.
"""

import functools
import os
import re
from dataclasses import dataclass
from dataclasses import field

from rapidfuzz import fuzz
from rapidfuzz import process

from auth.explainer.catalog import Entry
from auth.explainer.catalog import catalog
from auth.explainer.catalog import normalize
from auth.explainer.clues import XML_CODE_RE
from auth.explainer.clues import Scores
from auth.explainer.clues import apply_system_hints
from auth.explainer.clues import body_evidence
from auth.explainer.clues import json_body
from auth.explainer.clues import text_evidence
from auth.explainer.clues import xml_evidence
from auth.explainer.findings import Context
from auth.explainer.findings import Finding
from auth.explainer.phrasing import phrasing_matches
from auth.explainer.redirect_findings import RedirectSignals
from auth.explainer.redirect_findings import redirect_signal_findings
from auth.explainer.request_context import context_evidence
from auth.explainer.request_context import status_fallback
from auth.explainer.sent_findings import sent_findings
from auth.explainer.timing import timing_findings
from auth.explainer.url_findings import url_findings

MAX_INPUT = 256 * 1024
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
URL_RE = re.compile(r"https?://[^\s\"'<>`]+")
# A URL quoted in a sentence ends before the sentence's full stop or closing bracket.
URL_TAIL = ".,;:)]}*"


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


def clean(text: str) -> tuple[str, bool]:
    """Drop control characters and cut overlong input; report whether it was cut."""
    truncated = len(text) > MAX_INPUT
    return CONTROL_RE.sub(" ", text[:MAX_INPUT]), truncated


def diagnose(text: str, context: Context | None = None) -> Diagnosis:
    """Explain ``text``: a code, a message, a JSON error body (with or without headers) or a URL."""
    context = context or Context()
    text, truncated = clean(text or "")
    stripped = text.strip()
    scores = Scores()
    findings: list[Finding] = []
    kind = "message"
    body = json_body(stripped)
    if body is not None:
        kind = "error body"
        findings.extend(body_evidence(body, stripped, scores))
    elif XML_CODE_RE.search(stripped):
        kind = "error body"
        xml_evidence(stripped, scores)
    elif URL_RE.fullmatch(stripped) or stripped.startswith(("/oauth/", "/apps/authorize")):
        kind = "url"
        findings.extend(url_findings(stripped, context))
    elif catalog().for_code(stripped) or catalog().get(stripped):
        kind = "code"
    text_evidence(stripped, scores)
    for entry, score in phrasing_matches(stripped):
        scores.add(entry, score, by_message=True)
    findings.extend(context_evidence(stripped, scores))
    if kind == "message":
        for url in URL_RE.findall(stripped)[:5]:
            findings.extend(url_findings(url.rstrip(URL_TAIL), context))
    findings.extend(timing_findings(stripped, scores.order))
    system = apply_system_hints(stripped, scores)
    if not scores.order:
        status_fallback(stripped, system, scores)
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


def diagnose_redirect(signals: RedirectSignals) -> Diagnosis:
    """Explain a Redirect URI call that came back without a code.

    A consent-page code outranks ``error_code``, which outranks ``error`` (often a generic
    ``access_denied`` beside the specific code); the description is read as a message.
    """
    scores = Scores()
    for code in signals.codes:
        for entry in catalog().for_code(code):
            scores.add(entry, 14)
    for value, score in ((signals.error_code, 13), (signals.error, 12)):
        for entry in catalog().for_code(value) if value else ():
            scores.add(entry, score)
    if signals.error_description:
        text_evidence(signals.error_description, scores)
    findings = redirect_signal_findings(signals) + sent_findings(signals)
    entries = scores.ranked()
    for finding in findings:
        entry = catalog().get(finding.entry_id) if finding.entry_id else None
        if entry and entry not in entries:
            entries.append(entry)
    return Diagnosis(kind="redirect", entries=entries, findings=findings)


def closest(text: str, limit: int = 5) -> list[Entry]:
    """Return the entries whose code, id or title look most like ``text``."""
    probe = normalize(text)[:200]
    if not probe:
        return []
    entries, names = _names()
    # The prefix bonus adds at most 0.2, so a name under 0.25 of edit ratio can never reach
    # 0.45: rapidfuzz scores every name at once and only the others are weighed (in catalog
    # order, as before).
    near = process.extract(probe, names, scorer=fuzz.ratio, processor=None, score_cutoff=24, limit=None)
    best: dict[str, tuple[float, Entry]] = {}
    for candidate, ratio, index in sorted(near, key=lambda found: found[2]):
        entry = entries[index]
        # Equal edit ratios (MD1001 is as close to MD9001 as to MD1000) are settled by the
        # shared prefix: people mistype the end of a code more often than its start.
        prefix = len(os.path.commonprefix([probe, candidate])) / max(len(probe), 1)
        score = ratio / 100 + 0.2 * prefix
        if score > best.get(entry.id, (0.0, entry))[0]:
            best[entry.id] = (score, entry)
    ranked = sorted(best.values(), key=lambda pair: -pair[0])
    return [entry for score, entry in ranked if score >= 0.45][:limit]


@functools.cache
def _names() -> tuple[tuple[Entry, ...], tuple[str, ...]]:
    # The catalog is fixed once loaded: normalise every name once, not on each unknown paste.
    pairs = [
        (entry, normalize(name))
        for entry in catalog().entries()
        for name in (entry.code, entry.id, entry.title, *entry.aliases)
    ]
    return tuple(e for e, _ in pairs), tuple(n for _, n in pairs)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, result = set(), []
    for finding in findings:
        if finding.message not in seen:
            seen.add(finding.message)
            result.append(finding)
    return result
