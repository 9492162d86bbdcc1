"""Encryption at rest: sealing, binding to the owner, key rotation, fingerprints."""

import pytest
from cryptography.fernet import Fernet

from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.crypto import fingerprint

TOKEN = "Atzr|IwEBIA-secret-refresh-token"


def test_sealed_token_opens_only_for_its_owner():
    vault = TokenVault([Fernet.generate_key().decode()])
    sealed = vault.seal("A1SELLER", "NA", TOKEN)
    assert TOKEN.encode() not in sealed and b"A1SELLER" not in sealed
    assert vault.open(sealed, "A1SELLER", "NA") == TOKEN
    with pytest.raises(VaultError, match="^the stored token belongs to another authorization$"):
        vault.open(sealed, "A2OTHER", "NA")  # a row swapped onto another partner
    with pytest.raises(VaultError):
        vault.open(sealed, "A1SELLER", "EU")


def test_old_keys_decrypt_and_rotation_moves_to_the_newest():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_old = TokenVault([old]).seal("A1", "EU", TOKEN)
    both = TokenVault([new, old])
    assert both.open(sealed_old, "A1", "EU") == TOKEN
    rotated = both.rotate(sealed_old)
    assert TokenVault([new]).open(rotated, "A1", "EU") == TOKEN
    with pytest.raises(VaultError, match="^the stored token cannot be decrypted with the configured keys$"):
        TokenVault([new]).open(sealed_old, "A1", "EU")
    with pytest.raises(VaultError, match="^the stored token cannot be decrypted with the configured keys$"):
        TokenVault([new]).rotate(sealed_old)


def test_wrong_key_is_a_clear_error_without_ciphertext():
    sealed = TokenVault([Fernet.generate_key().decode()]).seal("A1", "NA", TOKEN)
    with pytest.raises(VaultError) as error:
        TokenVault([Fernet.generate_key().decode()]).open(sealed, "A1", "NA")
    assert sealed.decode()[:20] not in str(error.value)
    with pytest.raises(VaultError):
        TokenVault([Fernet.generate_key().decode()]).rotate(b"garbage")


def test_fingerprint_is_short_stable_and_not_the_secret():
    assert fingerprint(TOKEN) == fingerprint(TOKEN)
    assert fingerprint(TOKEN) != fingerprint(TOKEN + "x")
    assert fingerprint(TOKEN).startswith("sha256:") and len(fingerprint(TOKEN)) == 19
    assert "Atzr" not in fingerprint(TOKEN)
