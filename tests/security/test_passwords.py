"""Administrator password hashes: compatible with Werkzeug's format, weak parameters refused."""

import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from auth.config.settings import ConfigError
from auth.security.passwords import WeakHash
from auth.security.passwords import check_hash_strength
from auth.security.passwords import hash_password
from auth.security.passwords import verify_password
from tests.conftest import base_config


def test_our_hash_verifies_and_rejects_other_passwords():
    line = hash_password("correct horse battery")
    assert verify_password(line, "correct horse battery")
    assert not verify_password(line, "correct horse batterY")
    assert line.startswith("scrypt:32768:8:1$")


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2", "pbkdf2:sha256:600000"])
def test_hashes_written_by_werkzeug_still_work(method):
    line = generate_password_hash("an older password", method=method)
    assert verify_password(line, "an older password")
    assert not verify_password(line, "another password")


@pytest.mark.parametrize(
    "weak",
    [
        "pbkdf2:sha1:1$abcdefgh$00",
        "pbkdf2:sha256:1000$abcdefgh$00",
        "pbkdf2:md5:900000$abcdefgh$00",
        "scrypt:1024:8:1$abcdefgh$00",
        "scrypt:16384:1:1$abcdefgh$00",
        "scrypt:30000:8:1$abcdefgh$00",
        "scrypt:32768:8:1$short$00",
        "scrypt:32768:8:1$abcdefgh$",
        "scrypt:x:8:1$abcdefgh$00",
        "plain-password",
    ],
)
def test_weak_or_malformed_hashes_are_refused(weak):
    with pytest.raises(WeakHash):
        check_hash_strength(weak)
    assert not verify_password(weak, "anything")


def test_the_app_refuses_to_start_with_a_weak_hash(tmp_path):
    weak = generate_password_hash("a password", method="pbkdf2:sha1:1")
    with pytest.raises(ConfigError, match="ADMIN_PASSWORD_HASH"):
        create_app(base_config(tmp_path, ADMIN_PASSWORD_HASH=weak))
