"""The error catalog: every explained error, read once from ``data/catalog/*.toml``.

Each file holds one system (consent pages, LWA, SP-API, ...). Entries are checked against a
schema when loaded, so a malformed entry stops the app at start-up, not a user's request.
"""

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from auth.errors import InvalidInput

CATALOG_DIR = Path(__file__).parent / "data" / "catalog"
CONFIDENCE = ("official", "community", "unconfirmed")
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
REQUIRED = {
    "id": str,
    "code": str,
    "title": str,
    "where": str,
    "meaning": str,
    "causes": list,
    "fix": list,
    "sources": list,
    "confidence": str,
}
OPTIONAL = {
    "aliases": list,
    "patterns": list,
    "messages": list,
    "http_status": int,
    "notes": str,
    "generic": bool,
}
FILE_KEYS = {"system", "system_name", "system_description", "entry"}


class CatalogError(InvalidInput):
    """A catalog file breaks the schema; the message names the file and the entry."""


@dataclass(frozen=True)
class Entry:
    """One explained error."""

    id: str
    code: str
    system: str
    title: str
    where: str
    meaning: str
    causes: tuple[str, ...]
    fix: tuple[str, ...]
    sources: tuple[str, ...]
    confidence: str
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    # Amazon's own texts for the entry, matched tolerantly (rewording, typos) by ``phrasing``.
    messages: tuple[str, ...] = ()
    http_status: int | None = None
    notes: str = ""
    # A catch-all code (InvalidInput, Unauthorized, AccessDenied): an explicit mention of it
    # ranks below a message that names the specific cause.
    generic: bool = False

    @property
    def weakly_sourced(self) -> bool:
        """True when no official source confirms the entry."""
        return self.confidence != "official"


@dataclass(frozen=True)
class System:
    """A family of errors (one catalog file)."""

    key: str
    name: str
    description: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Catalog:
    """All systems and entries, indexed for look-ups."""

    systems: tuple[System, ...]
    by_id: dict[str, Entry]
    by_code: dict[str, tuple[Entry, ...]]
    patterns: tuple[tuple[str, Entry], ...]

    def get(self, key: str) -> Entry | None:
        """Return the entry with this id (exact, then case-insensitive)."""
        return self.by_id.get(key) or self.by_id.get(key.lower())

    def for_code(self, code: str) -> tuple[Entry, ...]:
        """Return every entry whose code or alias is ``code`` (case-insensitive)."""
        # Every code-like token of a paste is looked up; the short ones recur across pastes.
        key = _code_key(code) if len(code) <= CODE_KEY_CACHE_LENGTH else normalize(code)
        return self.by_code.get(key, ())

    def entries(self) -> tuple[Entry, ...]:
        """Return every entry in catalog order."""
        return tuple(e for s in self.systems for e in s.entries)


def compact(text: str) -> str:
    """``normalize`` without any white space: "sts: AssumeRole" and "sts:assumerole" agree."""
    return "".join(normalize(text).split())


def pattern_score(pattern: str, compact_text: str) -> float:
    """Score a catalog pattern against compacted text: 0 when absent, else 10 plus a little
    for length, so that the longer (more specific) of two matching patterns wins.

    ``*`` in a pattern stands for any run of characters (an account number, an order ID).
    """
    if "*" not in pattern:
        # Most patterns are plain phrases, scanned for on every paste: one substring test.
        return pattern_weight(pattern) if pattern in compact_text else 0.0
    position = 0
    for part in pattern.split("*"):
        found = compact_text.find(part, position)
        if found < 0:
            return 0.0
        position = found + len(part)
    return pattern_weight(pattern)


def pattern_weight(pattern: str) -> float:
    """What a matching pattern scores: 10, plus a little for length (the more specific wins)."""
    return 10 + min(len(pattern), 200) / 1000


CODE_KEY_CACHE_LENGTH = 100


@functools.lru_cache(maxsize=8192)
def _code_key(code: str) -> str:
    return normalize(code)


