"""Factories for the rows tests need most, made through the core's own functions."""

from datetime import timedelta

from auth.vault.models import Authorization
from auth.vault.models import utcnow
from auth.vault.store import save_authorization
from auth.vault.store import save_pending
from tests.helpers import REFRESH_TOKEN


def stored_row(app, partner: str = "A1STORED", **fields) -> Authorization:
    """Store an active authorization and return its row (detached, its columns readable)."""
    return authorization_row(app, stored_authorization(app, partner, **fields))


def stored_authorization(
    app,
    partner: str = "A1STORED",
    *,
    region: str = "NA",
    account_type: str = "seller",
    workflow: str = "website",
    refresh_token: str = REFRESH_TOKEN,
    days_ago: int = 0,
    **fields,
) -> int:
    """Store an active authorization (sealed like any other) and return its row ID."""
    services = app.extensions["spapi"]
    with services.sessions() as db:
        row = save_authorization(
            db,
            services.vault,
            selling_partner_id=partner,
            region=region,
            account_type=account_type,
            workflow=workflow,
            refresh_token=refresh_token,
            now=utcnow() - timedelta(days=days_ago),
            **fields,
        )
        db.commit()
        return row.id


def pending_authorization(
    app,
    partner: str = "A1PENDING",
    *,
    region: str = "NA",
    account_type: str = "seller",
    refresh_token: str = REFRESH_TOKEN,
    reason: str = "test",
    **fields,
) -> int:
    """Keep a claimed-only token as pending (what a return with disagreeing evidence leaves)."""
    services = app.extensions["spapi"]
    with services.sessions() as db:
        row = save_pending(
            db,
            services.vault,
            selling_partner_id=partner,
            region=region,
            account_type=account_type,
            workflow=fields.pop("workflow", "website"),
            refresh_token=refresh_token,
            trust=fields.pop("trust", "claimed"),
            evidence=fields.pop("evidence", {}),
            reason=reason,
            **fields,
        )
        db.commit()
        return row.id


def authorization_row(app, row_id: int) -> Authorization | None:
    """Read one authorization back (detached: its columns stay readable)."""
    with app.extensions["spapi"].sessions() as db:
        row = db.get(Authorization, row_id)
        if row is not None:
            db.expunge(row)
        return row
