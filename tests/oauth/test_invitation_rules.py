"""An invitation's rules at their edges: how long it lives, the one browser it binds to, the one
authorization that may use it, what the audit trail says, and the link it is shown as."""

import json
from datetime import timedelta

import pytest

from auth.oauth.invitations import InvitationError
from auth.oauth.invitations import claim_invitation
from auth.oauth.invitations import create_invitation
from auth.oauth.invitations import invitation_url
from auth.oauth.invitations import list_invitations
from auth.oauth.invitations import open_invitation
from auth.oauth.invitations import status_of
from auth.vault.audit import detail_of
from auth.vault.audit import events_for
from auth.vault.models import Invitation
from auth.vault.models import utcnow

BROWSER, OTHER_BROWSER = "browser-cookie-0123456789abcdef", "another-browser-cookie-0123456789"


@pytest.fixture
def db(app):
    with app.extensions["spapi"].sessions() as session:
        yield session


def refused(db, token, browser=BROWSER, now=None) -> str:
    with pytest.raises(InvitationError) as caught:
        open_invitation(db, token, browser, now=now)
    return caught.value.kind


def test_an_invitation_lives_its_days_and_is_audited(db):
    now = utcnow()
    made = create_invitation(
        db, label="Acme", marketplace_id="A1PM0000000000", expected_partner_id="A1ACME", days=3, now=now
    )
    invitation = made.invitation
    assert invitation.expires_at - invitation.created_at == timedelta(days=3) and invitation.created_at == now
    assert (invitation.label, invitation.marketplace_id, invitation.account_type) == (
        "Acme",
        "A1PM0000000000",
        "seller",
    )
    assert invitation.expected_partner_id == "A1ACME" and invitation.token_hash != made.token
    assert made.token not in json.dumps([invitation.token_hash, invitation.label])
    [event] = [e for e in events_for(db, "A1ACME") if e.action == "invitation_created"]
    assert event.actor == "admin" and event.at == now
    assert detail_of(event) == {"invitation": invitation.id, "customer": "Acme", "days": 3}


def test_a_lifetime_overrides_days_and_is_audited_in_days(db):
    made = create_invitation(db, label="Short", lifetime=timedelta(hours=6), actor="connect:api")
    assert made.invitation.expires_at - made.invitation.created_at == timedelta(hours=6)
    [event] = [e for e in events_for(db) if e.action == "invitation_created"]
    assert event.actor == "connect:api" and detail_of(event)["days"] == 0.25


def test_without_commit_the_caller_decides(db):
    create_invitation(db, label="Left to the caller", commit=False)
    db.rollback()
    assert list_invitations(db) == []
    create_invitation(db, label="Default seven days")
    db.rollback()
    [kept] = list_invitations(db)
    assert kept.expires_at - kept.created_at == timedelta(days=7) and kept.account_type == "seller"


def test_the_first_browser_binds_the_link_and_no_other_may_use_it(db):
    made = create_invitation(db, label="Acme")
    assert status_of(made.invitation) == "created"
    opened = open_invitation(db, made.token, BROWSER)
    assert opened.id == made.invitation.id and opened.opened_at is not None
    assert status_of(opened) == "opened"
    assert open_invitation(db, made.token, BROWSER).id == made.invitation.id  # the same browser again
    assert refused(db, made.token, OTHER_BROWSER) == "other_browser"
    row = db.get(Invitation, made.invitation.id)
    assert row.browser_hash is not None and BROWSER not in row.browser_hash


@pytest.mark.parametrize("token", ["", None, "x" * 129, "an-unknown-token-0123456789"])
def test_an_unknown_or_absurd_token_is_unknown(db, token):
    create_invitation(db, label="Acme")
    assert refused(db, token) == "unknown"


def test_a_long_but_real_token_is_looked_up(db):
    made = create_invitation(db, label="Acme")
    assert len(made.token) <= 128 and open_invitation(db, made.token, BROWSER).label == "Acme"


def test_an_invitation_expires_at_its_expiry_time(db):
    made = create_invitation(db, label="Acme", days=1)
    expires = made.invitation.expires_at
    assert open_invitation(db, made.token, BROWSER, now=expires - timedelta(seconds=1)).label == "Acme"
    assert refused(db, made.token, now=expires) == "expired"
    assert status_of(made.invitation, now=expires - timedelta(seconds=1)) == "opened"
    assert status_of(made.invitation, now=expires) == "expired"


def test_one_authorization_uses_it_and_then_it_is_used(db):
    made = create_invitation(db, label="Acme")
    open_invitation(db, made.token, BROWSER)
    assert claim_invitation(db, made.invitation.id, "A1FIRST") is True
    assert claim_invitation(db, made.invitation.id, "A2SECOND") is False
    row = db.get(Invitation, made.invitation.id)
    db.refresh(row)
    assert row.selling_partner_id == "A1FIRST" and row.completed_at is not None
    assert status_of(row) == "completed"
    assert status_of(row, now=row.expires_at + timedelta(days=1)) == "completed"  # used beats expired
    assert refused(db, made.token) == "used"


def test_invitations_are_listed_newest_first(db):
    now = utcnow()
    first = create_invitation(db, label="Same time, first", now=now).invitation.id
    second = create_invitation(db, label="Same time, second", now=now).invitation.id
    older = create_invitation(
        db, label="Made last, dated earlier", now=now - timedelta(minutes=5)
    ).invitation.id
    assert [i.id for i in list_invitations(db)] == [second, first, older]


def test_the_link_is_the_public_url_and_the_token():
    assert invitation_url("https://spapi.example.com", "tok") == "https://spapi.example.com/invite/tok"


def test_opening_or_using_one_invitation_leaves_the_others_alone(db):
    first = create_invitation(db, label="First")
    second = create_invitation(db, label="Second")
    open_invitation(db, first.token, BROWSER)
    assert open_invitation(db, second.token, OTHER_BROWSER).label == "Second"  # not bound to BROWSER
    third = create_invitation(db, label="Third")
    assert claim_invitation(db, first.invitation.id, "A1FIRST") is True
    for other in (second, third):
        row = db.get(Invitation, other.invitation.id)
        db.refresh(row)
        assert row.completed_at is None and row.selling_partner_id is None
    assert open_invitation(db, third.token, BROWSER).label == "Third"


def test_the_link_carries_256_random_bits(db):
    tokens = {create_invitation(db, label=f"n{n}").token for n in range(3)}
    assert len(tokens) == 3 and all(len(token) == 43 for token in tokens)  # 32 bytes, URL-safe


@pytest.mark.parametrize(("lifetime", "days"), [(timedelta(hours=1), 0.042), (timedelta(days=1000), 1000.0)])
def test_a_lifetime_is_audited_in_days_to_three_places(db, lifetime, days):
    create_invitation(db, label="Timed", lifetime=lifetime)
    [event] = [e for e in events_for(db) if e.action == "invitation_created"]
    assert detail_of(event)["days"] == days
