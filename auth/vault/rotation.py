"""Re-encrypting every stored refresh token under the newest key."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.models import Authorization

BATCH = 200


@dataclass(frozen=True)
class RotationReport:
    """How many rows were re-encrypted, and which could not be read."""

    rotated: int
    unreadable: list[tuple[str, str]]


def rotate_all(db: Session, vault: TokenVault) -> RotationReport:
    """Re-encrypt every authorization's token under the vault's first key, in batches."""
    rotated, unreadable, last_id = 0, [], 0
    while True:
        rows = db.scalars(
            select(Authorization).where(Authorization.id > last_id).order_by(Authorization.id).limit(BATCH)
        ).all()
        if not rows:
            return RotationReport(rotated, unreadable)
        for row in rows:
            last_id = row.id
            try:
                row.refresh_token_encrypted = vault.rotate(row.refresh_token_encrypted)
                rotated += 1
            except VaultError:
                # Logged by id only: never the ciphertext. The row needs re-authorization.
                unreadable.append((row.selling_partner_id, row.region))
        db.commit()
