"""Tolerant matching of Amazon's error texts: rewording, plurals, typos, plugin paraphrases and
dumps cut short by a logger. Hand patterns (``catalog.patterns``) stay for exact codes and
phrases; this module scores how much of an entry's own message (``messages``) or title the
paste contains, word by word, with misspelt words corrected against the catalog's vocabulary.
"""

import functools
import math
import re

from rapidfuzz import fuzz
from rapidfuzz import process

from auth.explainer.catalog import Entry
from auth.explainer.catalog import catalog
from auth.explainer.catalog import compact

WORD_RE = re.compile(r"[a-z][a-z0-9]+")
# Words that carry no cause; kept short on purpose (a stop word list that is too long would
# make "not" in "not eligible" vanish, and "not" matters).
STOP = frozenset(
    "the a an to of in on for and or is are was be been your you we our this that with from by it "
    "please at as".split()
)
MAX_WORDS = 3000
TYPO_MIN_LENGTH = 5
TYPO_CUTOFF = 84
# How much of a message must be present, and what that is worth beside a hand pattern (10).
MESSAGE_COVERAGE = 0.72
TITLE_COVERAGE = 0.8
# Below an exact pattern (10+) and an explicit code (11): a near match only decides when
# nothing exact did ("invalid grant parameter : code" must not pass for ": refresh_token").
PHRASE_BASE = 7.5
TITLE_BASE = 5
TRUNCATED_RE = re.compile(r"(.{20,160}?)\s*\(truncated\.\.\.\)", re.S)
# The longest cut message TRUNCATED_RE reads, and the marker its matches end with.
TRUNCATED_MAX = 160
CUT_MARKER = "(truncated...)"
SPACE_RE = re.compile(r"\s")
TRUNCATED_MIN = 24


@functools.lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A crude English stem: plurals and -ed/-ing endings fold onto the same word."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """Lower-case content words of ``text``, stemmed."""
    return [stem(w) for w in WORD_RE.findall(text.lower()) if w not in STOP]


@functools.cache
def _index() -> tuple[tuple[tuple[Entry, float, bool], ...], dict[str, tuple[tuple[int, float], ...]], dict]:
    """The documents (entry, total idf, is it Amazon's message), an inverted index from each
    word to the documents holding it with the word's idf, and the vocabulary."""
    raw = []
    for entry in catalog().entries():
        raw.extend((entry, frozenset(words(message)), True) for message in entry.messages)
        raw.append((entry, frozenset(words(entry.title)), False))
    raw = [doc for doc in raw if len(doc[1]) >= 3]
    frequency: dict[str, int] = {}
    for _, doc, _ in raw:
        for word in doc:
            frequency[word] = frequency.get(word, 0) + 1
    idf = {word: math.log(1 + len(raw) / count) for word, count in frequency.items()}
    postings: dict[str, list[tuple[int, float]]] = {}
    for number, (_, doc, _) in enumerate(raw):
        for word in doc:
            postings.setdefault(word, []).append((number, idf[word]))
    docs = tuple((entry, sum(idf[w] for w in doc), is_message) for entry, doc, is_message in raw)
    return docs, {w: tuple(p) for w, p in postings.items()}, {"words": tuple(sorted(idf))}


@functools.lru_cache(maxsize=4096)
def corrected(word: str) -> str:
    """``word`` itself when the catalog knows it, else its closest catalog word (a typo)."""
    _, postings, vocabulary = _index()
    if word in postings or len(word) < TYPO_MIN_LENGTH:
        return word
    match = process.extractOne(word, vocabulary["words"], scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
    return match[0] if match else word


def phrasing_matches(text: str) -> list[tuple[Entry, float]]:
    """Entries whose message or title the text contains nearly word for word, with a score:
    up to 9.5 for Amazon's own message (just under a hand pattern), up to 7 for our title."""
    docs, postings, _ = _index()
    present = {corrected(w) for w in words(text)[:MAX_WORDS]}
    weight: dict[int, float] = {}
    for word in present:
        for number, idf in postings.get(word, ()):
            weight[number] = weight.get(number, 0) + idf
    found: dict[str, tuple[Entry, float]] = {}
    for number, held in weight.items():
        entry, total, is_message = docs[number]
        coverage = held / total
        if coverage < (MESSAGE_COVERAGE if is_message else TITLE_COVERAGE):
            continue
        score = PHRASE_BASE + 2 * coverage if is_message else TITLE_BASE + 2 * coverage
        if score > found.get(entry.id, (entry, 0))[1]:
            found[entry.id] = (entry, score)
    found.update({e.id: (e, s) for e, s in truncated_matches(text) if s > found.get(e.id, (e, 0))[1]})
    return sorted(found.values(), key=lambda pair: -pair[1])


def truncated_matches(text: str) -> list[tuple[Entry, float]]:
    """Messages a logger cut short ("...some or all requ (truncated...)"): the words before the
    cut are the start of the entry's message or pattern."""
    found = []
    if "(truncated" not in text:
        return found
    for match in _cut_messages(text[:20000]):
        tail = compact(match.group(1)).strip("\"'")
        for quote in ('"', "'", ":"):
            tail = tail.rsplit(quote, 1)[-1]
        if len(tail) < TRUNCATED_MIN:
            continue
        for entry, texts in _openings():
            if any(t.startswith(tail) for t in texts):
                found.append((entry, 10.0))
    return found


def _cut_messages(text: str):
    """``TRUNCATED_RE.finditer(text)``, without trying the regex at every position: a match
    ends with a cut marker and starts at most 160 characters (and the white space before the
    marker) earlier, so each search starts where the nearest remaining marker allows."""
    ends, starts = [], []
    at = text.find(CUT_MARKER)
    while at >= 0:
        space = at
        while space > 0 and SPACE_RE.match(text, space - 1):
            space -= 1
        ends.append(at + len(CUT_MARKER))
        starts.append(max(space - TRUNCATED_MAX, 0))
        at = text.find(CUT_MARKER, at + 1)
    # The earliest start of a match that ends at marker i or at any later one.
    for i in range(len(starts) - 2, -1, -1):
        starts[i] = min(starts[i], starts[i + 1])
    position = marker = 0
    while True:
        while marker < len(ends) and ends[marker] <= position:
            marker += 1
        if marker == len(ends):
            return
        match = TRUNCATED_RE.search(text, max(position, starts[marker]))
        if match is None:
            return
        yield match
        position = match.end()


@functools.cache
def _openings() -> tuple[tuple[Entry, tuple[str, ...]], ...]:
    # Each entry's patterns and compacted messages, worked out once rather than per cut message.
    return tuple((e, (*e.patterns, *(compact(m) for m in e.messages))) for e in catalog().entries())
