"""Stored authorizations: one active row per selling partner and region, token encrypted, and
pending ones beside it until the administrator decides."""

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.vault import audit
from auth.vault import customers
from auth.vault import health
from auth.vault.crypto import TokenVault
from auth.vault.crypto import fingerprint
from auth.vault.models import Authorization
from auth.vault.models import PendingAuthorization
from auth.vault.models import utcnow
from auth.vault.outbox import record_event
from auth.vault.previous import DEFAULT_POLICY
from auth.vault.previous import VaultPolicy
from auth.vault.previous import audit_kept
from auth.vault.previous import keep_previous


def save_authorization(
    db: Session,
    vault: TokenVault,
    *,
    selling_partner_id: str,
    region: str,
    account_type: str,
    workflow: str,
    refresh_token: str,
    now: datetime | None = None,
    trust: str = "claimed",
    evidence: dict | None = None,
    customer_label: str | None = None,
    invitation_id: int | None = None,
    actor: str = "seller",
    reason: str = "stored",
    policy: VaultPolicy = DEFAULT_POLICY,
) -> Authorization:
    """Store a refresh token as the active authorization, replacing the partner's earlier one
    in the same region, and record the decision in the audit trail (same transaction)."""
    now = now or utcnow()
    values = dict(
        account_type=account_type,
        workflow=workflow,
        refresh_token_encrypted=vault.seal(selling_partner_id, region, refresh_token),
        fingerprint=fingerprint(refresh_token),
        authorized_at=now,
        trust=trust,
        account_fingerprint=(evidence or {}).get("account_fingerprint"),
        evidence=json.dumps(evidence, sort_keys=True) if evidence is not None else None,
        customer_label=customer_label,
        invitation_id=invitation_id,
    )
    return upsert_active(db, selling_partner_id, region, values, actor, reason, now, policy)


def upsert_active(
    db: Session,
    selling_partner_id: str,
    region: str,
    values: dict,
    actor: str,
    reason: str,
    now,
    policy: VaultPolicy = DEFAULT_POLICY,
):
    """Insert or replace the active row with ``values`` and audit it, in one commit.

    A new token starts with a clean refresh history, whoever supplied it; the token it
    displaces is kept sealed as a previous version (``auth.vault.previous``).
    """
    values = {**values, "last_refresh_at": None, "last_refresh_result": None, "needs_reauthorization": False}
    values.update(customers.from_invitation(db, values.get("invitation_id")))
    values |= {"health": "ok", "health_failures": 0, "last_checked_at": None}
    for _attempt in range(2):  # pragma: no mutate (one retry after a racing insert is all it takes)
        row = find_authorization(db, selling_partner_id, region)
        before = row.fingerprint if row is not None else None
        if row is None:
            row = Authorization(selling_partner_id=selling_partner_id, region=region, **values)
            db.add(row)
            kept = None
        else:
            kept = None
            if before != values["fingerprint"]:
                kept = keep_previous(db, row, values["fingerprint"], reason, policy, now)
            for name, value in values.items():
                setattr(row, name, value)
        audit_kept(db, actor, kept, now)
        audit.record(
            db,
            actor,
            "replaced" if before else "stored",
            selling_partner_id=selling_partner_id,
            region=region,
            now=now,
            reason=reason,
            trust=values["trust"],
            token_before=before,
            token_after=values["fingerprint"],
            account_fingerprint=values["account_fingerprint"],
            customer=values["customer_label"],
            **({"previous": f"v{kept.id}"} if kept is not None else {}),
        )
        record_event(
            db,
            "authorization.approved" if reason.startswith("approved") else "authorization.stored",
            selling_partner_id=selling_partner_id,
            region=region,
            account_type=values["account_type"],
            trust=values["trust"],
            replaced=before is not None,
            token_fingerprint=values["fingerprint"],
            customer=values["customer_label"],
            **customers.of_row(row),
        )
        try:
            db.commit()  # commit point: a token LWA gave is stored with its audit row and event
            return row
        except IntegrityError:
            # Another request inserted the same partner and region first: update that row.
            db.rollback()
    raise RuntimeError("could not store the authorization after a concurrent insert")  # pragma: no mutate


