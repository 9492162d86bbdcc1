"""Re-encrypting every stored refresh token under the newest key."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.models import Authorization
from auth.vault.models import PendingAuthorization
from auth.vault.models import PreviousAuthorization

BATCH = 200


@dataclass(frozen=True)
class RotationReport:
    """How many rows were re-encrypted, and which could not be read."""

    rotated: int
    unreadable: list[tuple[str, str]]


def rotate_all(db: Session, vault: TokenVault) -> RotationReport:
    """Re-encrypt every stored token (active, pending, previous) under the vault's first key.

    Pending and previous tokens are rotated too: an old key that is retired must not leave a
    restorable version unreadable.
    """
    rotated, unreadable = 0, []
    for model in (Authorization, PendingAuthorization, PreviousAuthorization):
        count, failed = _rotate_table(db, vault, model)
        rotated += count
        unreadable += failed if model is Authorization else []
    return RotationReport(rotated, unreadable)


def _rotate_table(db: Session, vault: TokenVault, model) -> tuple[int, list[tuple[str, str]]]:
    rotated, unreadable, last_id = 0, [], 0
    while True:
        rows = db.scalars(select(model).where(model.id > last_id).order_by(model.id).limit(BATCH)).all()
        if not rows:
            return rotated, unreadable
        for row in rows:
            last_id = row.id
            try:
                row.refresh_token_encrypted = vault.rotate(row.refresh_token_encrypted)
                rotated += 1
            except VaultError:
                # Logged by id only: never the ciphertext. The row needs re-authorization.
                unreadable.append((row.selling_partner_id, row.region))
        db.commit()  # commit point: each re-sealed batch holds if a later batch fails
