"""Encrypting refresh tokens at rest with MultiFernet, and fingerprints for display."""

import hashlib
import json

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet

from auth.errors import AppError


class VaultError(AppError):
    """A stored token cannot be read: wrong key, damaged row, or a row swapped in."""

    status = 500
    kind = "server_error"


def digest(value: str) -> str:
    """The SHA-256 hex digest kept instead of a secret value (states, codes, links, sessions)."""
    return hashlib.sha256(value.encode()).hexdigest()


def fingerprint(secret: str) -> str:
    """Return a short, stable, non-reversible label for a secret (for logs and pages)."""
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:12]


def generate_key() -> str:
    """Return a new Fernet key as text."""
    return Fernet.generate_key().decode()


class TokenVault:
    """Seal refresh tokens under the newest key; open them with any configured key."""

    def __init__(self, keys: tuple[str, ...] | list[str]):
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def seal(self, selling_partner_id: str, region: str, refresh_token: str) -> bytes:
        """Encrypt ``refresh_token`` bound to its selling partner and region."""
        # Binding the owner into the plaintext means a ciphertext copied onto another
        # partner's row fails to open instead of silently lending that partner's access.
        plaintext = json.dumps({"spid": selling_partner_id, "region": region, "rt": refresh_token})
        return self._fernet.encrypt(plaintext.encode())

    def open(self, ciphertext: bytes, selling_partner_id: str, region: str) -> str:
        """Decrypt a sealed token and check that it belongs to this partner and region.

        :raises VaultError: the keys cannot open it or it belongs to another row.
        """
        try:
            payload = json.loads(self._fernet.decrypt(ciphertext))
        except (InvalidToken, ValueError, TypeError):
            raise VaultError("the stored token cannot be decrypted with the configured keys") from None
        if payload.get("spid") != selling_partner_id or payload.get("region") != region:
            raise VaultError("the stored token belongs to another authorization")
        return payload["rt"]

    def rotate(self, ciphertext: bytes) -> bytes:
        """Re-encrypt a sealed token under the newest key.

        :raises VaultError: no configured key can open it.
        """
        try:
            return self._fernet.rotate(ciphertext)
        except InvalidToken:
            raise VaultError("the stored token cannot be decrypted with the configured keys") from None
