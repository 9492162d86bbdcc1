"""Rehearsals: real flows that end in each failure the simulator models, one click each.

A rehearsal rides along the flow as ``rehearse=<name>``: the simulated consent page evaluates
the request as the failure needs (a version mismatch, an unregistered redirect URI, …), and
codes issued during it carry the failure to the token endpoint (expired, already used,
client refused, LWA down). The consent-page mistakes are in the consent URI itself.
Nothing else about the app changes: the same state, callback and
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
    in_uri: tuple[str, ...] = ()  # what the consent URI visibly carries
    not_in_uri: tuple[str, ...] = ()
    explains: str = ""  # the words of the failure page that name the rehearsed cause


REHEARSALS_FILE = Path(__file__).parent / "data" / "rehearsals.toml"
REHEARSALS = tuple(
    Rehearsal(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()})
    for row in tomllib.loads(REHEARSALS_FILE.read_text(encoding="utf-8"))["rehearsal"]
)
BY_NAME = {r.name: r for r in REHEARSALS}
# Failures that happen at the token endpoint: the issued code carries them there.
AT_TOKEN_ENDPOINT = frozenset({"expired-code", "replayed-code", "invalid-client", "lwa-down"})


def rehearsal(name: str | None) -> Rehearsal | None:
    """The rehearsal called ``name``, or None for an ordinary flow."""
    return BY_NAME.get(name or "")


def rehearsed_consent(
    name: str | None,
    application_id: str,
    draft: bool,
    *,
    client_id: str,
    registered: tuple[str, ...],
) -> tuple[str, bool, str | None]:
    """The consent request the app builds for a rehearsal: (application_id, draft, redirect_uri).

    The mistake is in the URL the browser really opens, as it would be in a misconfigured app,
    so what the developer sees in the address bar matches the label and the explanation.
    """
    redirect_uri = None
    if name == "md1000-version":
        draft = not draft
    elif name == "md1000-client-id":
        application_id = client_id
    elif name == "md5101":
        redirect_uri = UNREGISTERED_REDIRECT_URI
    elif name == "md5110":
        redirect_uri = (registered[0] if registered else UNREGISTERED_REDIRECT_URI) + "#rehearsal"
    return application_id, draft, redirect_uri
