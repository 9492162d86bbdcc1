"""The administrator's undo and decisions, field by field, from the CLI: a displaced token is
kept with everything a restore brings back, for the retention period; approvals, rejections
and the IDs they take (``v12``, ``p12``) do exactly what they say."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import update

from auth.oauth.invitations import create_invitation
from auth.vault.audit import detail_of
from auth.vault.audit import events_for
from auth.vault.crypto import fingerprint
from auth.vault.deletion import delete_authorization
from auth.vault.models import Authorization
from auth.vault.models import PreviousAuthorization
from auth.vault.models import utcnow
from auth.vault.outbox import list_events
from auth.vault.pending import approve
from auth.vault.pending import restore
from auth.vault.previous import VaultPolicy
from auth.vault.previous import list_previous
from auth.vault.previous import purge_expired
from auth.vault.store import save_pending
from tests.factories import authorization_row
from tests.factories import stored_authorization
from tests.helpers import REFRESH_TOKEN

PARTNER = "A1UNDOABLE"
FIRST, SECOND = REFRESH_TOKEN + "first", REFRESH_TOKEN + "second"


def cli(runner, *args):
    return runner.invoke(args=["spapi", *args])


def cli_json(runner, *args):
    result = cli(runner, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def store(app, token, partner=PARTNER, policy=None, reason="stored", **fields):
    policy = policy or app.extensions["spapi"].vault_policy
    return stored_authorization(app, partner, refresh_token=token, reason=reason, policy=policy, **fields)


def audited(app, action, partner=PARTNER):
    with app.extensions["spapi"].sessions() as db:
        return [detail_of(e) for e in events_for(db, partner) if e.action == action]


def test_a_displaced_token_is_kept_and_a_restore_brings_all_of_it_back(app, runner):
    first_id = store(
        app,
        FIRST,
        trust="invited",
        evidence={"account_fingerprint": "acct:first"},
        customer_label="Example Store",
        account_type="vendor",
        workflow="appstore",
    )
    with app.extensions["spapi"].sessions() as db:
        db.execute(
            update(Authorization)
            .where(Authorization.id == first_id)
            .values(customer_ref="cust-42", tags=json.dumps({"plan": "gold"}))
        )
        db.commit()
    original = authorization_row(app, first_id)
    store(app, SECOND)
    [kept] = cli_json(runner, "authorizations", "--previous")
    assert kept["fingerprint"] == fingerprint(FIRST) and kept["replaced_by"] == fingerprint(SECOND)
    assert (kept["trust"], kept["reason"], kept["account_type"]) == ("invited", "stored", "vendor")
    assert kept["authorized_at"] == original.authorized_at.isoformat()
    replaced = utcnow().fromisoformat(kept["replaced_at"])
    assert utcnow().fromisoformat(kept["expires_at"]) - replaced == timedelta(days=30)
    with app.extensions["spapi"].sessions() as db:
        [kept_event] = [e for e in events_for(db, PARTNER) if e.action == "previous_kept"]
        assert kept_event.region == "NA"
    [note] = audited(app, "previous_kept")
    assert note == {
        "previous": kept["id"],
        "token": fingerprint(FIRST),
        "replaced_by": fingerprint(SECOND),
        "expires_at": kept["expires_at"],
    }
    restored = cli_json(runner, "authorizations", "restore", kept["id"])
    assert (restored["selling_partner_id"], restored["fingerprint"]) == (PARTNER, fingerprint(FIRST))
    back = authorization_row(app, first_id)
    for name in ("account_type", "workflow", "authorized_at", "trust", "account_fingerprint", "evidence"):
        assert getattr(back, name) == getattr(original, name), name
    assert (back.customer_label, back.customer_ref, json.loads(back.tags)) == (
        "Example Store",
        "cust-42",
        {"plan": "gold"},
    )
    assert app.extensions["spapi"].vault.open(back.refresh_token_encrypted, PARTNER, "NA") == FIRST
    [listed] = [r for r in cli_json(runner, "authorizations") if r["status"] != "pending"]
    assert (listed["customer_ref"], listed["tags"]) == ("cust-42", {"plan": "gold"})
    [second_kept] = cli_json(runner, "authorizations", "--previous")
    assert second_kept["fingerprint"] == fingerprint(SECOND)


def test_retention_sets_the_expiry_and_zero_keeps_nothing(app, runner):
    store(app, FIRST)
    store(app, SECOND, policy=VaultPolicy(previous_version_days=3))
    [kept] = cli_json(runner, "authorizations", "--previous")
    expires = utcnow().fromisoformat(kept["expires_at"]) - utcnow().fromisoformat(kept["replaced_at"])
    assert expires == timedelta(days=3)
    store(app, FIRST + "again", policy=VaultPolicy(previous_version_days=0))
    assert [k["fingerprint"] for k in cli_json(runner, "authorizations", "--previous")] == [
        fingerprint(FIRST)
    ]
    assert audited(app, "previous_kept") != [] and len(audited(app, "previous_kept")) == 1


def test_the_reason_is_kept_up_to_three_hundred_characters(app, runner):
    store(app, FIRST)
    store(app, SECOND, reason="r" * 400)
    [kept] = cli_json(runner, "authorizations", "--previous")
    assert kept["reason"] == "r" * 300


def test_expired_versions_are_purged_hidden_and_never_restored(app, runner):
    store(app, FIRST)
    store(app, SECOND)
    [kept] = cli_json(runner, "authorizations", "--previous")
    with app.extensions["spapi"].sessions() as db:
        db.execute(update(PreviousAuthorization).values(expires_at=utcnow() + timedelta(seconds=1)))
        db.commit()
        assert purge_expired(db, utcnow()) == 0  # not yet past its retention
        assert [p.fingerprint for p in list_previous(db)] == [fingerprint(FIRST)]
        db.execute(update(PreviousAuthorization).values(expires_at=utcnow()))
        db.commit()
        assert list_previous(db) == []
    refused = cli(runner, "authorizations", "restore", kept["id"])
    assert refused.exit_code == 1 and "no previous version" in refused.output
    with app.extensions["spapi"].sessions() as db:
        assert purge_expired(db, utcnow()) == 1 and purge_expired(db, utcnow()) == 0
        db.commit()


def test_previous_versions_are_listed_newest_first_and_by_partner(app):
    for partner in (PARTNER, "A2OTHER"):
        store(app, FIRST + partner, partner=partner)
    store(app, SECOND + PARTNER)
    store(app, SECOND + "A2OTHER", partner="A2OTHER")
    store(app, FIRST + "third", partner=PARTNER)
    with app.extensions["spapi"].sessions() as db:
        everyone = [(p.selling_partner_id, p.fingerprint) for p in list_previous(db)]
        mine = [p.fingerprint for p in list_previous(db, PARTNER)]
    assert everyone == [
        (PARTNER, fingerprint(SECOND + PARTNER)),
        ("A2OTHER", fingerprint(FIRST + "A2OTHER")),
        (PARTNER, fingerprint(FIRST + PARTNER)),
    ]
    assert mine == [fingerprint(SECOND + PARTNER), fingerprint(FIRST + PARTNER)]


@pytest.mark.parametrize("spelling", ["v{}", "V{}", "{}"])
def test_a_previous_version_is_named_with_or_without_its_v(app, runner, spelling):
    store(app, FIRST)
    store(app, SECOND)
    [kept] = cli_json(runner, "authorizations", "--previous")
    restored = cli_json(runner, "authorizations", "restore", spelling.format(kept["id"][1:]))
    assert restored["fingerprint"] == fingerprint(FIRST)


@pytest.mark.parametrize(("command", "letter"), [("restore", "v"), ("approve", "p"), ("reject", "p")])
@pytest.mark.parametrize("text", ["", "x12", "{}", "{}x", "{}1234567890123", "12a", "1.5"])
def test_an_id_that_is_not_one_is_refused_by_name(app, runner, command, letter, text):
    text = text.format(letter)
    args = ("authorizations", "restore", text) if command == "restore" else (command, text)
    refused = cli(runner, *args)
    assert refused.exit_code == 1
    thing = (
        "a previous version ID (like v12)"
        if command == "restore"
        else "a pending authorization ID (like p12)"
    )
    assert f"{text!r} is not {thing}" in refused.output


@pytest.mark.parametrize(("command", "letter"), [("restore", "v"), ("approve", "p"), ("reject", "p")])
def test_twelve_digits_are_an_id_that_simply_is_not_there(app, runner, command, letter):
    args = ("authorizations", "restore") if command == "restore" else (command,)
    refused = cli(runner, *args, f"{letter}999999999999")
    assert (
        refused.exit_code == 1
        and f"no {'previous version' if letter == 'v' else 'pending'}" in refused.output
    )
    assert f"{letter}999999999999" in refused.output


def pend(app, token, reason="the token opens a different account", **fields):
    services = app.extensions["spapi"]
    with services.sessions() as db:
        row = save_pending(
            db,
            services.vault,
            selling_partner_id=PARTNER,
            region="NA",
            account_type=fields.pop("account_type", "seller"),
            workflow=fields.pop("workflow", "website"),
            refresh_token=token,
            trust=fields.pop("trust", "claimed"),
            evidence=fields.pop("evidence", {"account_fingerprint": "acct:pending"}),
            reason=reason,
            **fields,
        )
        return row.id, row.received_at


@pytest.mark.parametrize("spelling", ["p{}", "P{}", "{}"])
def test_an_approval_makes_the_pending_token_active_with_what_it_came_with(app, runner, spelling):
    stored_authorization(app, PARTNER, refresh_token=FIRST)
    pending_id, received_at = pend(
        app, SECOND, account_type="vendor", workflow="appstore", trust="invited", customer_label="Shop"
    )
    approved = cli_json(runner, "approve", spelling.format(pending_id))
    assert approved["fingerprint"] == fingerprint(SECOND)
    [active] = [r for r in cli_json(runner, "authorizations")]  # the pending row is gone
    assert (active["fingerprint"], active["status"]) == (fingerprint(SECOND), "active")
    assert (active["account_type"], active["trust"], active["customer"]) == ("vendor", "invited", "Shop")
    assert active["account_fingerprint"] == "acct:pending"
    assert active["authorized_at"] == received_at.isoformat()
    row = authorization_row(app, approved["id"])
    assert row.workflow == "appstore" and json.loads(row.evidence) == {"account_fingerprint": "acct:pending"}
    # The pending token itself is what the partner's authorization now opens to.
    assert app.extensions["spapi"].vault.open(row.refresh_token_encrypted, PARTNER, "NA") == SECOND
    [replaced] = audited(app, "replaced")
    assert replaced["reason"] == f"approved p{pending_id}" and replaced["token_before"] == fingerprint(FIRST)
    [kept] = cli_json(runner, "authorizations", "--previous")
    assert kept["fingerprint"] == fingerprint(FIRST) and kept["reason"] == f"approved p{pending_id}"
    assert cli(runner, "approve", f"p{pending_id}").exit_code == 1  # decided once


def test_a_rejection_deletes_the_pending_token_and_says_so(app, runner):
    stored_authorization(app, PARTNER, refresh_token=FIRST)
    pending_id, _ = pend(app, SECOND, reason="same account fingerprint, but no verified seller ID")
    rejected = cli_json(runner, "reject", f"P{pending_id}")
    assert (rejected["selling_partner_id"], rejected["region"]) == (PARTNER, "NA")
    assert [(r["fingerprint"], r["status"]) for r in cli_json(runner, "authorizations")] == [
        (fingerprint(FIRST), "active")
    ]
    with app.extensions["spapi"].sessions() as db:
        [event] = [e for e in events_for(db, PARTNER) if e.action == "rejected"]
        assert (event.actor, event.region) == ("admin:cli", "NA")
    [note] = audited(app, "rejected")
    assert note == {
        "pending": f"p{pending_id}",
        "token": fingerprint(SECOND),
        "reason": "same account fingerprint, but no verified seller ID",
    }
    with app.extensions["spapi"].sessions() as db:
        [event] = [e for e in list_events(db) if e.type == "authorization.rejected"]
        data = json.loads(event.payload)
    assert (data["selling_partner_id"], data["region"]) == (PARTNER, "NA")
    assert (data["pending"], data["token_fingerprint"]) == (f"p{pending_id}", fingerprint(SECOND))
    assert cli(runner, "reject", f"p{pending_id}").exit_code == 1
    assert cli_json(runner, "authorizations", "--previous") == []


def test_a_deleted_authorization_can_be_brought_back_from_its_previous_version(app, runner):
    store(app, FIRST)
    active_id = store(app, SECOND)
    [kept] = cli_json(runner, "authorizations", "--previous")
    with app.extensions["spapi"].sessions() as db:
        delete_authorization(db, db.get(Authorization, active_id), "admin:cli")
        db.commit()
    assert cli_json(runner, "authorizations") == []
    restored = cli_json(runner, "authorizations", "restore", kept["id"])
    assert (restored["selling_partner_id"], restored["region"]) == (PARTNER, "NA")
    [active] = cli_json(runner, "authorizations")
    assert (active["fingerprint"], active["region"]) == (fingerprint(FIRST), "NA")


def test_a_restore_keeps_the_token_it_displaces_for_the_policys_days(app):
    store(app, FIRST)
    store(app, SECOND)
    with app.extensions["spapi"].sessions() as db:
        [kept] = list_previous(db)
        restore(db, kept.id, "admin:cli", VaultPolicy(previous_version_days=3))
        db.commit()
        [displaced] = list_previous(db)
    assert displaced.fingerprint == fingerprint(SECOND)
    assert displaced.expires_at - displaced.replaced_at == timedelta(days=3)


def test_an_approval_keeps_the_invitation_and_the_policys_retention(app):
    services = app.extensions["spapi"]
    stored_authorization(app, PARTNER, refresh_token=FIRST)
    with services.sessions() as db:
        invitation = create_invitation(db, label="Invited Store").invitation.id
    pending_id, _ = pend(app, SECOND, invitation_id=invitation, customer_label="Invited Store")
    with services.sessions() as db:
        row = approve(db, pending_id, "admin:cli", VaultPolicy(previous_version_days=1))
        db.commit()
        assert (row.invitation_id, row.customer_label) == (invitation, "Invited Store")
        [kept] = list_previous(db)
    assert kept.fingerprint == fingerprint(FIRST)
    assert kept.expires_at - kept.replaced_at == timedelta(days=1)  # one day still keeps it


@pytest.mark.parametrize(("command", "letter"), [("restore", "v"), ("approve", "p")])
def test_a_long_id_is_quoted_only_in_part(app, runner, command, letter):
    text = letter + "x" * 60
    args = ("authorizations", "restore", text) if command == "restore" else (command, text)
    output = cli(runner, *args).output
    assert repr(text[:40]) in output and repr(text[:41]) not in output
