"""The console playground's workspace: the access token, RDT and last results of one
administrator session, sealed under the vault's keys in the database so that every worker
serves the same steps and nothing secret reaches the browser."""

import json
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.crypto import digest
from auth.vault.models import ConsoleWorkspace
from auth.vault.models import utcnow

# The seal binds the plaintext to its owner (see TokenVault.seal): "console" plays the
# selling partner's part, the session hash the region's.
OWNER = "console"
IDLE_LIFETIME = timedelta(hours=8)


def load_workspace(db: Session, vault: TokenVault, session_secret: str) -> dict:
    """The session's workspace (empty when none, expired, or sealed under lost keys)."""
    key = digest(session_secret)
    row = db.get(ConsoleWorkspace, key)
    if row is None or row.updated_at < utcnow() - IDLE_LIFETIME:
        return {}
    try:
        return json.loads(vault.open(row.sealed, OWNER, key))
    except (VaultError, ValueError):
        return {}


def save_workspace(db: Session, vault: TokenVault, session_secret: str, workspace: dict) -> None:
    """Seal and store the session's workspace; idle ones of every session are dropped."""
    key = digest(session_secret)
    db.execute(delete(ConsoleWorkspace).where(ConsoleWorkspace.updated_at < utcnow() - IDLE_LIFETIME))
    row = db.get(ConsoleWorkspace, key)
    sealed = vault.seal(OWNER, key, json.dumps(workspace))
    if row is None:
        db.add(ConsoleWorkspace(session_hash=key, sealed=sealed, updated_at=utcnow()))
    else:
        row.sealed, row.updated_at = sealed, utcnow()
    db.commit()  # commit point: the workspace is read by the session's next request


def drop_workspace(db: Session, session_secret: str) -> None:
    """Forget the session's workspace (on log-out)."""
    db.execute(delete(ConsoleWorkspace).where(ConsoleWorkspace.session_hash == digest(session_secret)))
    db.commit()  # commit point: a logged-out workspace is gone at once
