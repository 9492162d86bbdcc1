"""Rehearsals: real flows that end in each failure the simulator models, one click each.

A rehearsal rides along the flow as ``rehearse=<name>``: the simulated consent page evaluates
the request as the failure needs (a version mismatch, an unregistered redirect URI, …), and
codes issued during it carry the failure to the token endpoint (expired, already used,
client refused, LWA down). Nothing about the app changes: the same state, callback and
failure pages a real partner would meet.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

UNREGISTERED_REDIRECT_URI = "https://unregistered.example/oauth/redirect"


@dataclass(frozen=True)
class Rehearsal:
    """One failure to rehearse: what the developer clicks, and where it ends."""

    name: str
    title: str
    happens: str
    ends_with: str  # the outcome key of our own failure page


REHEARSALS_FILE = Path(__file__).parent / "data" / "rehearsals.toml"
REHEARSALS = tuple(
    Rehearsal(**row) for row in tomllib.loads(REHEARSALS_FILE.read_text(encoding="utf-8"))["rehearsal"]
)
BY_NAME = {r.name: r for r in REHEARSALS}
# Failures that happen at the token endpoint: the issued code carries them there.
AT_TOKEN_ENDPOINT = frozenset({"expired-code", "replayed-code", "invalid-client", "lwa-down"})


def rehearsal(name: str | None) -> Rehearsal | None:
    """The rehearsal called ``name``, or None for an ordinary flow."""
    return BY_NAME.get(name or "")


def rehearsed_request(
    name: str | None,
    application_id: str | None,
    version: str | None,
    redirect_uri: str | None,
    *,
    client_id: str,
    registered: tuple[str, ...],
) -> tuple[str | None, str | None, str | None]:
    """The consent request as the rehearsal makes it fail: (application_id, version, redirect_uri)."""
    if name == "md1000-version":
        version = None if version == "beta" else "beta"
    elif name == "md1000-client-id":
        application_id = client_id
    elif name == "md5101":
        redirect_uri = UNREGISTERED_REDIRECT_URI
    elif name == "md5110":
        redirect_uri = (registered[0] if registered else UNREGISTERED_REDIRECT_URI) + "#rehearsal"
    return application_id, version, redirect_uri
