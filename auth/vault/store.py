"""Stored authorizations: one row per selling partner and region, token encrypted."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.vault.crypto import TokenVault
from auth.vault.crypto import fingerprint
from auth.vault.models import Authorization
from auth.vault.models import utcnow


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
) -> Authorization:
    """Store a refresh token, replacing the partner's earlier one in the same region."""
    now = now or utcnow()
    values = dict(
        account_type=account_type,
        workflow=workflow,
        refresh_token_encrypted=vault.seal(selling_partner_id, region, refresh_token),
        fingerprint=fingerprint(refresh_token),
        authorized_at=now,
        last_refresh_at=None,
        last_refresh_result=None,
        needs_reauthorization=False,
    )
    for _attempt in range(2):
        row = find_authorization(db, selling_partner_id, region)
        if row is None:
            row = Authorization(selling_partner_id=selling_partner_id, region=region, **values)
            db.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        try:
            db.commit()
            return row
        except IntegrityError:
            # Another request inserted the same partner and region first: update that row.
            db.rollback()
    raise RuntimeError("could not store the authorization after a concurrent insert")


def find_authorization(db: Session, selling_partner_id: str, region: str) -> Authorization | None:
    """Return the authorization of a partner in a region, if any."""
    return db.scalars(
        select(Authorization).where(
            Authorization.selling_partner_id == selling_partner_id,
            Authorization.region == region,
        )
    ).one_or_none()


def list_authorizations(db: Session) -> list[Authorization]:
    """Return every stored authorization, newest first."""
    return list(db.scalars(select(Authorization).order_by(Authorization.authorized_at.desc())))
