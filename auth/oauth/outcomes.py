"""Seller-facing texts for every way an authorization can end, from ``data/outcomes.toml``."""

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "outcomes.toml"


@dataclass(frozen=True)
class Outcome:
    """What to tell a person: what happened and what to do next."""

    key: str
    title: str
    message: str
    action: str
    explain: str | None = None
    entries: tuple[str, ...] = ()


@functools.cache
def _outcomes() -> dict[str, Outcome]:
    with DATA_FILE.open("rb") as handle:
        raw = tomllib.load(handle)
    return {
        f"{stage}.{kind}": Outcome(
            key=f"{stage}.{kind}", **{**entry, "entries": tuple(entry.get("entries", ()))}
        )
        for stage, kinds in raw.items()
        for kind, entry in kinds.items()
    }


def outcome(stage: str, kind: str) -> Outcome:
    """Return the outcome for ``stage.kind``; an unknown LWA error code gets ``lwa.other``."""
    table = _outcomes()
    return table.get(f"{stage}.{kind}") or table["lwa.other"]


def for_amazon_error(entry_id: str | None) -> Outcome:
    """Return what to tell a seller whom Amazon sent back with the error ``entry_id`` explains."""
    for result in _outcomes().values():
        if entry_id and entry_id in result.entries:
            return result
    return _outcomes()["amazon.unknown"]


def all_outcomes() -> dict[str, Outcome]:
    """Return every outcome, keyed ``stage.kind``."""
    return dict(_outcomes())
