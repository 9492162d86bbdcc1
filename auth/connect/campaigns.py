"""Re-authorization campaigns: Amazon asks for a new authorization when an app's roles change
and every 365 days; a campaign makes one partner-bound connect session per authorization,
with its customer's reference and tags copied, and counts how many completed."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.connect.requests import SessionRequest
from auth.connect.sessions import create_session
from auth.connect.tables import ConnectCampaign
from auth.lifecycle.due import due_within
from auth.vault.models import Authorization
from auth.vault.models import ConnectSession
from auth.vault.models import utcnow
from auth.vault.store import list_authorizations

DEFAULT_DAYS = 14
MAX_DAYS = 90  # as for invitations made by the administrator
ID_PREFIX = "cc_"


@dataclass(frozen=True)
class CampaignRow:
    """One authorization's re-authorization link (shown once: only its hash is stored)."""

    selling_partner_id: str
    region: str
    customer_ref: str | None
    url: str
    expires_at: datetime

    def as_json(self) -> dict:
        """The row as ``flask spapi reauthorize --json`` prints it."""
        return {
            "selling_partner_id": self.selling_partner_id,
            "region": self.region,
            "customer_ref": self.customer_ref,
            "url": self.url,
            "expires_at": self.expires_at.isoformat(),
        }


def select_authorizations(
    db: Session, *, every: bool = False, partners: tuple[str, ...] = (), due_days: int | None = None
) -> list[Authorization]:
    """The authorizations a campaign covers: all, those of ``partners``, or those due."""
    if due_days is not None:
        return [due.authorization for due in due_within(db, due_days)]
    rows = list_authorizations(db)
    return rows if every else [row for row in rows if row.selling_partner_id in set(partners)]


def start_campaign(
    db: Session, rows: list[Authorization], public_url: str, selector: str, days: int, now=None
) -> tuple[str, list[CampaignRow]]:
    """Make one session per row in one transaction; return the campaign id and the links."""
    now = now or utcnow()
    lifetime = timedelta(days=days)
    campaign = ConnectCampaign(
        id=ID_PREFIX + secrets.token_hex(8),
        created_at=now,
        selector=selector[:300],
        expires_at=now + lifetime,
    )
    db.add(campaign)
    made = []
    for row in rows:
        request = SessionRequest(
            customer_ref=None,
            reauthorize=(row.selling_partner_id, row.region),
            expected_partner=row.selling_partner_id,
            expires_in=int(lifetime.total_seconds()),
        )
        new = create_session(db, request, campaign_id=campaign.id, commit=False, now=now)
        made.append(
            CampaignRow(
                row.selling_partner_id,
                row.region,
                new.session.customer_ref,
                new.url(public_url),
                new.session.expires_at,
            )
        )
    db.commit()  # commit point: every link of a campaign is shown once, all or none
    return campaign.id, made


@dataclass(frozen=True)
class Progress:
    """A campaign and how far it got."""

    campaign: ConnectCampaign
    total: int
    completed: int


def list_campaigns(db: Session) -> list[Progress]:
    """Every campaign, newest first, with its counts."""
    counts = dict(
        (cid, (total, done))
        for cid, total, done in db.execute(
            select(
                ConnectSession.campaign_id,
                func.count(),
                func.count(ConnectSession.outcome),
            )
            .where(ConnectSession.campaign_id.is_not(None))
            .group_by(ConnectSession.campaign_id)
        )
    )
    campaigns = db.scalars(select(ConnectCampaign).order_by(ConnectCampaign.created_at.desc()))
    return [Progress(c, *counts.get(c.id, (0, 0))) for c in campaigns]


def sessions_of(db: Session, campaign_id: str) -> list[ConnectSession]:
    """A campaign's sessions, in the order they were made."""
    return list(
        db.scalars(
            select(ConnectSession)
            .where(ConnectSession.campaign_id == campaign_id)
            .order_by(ConnectSession.created_at)
        )
    )
