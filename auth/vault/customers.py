"""The developer's customer on an authorization: ``customer_ref`` and ``tags`` from the connect
session its invitation belongs to, kept across re-authorizations and shown in every event."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.vault.models import Authorization
from auth.vault.models import ConnectSession


def from_invitation(db: Session, invitation_id: int | None) -> dict:
    """The columns a flow through ``invitation_id`` sets; empty when it was no connect session,
    so that a re-authorization from elsewhere keeps the customer already stored."""
    if invitation_id is None:
        return {}
    found = db.scalars(select(ConnectSession).where(ConnectSession.invitation_id == invitation_id)).first()
    if found is None or found.customer_ref is None:
        return {}
    return {"customer_ref": found.customer_ref, "tags": found.tags}


def of_row(row) -> dict:
    """An authorization's customer as events and the API show it."""
    return {"customer_ref": row.customer_ref, "tags": json.loads(row.tags) if row.tags else {}}


def for_event(db: Session, data: dict) -> dict:
    """``data`` about one partner and region, with the stored authorization's customer added."""
    if "customer_ref" in data or not data.get("selling_partner_id") or not data.get("region"):
        return data
    # No autoflush: the caller's pending changes are flushed at its commit, where it handles races.
    with db.no_autoflush:
        row = db.scalars(
            select(Authorization).where(
                Authorization.selling_partner_id == data["selling_partner_id"],
                Authorization.region == data["region"],
            )
        ).one_or_none()
    return {**data, **(of_row(row) if row is not None else {"customer_ref": None, "tags": {}})}