def save_pending(
    db: Session,
    vault: TokenVault,
    *,
    selling_partner_id: str,
    region: str,
    account_type: str,
    workflow: str,
    refresh_token: str,
    trust: str,
    evidence: dict,
    reason: str,
    customer_label: str | None = None,
    invitation_id: int | None = None,
    now: datetime | None = None,
    policy: VaultPolicy = DEFAULT_POLICY,
) -> PendingAuthorization:
    """Keep a token whose evidence did not agree, encrypted and unused, for the administrator.

    At most ``policy.max_pending`` rows wait per partner and region: the oldest is dropped
    (and audited), so a flood of forged returns cannot bury the real one for long.
    """
    now = now or utcnow()
    drop_oldest_pending(db, selling_partner_id, region, max(1, policy.max_pending) - 1, now)
    row = PendingAuthorization(
        selling_partner_id=selling_partner_id,
        region=region,
        account_type=account_type,
        workflow=workflow,
        refresh_token_encrypted=vault.seal(selling_partner_id, region, refresh_token),
        fingerprint=fingerprint(refresh_token),
        trust=trust,
        account_fingerprint=evidence.get("account_fingerprint"),
        evidence=json.dumps(evidence, sort_keys=True),
        reason=reason[:300],
        customer_label=customer_label,
        invitation_id=invitation_id,
        received_at=now,
        **customers.from_invitation(db, invitation_id),
    )
    db.add(row)
    active = find_authorization(db, selling_partner_id, region)
    audit.record(
        db,
        "seller",
        "pending",
        selling_partner_id=selling_partner_id,
        region=region,
        now=now,
        reason=row.reason,
        trust=trust,
        token=row.fingerprint,
        account_fingerprint=row.account_fingerprint,
        active_token=active.fingerprint if active else None,
        evidence=evidence,
    )
    record_event(
        db,
        "authorization.pending",
        selling_partner_id=selling_partner_id,
        region=region,
        account_type=account_type,
        trust=trust,
        reason=reason,
        token_fingerprint=row.fingerprint,
        **customers.of_row(row),
    )
    db.commit()  # commit point: a token LWA gave is kept with its audit row and event
    return row


def drop_oldest_pending(db: Session, selling_partner_id: str, region: str, keep: int, now) -> None:
    """Delete the partner's oldest pending rows beyond ``keep``, each audited (caller commits)."""
    rows = db.scalars(
        select(PendingAuthorization)
        .where(
            PendingAuthorization.selling_partner_id == selling_partner_id,
            PendingAuthorization.region == region,
        )
        .order_by(PendingAuthorization.received_at.desc(), PendingAuthorization.id.desc())
    ).all()
    for row in rows[keep:]:
        db.delete(row)
        audit.record(
            db,
            "system",
            "pending_dropped",
            selling_partner_id=selling_partner_id,
            region=region,
            now=now,
            pending=f"p{row.id}",
            token=row.fingerprint,
            reason=f"more than {keep + 1} pending authorizations: the oldest is dropped",
        )


def mark_revoked(db: Session, row: Authorization) -> None:
    """LWA said ``invalid_grant`` for the row's token: revoked, expired (365 days) or disabled,
    which only the partner can fix. Reported once as an event; the caller commits."""
    health.record_revoked(db, row)


def find_authorization(db: Session, selling_partner_id: str, region: str) -> Authorization | None:
    """Return the active authorization of a partner in a region, if any."""
    return db.scalars(
        select(Authorization).where(
            Authorization.selling_partner_id == selling_partner_id,
            Authorization.region == region,
        )
    ).one_or_none()


def list_authorizations(db: Session) -> list[Authorization]:
    """Return every active authorization, newest first."""
    return list(db.scalars(select(Authorization).order_by(Authorization.authorized_at.desc())))


def list_pending(db: Session) -> list[PendingAuthorization]:
    """Return every pending authorization, newest first."""
    return list(db.scalars(select(PendingAuthorization).order_by(PendingAuthorization.received_at.desc())))
