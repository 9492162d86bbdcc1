"""flask spapi reauthorize: a re-authorization campaign, one partner-bound connect session per
authorization (its customer reference and tags copied), the links printed once."""

import click
from flask.cli import with_appcontext

from auth.connect.campaigns import DEFAULT_DAYS
from auth.connect.campaigns import MAX_DAYS
from auth.connect.campaigns import select_authorizations
from auth.connect.campaigns import start_campaign
from web.cli.output import emit
from web.cli.output import fail
from web.shared.services import services


@click.command("reauthorize")
@click.option("--all", "every", is_flag=True, help="Every stored authorization.")
@click.option("--partner", "partners", multiple=True, help="A selling partner ID (repeat).")
@click.option("--due-within", "due_days", type=click.IntRange(0, 365), help="Those due within DAYS.")
@click.option(
    "--days",
    type=click.IntRange(1, MAX_DAYS),
    default=DEFAULT_DAYS,
    show_default=True,
    help="Days the links last.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@with_appcontext
def reauthorize_command(
    every: bool, partners: tuple[str, ...], due_days: int | None, days: int, as_json: bool
):
    """Make re-authorization links (shown only now) for the chosen authorizations."""
    chosen = [every, bool(partners), due_days is not None]
    if sum(chosen) != 1:
        fail("choose exactly one of --all, --partner ID ..., --due-within DAYS", as_json)
    selector = (
        "all"
        if every
        else f"due within {due_days} days"
        if due_days is not None
        else "partners " + " ".join(partners)
    )
    with services().sessions() as db:
        rows = select_authorizations(db, every=every, partners=partners, due_days=due_days)
        missing = sorted(set(partners) - {row.selling_partner_id for row in rows})
        if missing:
            fail(f"no stored authorization for {missing[0][:40]}", as_json)
        if not rows:
            emit(as_json, [], None)
            return
        campaign_id, made = start_campaign(db, rows, services().settings.public_url, selector, days)
    emit(
        as_json,
        [row.as_json() for row in made],
        lambda r: "\t".join(
            (r["selling_partner_id"], r["region"], r["customer_ref"] or "-", r["url"], r["expires_at"])
        ),
    )
    if not as_json:
        click.echo(
            f"campaign {campaign_id}: {len(made)} link(s); "
            f"follow it at /console/reauthorize-campaigns/{campaign_id}",
            err=True,
        )
