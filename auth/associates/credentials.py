"""Stored Associates credentials: checked field by field, sealed with the vault's keys, listed
by fingerprint only."""

import json
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.associates.regions import MARKETPLACES
from auth.associates.regions import VERSIONS
from auth.associates.regions import marketplace
from auth.associates.tables import AssociatesCredential
from auth.errors import InvalidInput
from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.crypto import fingerprint
from auth.vault.models import utcnow

APIS = ("creators", "paapi5")
MAX_LABEL = 100
# Printable ASCII without spaces: what Amazon issues; anything else is a paste accident.
TOKEN_CHARS_RE = re.compile(r"^[\x21-\x7e]{8,256}$")
TAG_CHARS_RE = re.compile(r"^[A-Za-z0-9._-]{1,80}$")


class CredentialError(InvalidInput):
    """A field cannot be stored; ``field`` names it (as the CLI and the form call it)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Secrets:
    """A credential's opened parts: the identifier and the secret."""

    key_id: str  # Credential ID (Creators) or access key (PA-API 5)
    secret: str


def _owner(row_id: int) -> str:
    # The vault binds each ciphertext to its row, so a sealed blob copied onto another
    # credential's row fails to open instead of lending that credential's secret.
    return f"associates:{row_id}"


def add_credential(
    db: Session,
    vault: TokenVault,
    *,
    label: str,
    api: str,
    key_id: str,
    secret: str,
    partner_tag: str,
    marketplace_code: str,
    version: str | None = None,
) -> AssociatesCredential:
    """Check every field, seal the secret and store the credential.

    :raises CredentialError: naming the first malformed field.
    """
    label = (label or "").strip()
    if not label or len(label) > MAX_LABEL:
        raise CredentialError("label", f"must be 1 to {MAX_LABEL} characters")
    if api not in APIS:
        raise CredentialError("api", f"must be one of {', '.join(APIS)}")
    id_field, secret_field = (
        ("credential-id", "credential-secret") if api == "creators" else ("access-key", "secret-key")
    )
    key_id, secret = (key_id or "").strip(), (secret or "").strip()
    if not TOKEN_CHARS_RE.fullmatch(key_id):
        raise CredentialError(id_field, "must be 8 to 256 printable characters without spaces")
    if not TOKEN_CHARS_RE.fullmatch(secret):
        raise CredentialError(secret_field, "must be 8 to 256 printable characters without spaces")
    store = marketplace(marketplace_code)
    if store is None:
        raise CredentialError("marketplace", f"must be one of {', '.join(MARKETPLACES)}")
    partner_tag = (partner_tag or "").strip()
    if not TAG_CHARS_RE.fullmatch(partner_tag):
        raise CredentialError("partner-tag", "must be 1 to 80 letters, digits, dots, dashes (like mysite-20)")
    if api == "creators":
        version = (version or "").strip()
        if version not in VERSIONS:
            raise CredentialError(
                "version", f"must be one of {', '.join(VERSIONS)} (Associates Central shows it)"
            )
    elif version:
        raise CredentialError("version", "only Creators API credentials have a version")
    row = AssociatesCredential(
        label=label,
        api=api,
        version=version or None,
        partner_tag=partner_tag,
        marketplace=store.code,
        sealed=b"",
        id_fingerprint=fingerprint(key_id),
        secret_fingerprint=fingerprint(secret),
        created_at=utcnow(),
    )
    db.add(row)
    db.flush()  # the row's ID is part of what is sealed
    row.sealed = vault.seal(_owner(row.id), api, json.dumps({"id": key_id, "secret": secret}))
    db.commit()  # commit point: the secret is sealed and kept, never asked for twice
    return row


def open_secrets(vault: TokenVault, row: AssociatesCredential) -> Secrets:
    """Decrypt a stored credential.

    :raises VaultError: the keys cannot open it, or it was sealed for another row.
    """
    payload = json.loads(vault.open(row.sealed, _owner(row.id), row.api))
    return Secrets(payload["id"], payload["secret"])


def list_credentials(db: Session) -> list[AssociatesCredential]:
    """Every stored credential, oldest first."""
    return list(db.scalars(select(AssociatesCredential).order_by(AssociatesCredential.id)))


def get_credential(db: Session, credential_id: int) -> AssociatesCredential | None:
    """One stored credential, or None."""
    return db.get(AssociatesCredential, credential_id)


def delete_credential(db: Session, credential_id: int) -> bool:
    """Delete a credential (its cached token goes with it); False when unknown."""
    row = db.get(AssociatesCredential, credential_id)
    if row is None:
        return False
    db.delete(row)
    db.commit()  # commit point: a deleted credential is gone for every worker
    return True


def describe(row: AssociatesCredential) -> dict:
    """A credential as pages and ``--json`` show it: fingerprints, never the secret."""
    return {
        "id": row.id,
        "label": row.label,
        "api": row.api,
        "version": row.version,
        "partner_tag": row.partner_tag,
        "marketplace": row.marketplace,
        "credential_fingerprint": row.id_fingerprint,
        "secret_fingerprint": row.secret_fingerprint,
        "created_at": row.created_at.isoformat(),
        "last_checked_at": row.last_checked_at.isoformat() if row.last_checked_at else None,
        "last_result": row.last_result,
    }


def rotate_credentials(db: Session, vault: TokenVault) -> tuple[int, list[int]]:
    """Re-encrypt every stored credential under the newest key (for ``rotate-keys``); cached
    tokens are dropped instead, as they live an hour. Return the count and unreadable IDs."""
    rotated, unreadable = 0, []
    for row in list_credentials(db):
        try:
            row.sealed = vault.rotate(row.sealed)
            rotated += 1
        except VaultError:
            unreadable.append(row.id)
        row.token_sealed, row.token_expires_at = None, None
    db.commit()  # commit point: rotate-keys, in a session of its own
    return rotated, unreadable
