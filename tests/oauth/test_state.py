"""State generation and atomic, single-use consumption."""

from datetime import timedelta

import pytest

from auth.oauth import state as state_module
from auth.oauth.state import FlowContext
from auth.oauth.state import StateError
from auth.oauth.state import consume_state
from auth.oauth.state import digest
from auth.oauth.state import issue_state
from auth.oauth.tables import OAuthState
from auth.vault.db import make_engine
from auth.vault.db import make_sessions
from auth.vault.models import utcnow
from auth.vault.schema import upgrade

ON_BOTH_DATABASES = True

CONTEXT = FlowContext("website", "seller", "NA", "ATVPDKIKX0DER")


@pytest.fixture
def db(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_sessions(engine)
    with sessions() as session:
        yield session
    engine.dispose()


@pytest.fixture
def engine(db):
    return db.get_bind()


def test_states_are_unique_long_and_stored_only_hashed(db, engine):
    issued = [issue_state(engine, "browser", CONTEXT) for _ in range(1000)]
    assert len(set(issued)) == 1000
    assert all(len(s) >= 43 and state_module.STATE_RE.fullmatch(s) for s in issued)
    stored = {row.state_hash for row in db.query(OAuthState)}
    assert stored == {digest(s) for s in issued}
    assert not stored & set(issued)


def test_consumed_once_with_its_context(db, engine):
    state = issue_state(engine, "browser", CONTEXT)
    assert consume_state(db, state, "browser") == CONTEXT
    with pytest.raises(StateError) as error:
        consume_state(db, state, "browser")
    assert error.value.reason == "reused"


@pytest.mark.parametrize(
    ("state", "browser", "reason"),
    [
        (None, "browser", "missing"),
        ("", "browser", "missing"),
        ("short", "browser", "malformed"),
        ("a" * 43, "browser", "unknown"),
        ("VALID", "other-browser", "foreign"),
        ("VALID", None, "foreign"),
    ],
)
def test_refusals_name_their_reason(db, engine, state, browser, reason):
    issued = issue_state(engine, "browser", CONTEXT)
    with pytest.raises(StateError) as error:
        consume_state(db, issued if state == "VALID" else state, browser)
    assert error.value.reason == reason


def test_expired_after_ten_minutes(db, engine):
    start = utcnow()
    state = issue_state(engine, "browser", CONTEXT, now=start)
    with pytest.raises(StateError) as error:
        consume_state(db, state, "browser", now=start + timedelta(minutes=10, seconds=1))
    assert error.value.reason == "expired"
    assert (
        consume_state(
            db,
            issue_state(engine, "b", CONTEXT, now=start),
            "b",
            now=start + timedelta(minutes=9, seconds=59),
        )
        == CONTEXT
    )


def test_a_state_and_a_browser_id_are_43_url_safe_characters(engine):
    assert len(issue_state(engine, "browser", CONTEXT)) == 43
    assert len(state_module.new_browser_id()) == 43


def test_without_a_limit_an_address_may_start_any_number(engine):
    for _ in range(40):
        issue_state(engine, "browser", CONTEXT, address="192.0.2.1")


def test_the_limit_counts_one_minute_only(engine):
    start = utcnow()
    issue_state(engine, "b", CONTEXT, now=start - timedelta(seconds=61), address="a")
    issue_state(
        engine, "b", CONTEXT, now=start, address="a", per_minute=1
    )  # the older one is out of the window
    with pytest.raises(state_module.TooManyStates):
        issue_state(engine, "b", CONTEXT, now=start + timedelta(seconds=1), address="a", per_minute=1)
    issue_state(engine, "b", CONTEXT, now=start + timedelta(seconds=1), address="other", per_minute=1)
