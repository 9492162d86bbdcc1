"""flask spapi simulator revoke|outage|expiry-notice: rehearse operations offline."""

import click
from flask.cli import with_appcontext

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from web.cli.output import emit_one
from web.cli.output import fail
from web.shared.services import services


@click.group("simulator")
def simulator_group() -> None:
    """Make the built-in simulator revoke a partner, fail, or send an expiry notice."""


def _simulator_on(as_json: bool) -> None:
    if not services().settings.simulator:
        fail("The simulator is off: set SPAPI_SIMULATOR=1", as_json)


@simulator_group.command("revoke")
@click.argument("selling_partner_id")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def revoke_command(selling_partner_id, as_json) -> None:
    """The partner disables the app: LWA answers invalid_grant for their refresh tokens."""
    from auth.simulator.controls import revoke_partner

    _simulator_on(as_json)
    if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        fail("a selling partner ID is letters and digits", as_json)
    count = revoke_partner(services().engine, selling_partner_id)
    emit_one(
        as_json,
        {"selling_partner_id": selling_partner_id, "revoked_tokens": count},
        f"Revoked {count} refresh token(s) of {selling_partner_id}: the simulated LWA answers invalid_grant.",
    )


@simulator_group.command("outage")
@click.option("--seconds", type=click.IntRange(0, 86400), required=True, help="0 ends an outage.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def outage_command(seconds, as_json) -> None:
    """The simulated LWA answers 503 for N seconds."""
    from auth.simulator.controls import start_outage

    _simulator_on(as_json)
    until = start_outage(services().engine, seconds)
    emit_one(as_json, {"seconds": seconds, "until": until}, f"The simulated LWA answers 503 for {seconds} s.")


@simulator_group.command("expiry-notice")
@click.option("--days", type=click.IntRange(0, 3650), required=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def expiry_notice_command(days, as_json) -> None:
    """Put Amazon's expiry notice for the app's client secret on SPAPI_ROTATION_QUEUE_URL."""
    from auth.operations.rehearse import send_expiry_notice

    _simulator_on(as_json)
    settings = services().settings
    if not settings.rotation_queue_url:
        fail("SPAPI_ROTATION_QUEUE_URL is not set: the notice has no queue to go to", as_json)
    sent = send_expiry_notice(
        settings.rotation_queue_url, settings.application_id, settings.lwa_client_id, days
    )
    emit_one(
        as_json,
        sent,
        f"Queued expiry notice {sent['notification_id']}: the secret expires {sent['expires']}.",
    )
