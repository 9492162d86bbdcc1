"""flask spapi invitations: create invitation links and list them."""

import click
from flask.cli import with_appcontext

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.config.marketplaces import ACCOUNT_TYPES
from auth.config.marketplaces import catalog
from auth.oauth.invitations import MAX_DAYS
from auth.oauth.invitations import create_invitation
from auth.oauth.invitations import invitation_url
from auth.oauth.invitations import list_invitations
from auth.oauth.invitations import status_of
from web.cli.output import emit
from web.cli.output import emit_one
from web.cli.output import fail
from web.shared.services import services


def invitation_json(invitation) -> dict:
    """An invitation as the CLI and the console's JSON show it (never its link's secret)."""
    return {
        "id": invitation.id,
        "label": invitation.label,
        "account_type": invitation.account_type,
        "marketplace_id": invitation.marketplace_id,
        "expected_partner_id": invitation.expected_partner_id,
        "status": status_of(invitation),
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
        "opened_at": invitation.opened_at.isoformat() if invitation.opened_at else None,
        "completed_at": invitation.completed_at.isoformat() if invitation.completed_at else None,
        "selling_partner_id": invitation.selling_partner_id,
    }


@click.group("invitations", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@with_appcontext
def invitations_group(context: click.Context, as_json: bool) -> None:
    """List invitations (created, opened, completed, expired); `create` makes a new one."""
    if context.invoked_subcommand is not None:
        return
    with services().sessions() as db:
        rows = [invitation_json(i) for i in list_invitations(db)]
    if not rows and not as_json:
        click.echo("No invitations yet. Create one with: flask spapi invitations create --label NAME")
    emit(
        as_json,
        rows,
        lambda r: f"{r['id']}\t{r['status']}\t{r['label']}\t{r['account_type']}\texpires {r['expires_at']}",
    )


@invitations_group.command("create")
@click.option("--label", required=True, help="Who the invitation is for (the customer's name).")
@click.option("--marketplace", help="Country code or marketplace ID; the customer chooses when omitted.")
@click.option("--account", type=click.Choice(ACCOUNT_TYPES), default="seller", show_default=True)
@click.option("--expected-partner", help="The selling partner ID that must come back.")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=7, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def create_command(label, marketplace, account, expected_partner, days, as_json) -> None:
    """Create a single-use invitation link and print it (shown only now)."""
    label = label.strip()
    if not label or len(label) > 120:
        fail("the label must have 1 to 120 characters", as_json)
    found = None
    if marketplace:
        found = catalog().find(marketplace)
        if found is None:
            fail(
                f"unknown marketplace {marketplace!r}; use one of {', '.join(catalog().valid_keys())}",
                as_json,
            )
        if found.central_url(account) is None:
            fail(f"Amazon documents no Vendor Central site for {found.name}", as_json)
    if expected_partner and not SELLING_PARTNER_ID_RE.fullmatch(expected_partner):
        fail("the expected selling partner ID is malformed", as_json)
    svc = services()
    with svc.sessions() as db:
        created = create_invitation(
            db,
            label=label,
            account_type=account,
            marketplace_id=found.marketplace_id if found else None,
            expected_partner_id=expected_partner,
            days=days,
            actor="admin:cli",
        )
        url = invitation_url(svc.settings.public_url, created.token)
        result = {
            "id": created.invitation.id,
            "url": url,
            "expires_at": created.invitation.expires_at.isoformat(),
        }
    emit_one(as_json, result, f"{url}\n(expires {result['expires_at']}; single use; shown only now)")
