"""Checks of single settings, at their boundaries and with their exact words."""

import base64

import pytest
from cryptography.fernet import Fernet

from auth.config.checks import ConfigError
from auth.config.checks import check_application_id
from auth.config.checks import check_client_id
from auth.config.checks import check_count
from auth.config.checks import check_encryption_keys
from auth.config.checks import check_flag
from auth.config.checks import check_proxy_hops
from auth.config.checks import check_secret_key
from auth.config.checks import check_url

RANDOM_32 = "0123456789abcdef0123456789ABCDEF"


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "TRUE", " Yes ", "On"])
def test_flags_that_mean_on(value):
    assert check_flag("X", value, False) is True


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "FALSE", " No ", "OFF"])
def test_flags_that_mean_off(value):
    assert check_flag("X", value, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_an_empty_flag_is_the_default(default):
    assert check_flag("X", "", default) is default and check_flag("X", None, default) is default


def test_a_bad_flag_is_named_with_what_was_given():
    with pytest.raises(ConfigError) as error:
        check_flag("SPAPI_X", "maybe-" + "x" * 40, False)
    assert str(error.value) == "SPAPI_X: must be 1 or 0, got 'maybe-xxxxxxxxxxxxxx'"


def test_secret_key_length_boundary_and_words():
    assert check_secret_key(RANDOM_32) == RANDOM_32
    with pytest.raises(ConfigError) as short:
        check_secret_key(RANDOM_32[:31])
    assert str(short.value) == "SECRET_KEY: must be at least 32 characters of random data"
    with pytest.raises(ConfigError) as weak:
        check_secret_key("ab" * 20)  # exactly 1 bit a character
    assert str(weak.value) == (
        "SECRET_KEY: does not look random; generate one with "
        "python -c 'import secrets; print(secrets.token_hex(32))'"
    )


def test_secret_key_entropy_boundary():
    eight_letters = "abcdefgh" * 4  # exactly 3.0 bits a character: accepted
    assert check_secret_key(eight_letters) == eight_letters
    with pytest.raises(ConfigError):
        check_secret_key("abcdefg" * 5)  # under 3 bits


@pytest.mark.parametrize(("value", "hops"), [(None, 0), ("", 0), ("0", 0), ("1", 1), ("5", 5), (" 2 ", 2)])
def test_proxy_hops(value, hops):
    assert check_proxy_hops(value) == hops


@pytest.mark.parametrize("value", ["6", "-1", "abc", "1.5"])
def test_bad_proxy_hops_are_named(value):
    with pytest.raises(ConfigError) as error:
        check_proxy_hops(value)
    assert str(error.value) == f"TRUST_PROXY_HOPS: must be a number of proxies from 0 to 5, got {value!r}"


def test_a_long_bad_value_is_cut_to_twenty_characters():
    with pytest.raises(ConfigError) as hops:
        check_proxy_hops("x" * 30)
    assert str(hops.value).endswith(f"got {'x' * 20!r}")
    with pytest.raises(ConfigError) as count:
        check_count("N", "y" * 30, 1)
    assert str(count.value) == f"N: must be a whole number, got {'y' * 20!r}"


def test_counts_have_at_most_nine_digits():
    assert check_count("N", "999999999", 1) == 999_999_999
    assert check_count("N", "", 7) == 7 and check_count("N", None, 7) == 7
    with pytest.raises(ConfigError):
        check_count("N", "1000000000", 1)


APP_ID = "amzn1.sp.solution.0bf296b5-36a6-4942-a13e-0123456789ab"
CLIENT_ID = "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ftp://x.example", "U: must be an absolute http(s) URL, got 'ftp://x.example'"),
        ("https://", "U: must be an absolute http(s) URL, got 'https://'"),
        ("http://x.example", "U: must use https:// (plain http is allowed only on loopback hosts)"),
        ("https://x.example/#f", "U: must not contain a fragment (#); Amazon rejects it (MD5110)"),
        ("https://x.example/#", "U: must not contain a fragment (#); Amazon rejects it (MD5110)"),
        ("https://x.example/?a=1", "U: must not contain a query string"),
        ("https://u@x.example", "U: must not contain a user name or password"),
        ("https://:p@x.example", "U: must not contain a user name or password"),
        ("https://x.example:99999", "U: has an invalid port: 'https://x.example:99999'"),
        ("https://[::1", "U: is not a valid URL: 'https://[::1'"),
    ],
)
def test_url_refusals_say_exactly_why(value, message):
    with pytest.raises(ConfigError) as error:
        check_url("U", value)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://x.example/", "https://x.example"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://localhost/app/", "http://localhost/app"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_good_urls_are_kept_without_a_trailing_slash(value, kept):
    assert check_url("U", value) == kept


def test_identifier_mix_ups_are_named_exactly():
    assert check_application_id(APP_ID) == APP_ID and check_client_id(CLIENT_ID) == CLIENT_ID
    with pytest.raises(ConfigError) as swapped_app:
        check_application_id(CLIENT_ID)
    assert str(swapped_app.value) == (
        "SPAPI_APPLICATION_ID: holds an LWA client ID (amzn1.application-oa2-client...); the application ID "
        "looks like amzn1.sp.solution... or amzn1.sellerapps.app... (Amazon shows MD1000)"
    )
    with pytest.raises(ConfigError) as bad_app:
        check_application_id("my-app")
    assert str(bad_app.value) == (
        "SPAPI_APPLICATION_ID: must look like amzn1.sp.solution.<id> or amzn1.sellerapps.app.<id>"
    )
    with pytest.raises(ConfigError) as swapped_client:
        check_client_id(APP_ID)
    assert str(swapped_client.value) == (
        "LWA_CLIENT_ID: holds the SP-API application ID; the LWA client ID looks like "
        "amzn1.application-oa2-client.<id> (LWA answers invalid_client)"
    )
    with pytest.raises(ConfigError) as bad_client:
        check_client_id("client")
    assert str(bad_client.value) == "LWA_CLIENT_ID: must look like amzn1.application-oa2-client.<id>"


def test_encryption_keys_are_checked_one_by_one():
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    assert check_encryption_keys(f" {new} , {old} ,") == (new, old)
    with pytest.raises(ConfigError) as empty:
        check_encryption_keys(" , ")
    assert str(empty.value) == "TOKEN_ENCRYPTION_KEYS: needs at least one Fernet key"
    with pytest.raises(ConfigError) as malformed:
        check_encryption_keys(f"{new},not-a-key")
    assert str(malformed.value) == (
        "TOKEN_ENCRYPTION_KEYS: key number 2 is not a Fernet key (32 url-safe base64-encoded bytes)"
    )
    with pytest.raises(ConfigError) as weak:
        check_encryption_keys("A" * 43 + "=")
    assert str(weak.value) == (
        "TOKEN_ENCRYPTION_KEYS: key number 1 is not random (generate one with Fernet.generate_key())"
    )
    sixteen_distinct = bytes(range(16)) * 2
    assert check_encryption_keys(base64.urlsafe_b64encode(sixteen_distinct).decode())
    with pytest.raises(ConfigError):
        check_encryption_keys(base64.urlsafe_b64encode(bytes(range(15)) * 2 + b"\x00\x00").decode())
