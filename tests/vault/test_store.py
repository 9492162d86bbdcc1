"""The store: what an active or pending row keeps, and what each decision writes to the audit
trail (field by field; found missing by the mutation run)."""

import json
from datetime import timedelta

from auth.vault.audit import detail_of
from auth.vault.audit import events_for
from auth.vault.models import utcnow
from auth.vault.pending import approve
from auth.vault.store import find_authorization
from auth.vault.store import list_authorizations
from auth.vault.store import list_pending
from auth.vault.store import save_authorization
from auth.vault.store import save_pending

# Keys deliberately out of order: the store keeps them sorted.
EVIDENCE = {
    "seller_id_check": "failed",
    "account_fingerprint": "acct:abc",
    "marketplace_ids": ["ATVPDKIKX0DER"],
}


def store(app, token="Atzr|first", **extra):
    services = app.extensions["spapi"]
    with services.sessions() as db:
        return save_authorization(
            db,
            services.vault,
            selling_partner_id="A1STORE",
            region="NA",
            account_type="seller",
            workflow="website",
            refresh_token=token,
            **extra,
        )


def pend(app, token="Atzr|pending", now=None):
    services = app.extensions["spapi"]
    with services.sessions() as db:
        return save_pending(
            db,
            services.vault,
            selling_partner_id="A1STORE",
            region="NA",
            account_type="vendor",
            workflow="appstore",
            refresh_token=token,
            trust="invited",
            evidence=EVIDENCE,
            reason="the token opens a different account",
            customer_label="Acme",
            invitation_id=7,
            now=now,
        )


def audit(app):
    with app.extensions["spapi"].sessions() as db:
        return [
            (e.actor, e.action, e.selling_partner_id, e.region, detail_of(e))
            for e in reversed(events_for(db))
        ]


def test_an_active_row_keeps_its_evidence_and_the_audit_says_stored_then_replaced(app):
    first = store(
        app, trust="verified", evidence=EVIDENCE, customer_label="Acme", invitation_id=3, reason="new"
    )
    assert (first.trust, first.account_fingerprint, first.customer_label, first.invitation_id) == (
        "verified",
        "acct:abc",
        "Acme",
        3,
    )
    assert first.evidence == json.dumps(EVIDENCE, sort_keys=True)  # stored canonical, whatever the order
    second = store(app, token="Atzr|second", actor="admin:cli", reason="again")
    assert second.id == first.id and second.fingerprint != first.fingerprint
    events = [event for event in audit(app) if event[1] != "previous_kept"]
    [(actor1, action1, spid1, region1, detail1), (actor2, action2, _s, _r, detail2)] = events
    assert (actor1, action1, spid1, region1) == ("seller", "stored", "A1STORE", "NA")
    assert detail1 == {
        "account_fingerprint": "acct:abc",
        "customer": "Acme",
        "reason": "new",
        "token_after": first.fingerprint,
        "token_before": None,
        "trust": "verified",
    }
    assert (actor2, action2) == ("admin:cli", "replaced")
    assert (detail2["token_before"], detail2["token_after"], detail2["reason"]) == (
        first.fingerprint,
        second.fingerprint,
        "again",
    )


def test_a_pending_row_keeps_everything_the_administrator_needs(app):
    active = store(app)
    row = pend(app)
    assert (row.selling_partner_id, row.region, row.account_type, row.workflow) == (
        "A1STORE",
        "NA",
        "vendor",
        "appstore",
    )
    assert (row.trust, row.account_fingerprint, row.customer_label, row.invitation_id) == (
        "invited",
        "acct:abc",
        "Acme",
        7,
    )
    assert (
        row.evidence == json.dumps(EVIDENCE, sort_keys=True)
        and row.reason == "the token opens a different account"
    )
    assert app.extensions["spapi"].vault.open(row.refresh_token_encrypted, "A1STORE", "NA") == "Atzr|pending"
    actor, action, spid, region, detail = audit(app)[-1]
    assert (actor, action, spid, region) == ("seller", "pending", "A1STORE", "NA")
    assert detail["active_token"] == active.fingerprint and detail["token"] == row.fingerprint
    assert detail["evidence"] == EVIDENCE and detail["trust"] == "invited"


def test_approving_moves_the_pending_token_in_with_its_evidence(app):
    store(app)
    row = pend(app)
    with app.extensions["spapi"].sessions() as db:
        approve(db, row.id, actor="admin:console")
        active = find_authorization(db, "A1STORE", "NA")
        assert (active.fingerprint, active.trust, active.customer_label, active.account_type) == (
            row.fingerprint,
            "invited",
            "Acme",
            "vendor",
        )
        assert list_pending(db) == []
    assert audit(app)[-1][:2] == ("admin:console", "replaced")


def test_pending_rows_are_listed_newest_first(app):
    now = utcnow()
    older = pend(app, "Atzr|older", now=now - timedelta(minutes=5))
    newer = pend(app, "Atzr|newer", now=now)
    with app.extensions["spapi"].sessions() as db:
        assert [p.id for p in list_pending(db)] == [newer.id, older.id]


def test_defaults_are_a_seller_storing_a_claimed_token(app):
    row = store(app)
    assert (row.trust, row.evidence, row.account_fingerprint, row.customer_label, row.invitation_id) == (
        "claimed",
        None,
        None,
        None,
        None,
    )
    assert (
        row.last_refresh_at is None and row.last_refresh_result is None and row.needs_reauthorization is False
    )
    [(actor, action, _spid, _region, detail)] = audit(app)
    assert (actor, action, detail["reason"], detail["trust"]) == ("seller", "stored", "stored", "claimed")


def test_a_new_token_clears_the_last_refresh_and_the_audit_keeps_the_time_given(app):
    row = store(app)
    with app.extensions["spapi"].sessions() as db:
        stored = find_authorization(db, "A1STORE", "NA")
        stored.last_refresh_at, stored.last_refresh_result = utcnow(), "invalid_grant"
        db.commit()
    at = utcnow() - timedelta(hours=3)
    again = store(app, token="Atzr|renewed", now=at)
    assert (again.last_refresh_at, again.last_refresh_result, again.id) == (None, None, row.id)
    assert again.authorized_at == at
    with app.extensions["spapi"].sessions() as db:
        [event] = [
            e for e in events_for(db, "A1STORE") if detail_of(e).get("token_after") == again.fingerprint
        ]
    assert event.at == at


def test_a_long_pending_reason_is_cut_and_the_audit_names_it(app):
    services = app.extensions["spapi"]
    with services.sessions() as db:
        row = save_pending(
            db,
            services.vault,
            selling_partner_id="A1STORE",
            region="EU",
            account_type="seller",
            workflow="website",
            refresh_token="Atzr|long",
            trust="claimed",
            evidence=EVIDENCE,
            reason="r" * 400,
        )
    assert row.reason == "r" * 300
    detail = audit(app)[-1][4]
    assert (detail["reason"], detail["account_fingerprint"]) == ("r" * 300, "acct:abc")


def test_active_rows_are_listed_newest_first(app):
    services = app.extensions["spapi"]
    now = utcnow()
    with services.sessions() as db:
        for spid, minutes in (("A1OLD", 30), ("A1NEW", 1)):
            save_authorization(
                db,
                services.vault,
                selling_partner_id=spid,
                region="NA",
                account_type="seller",
                workflow="website",
                refresh_token=f"Atzr|{spid}",
                now=now - timedelta(minutes=minutes),
            )
        assert [r.selling_partner_id for r in list_authorizations(db)] == ["A1NEW", "A1OLD"]