def normalize(text: str) -> str:
    """Lower-case, unify quotes and collapse white space, for tolerant matching."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.lower().split())


def _entry(raw: dict, system: str, where: str) -> Entry:
    unknown = set(raw) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        raise CatalogError(f"{where}: unknown keys {sorted(unknown)}")
    for key, kind in REQUIRED.items():
        if not isinstance(raw.get(key), kind) or not raw[key]:
            raise CatalogError(f"{where}: {key} must be a non-empty {kind.__name__}")
    for key, kind in OPTIONAL.items():
        if key in raw and not isinstance(raw[key], kind):
            raise CatalogError(f"{where}: {key} must be a {kind.__name__}")
    for key in ("causes", "fix", "sources", "aliases", "patterns", "messages"):
        if not all(isinstance(item, str) and item.strip() for item in raw.get(key, [])):
            raise CatalogError(f"{where}: {key} must hold non-empty strings")
    if not ID_RE.fullmatch(raw["id"]):
        raise CatalogError(f"{where}: id {raw['id']!r} is not URL-safe")
    if raw["confidence"] not in CONFIDENCE:
        raise CatalogError(f"{where}: confidence must be one of {CONFIDENCE}")
    return Entry(
        id=raw["id"],
        code=raw["code"],
        system=system,
        title=raw["title"],
        where=raw["where"],
        meaning=raw["meaning"],
        causes=tuple(raw["causes"]),
        fix=tuple(raw["fix"]),
        sources=tuple(raw["sources"]),
        confidence=raw["confidence"],
        aliases=tuple(raw.get("aliases", ())),
        patterns=tuple(compact(p) for p in raw.get("patterns", ())),
        messages=tuple(raw.get("messages", ())),
        http_status=raw.get("http_status"),
        notes=raw.get("notes", ""),
        generic=raw.get("generic", False),
    )


def build(files: dict[str, dict]) -> Catalog:
    """Check parsed catalog files and index them.

    :raises CatalogError: on the first schema violation or duplicate id.
    """
    systems, by_id, by_code, patterns = [], {}, {}, []
    for name, raw in files.items():
        if set(raw) - FILE_KEYS or not {"system", "system_name", "entry"} <= set(raw):
            raise CatalogError(f"{name}: needs system, system_name and [[entry]] tables only")
        entries = tuple(
            _entry(item, raw["system"], f"{name} entry {i}") for i, item in enumerate(raw["entry"], 1)
        )
        for entry in entries:
            if entry.id.lower() in by_id:
                raise CatalogError(f"{name}: id {entry.id} is used twice")
            by_id[entry.id] = by_id[entry.id.lower()] = entry
            for code in {normalize(entry.code), *(normalize(a) for a in entry.aliases)}:
                by_code.setdefault(code, ())
                by_code[code] += (entry,)
            patterns.extend((p, entry) for p in entry.patterns)
        systems.append(System(raw["system"], raw["system_name"], raw.get("system_description", ""), entries))
    return Catalog(tuple(systems), by_id, by_code, tuple(patterns))


@functools.cache
def catalog() -> Catalog:
    """Load the catalog once per process."""
    order = ["consent", "lwa", "spapi", "legacy", "sts", "creators", "paapi", "buywithprime", "flow"]
    paths = sorted(
        CATALOG_DIR.glob("*.toml"), key=lambda p: (order.index(p.stem) if p.stem in order else 99, p.stem)
    )
    return build({p.name: tomllib.loads(p.read_text(encoding="utf-8")) for p in paths})


@functools.cache
def weighted_patterns(specific_bonus: float) -> tuple[tuple[str, bool, float, Entry], ...]:
    """Every pattern, whether it has a ``*``, and its score when it matches (plus
    ``specific_bonus`` for an entry that is not a catch-all): worked out once, as every paste
    is scanned for all of them."""
    weighted = []
    for pattern, entry in catalog().patterns:
        score = pattern_weight(pattern) + (0 if entry.generic else specific_bonus)
        weighted.append((pattern, "*" in pattern, score, entry))
    return tuple(weighted)
