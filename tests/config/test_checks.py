"""Checks of single settings, at their boundaries and with their exact words."""

import pytest

from auth.config.checks import ConfigError
from auth.config.checks import check_count
from auth.config.checks import check_flag
from auth.config.checks import check_proxy_hops
from auth.config.checks import check_secret_key

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
