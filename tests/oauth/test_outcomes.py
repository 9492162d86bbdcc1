"""Every way an authorization ends has its own words, and its explanation link resolves."""

import inspect
import re

import pytest

from auth.explainer.catalog import catalog
from auth.oauth import callback
from auth.oauth import state
from auth.oauth.outcomes import all_outcomes
from auth.oauth.outcomes import outcome

STATE_REASONS = ["missing", "malformed", "unknown", "foreign", "expired", "reused"]
LWA_KINDS = [
    "invalid_grant",
    "invalid_client",
    "invalid_request",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "access_denied",
    "server_error",
    "temporarily_unavailable",
    "timeout",
    "unreachable",
    "rate_limited",
    "http_error",
    "non_json",
    "bad_response",
]


def _raised_kinds(module, error_name: str) -> set[str]:
    """The string literals a module passes to one of its error types."""
    source = inspect.getsource(module)
    return set(re.findall(error_name + r'\("([a-z_]+)"', source))


def test_every_state_reason_raised_has_an_outcome():
    raised = _raised_kinds(state, "StateError") | {"unknown", "foreign", "reused", "expired"}
    assert raised == set(STATE_REASONS)
    for reason in raised:
        assert outcome("state", reason).key == f"state.{reason}"


def test_every_callback_error_raised_has_an_outcome():
    for kind in _raised_kinds(callback, "CallbackError"):
        assert outcome("callback", kind).key == f"callback.{kind}"


@pytest.mark.parametrize("kind", LWA_KINDS)
def test_every_lwa_failure_has_an_outcome(kind):
    assert outcome("lwa", kind).key == f"lwa.{kind}"


def test_unknown_lwa_codes_fall_back_to_a_generic_text():
    assert outcome("lwa", "some_new_code").key == "lwa.other"


@pytest.mark.parametrize("key", sorted(all_outcomes()))
def test_explanation_links_resolve(key):
    explain = all_outcomes()[key].explain
    if explain:
        assert catalog().get(explain) or catalog().for_code(explain), explain
