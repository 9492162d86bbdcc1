"""Rehearsing the client secret's deadline offline: put the expiry notice Amazon would send
on the configured SQS queue (moto or a real test queue), for the consumer to read."""

from datetime import timedelta

from auth.lifecycle import sqs
from auth.lifecycle.notifications import expiry_notification
from auth.vault.models import utcnow


def send_expiry_notice(queue_url: str, application_id: str, client_id: str, days: int) -> dict:
    """Queue an ``APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY`` notice for the app's secret, due in
    ``days``; returns its notification ID and expiry time (no secret is in it)."""
    expires = utcnow() + timedelta(days=days)
    notice = expiry_notification(application_id, client_id, expires)
    sqs.send(queue_url, notice)
    return {
        "notification_id": notice["notificationMetadata"]["notificationId"],
        "expires": expires.isoformat(),
    }
