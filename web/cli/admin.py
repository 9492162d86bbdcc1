"""flask spapi commands for administration: doctor, rotate-keys, set-admin-password, assume-role."""

import json

import click
from flask.cli import with_appcontext

from web.cli.output import fail
from web.shared.services import services


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def doctor_command(as_json) -> None:
    """Check the configuration; exit 1 when there is an error."""
    from auth.explainer import setup_checks
    from web.shared.explaining import doctor_findings

    findings = doctor_findings()
    if as_json:
        click.echo(json.dumps([f.__dict__ for f in findings], indent=2))
    else:
        for finding in findings:
            hint = f"  (flask spapi explain {finding.entry_id})" if finding.entry_id else ""
            click.echo(f"[{finding.severity}] {finding.message}{hint}")
        click.echo("Errors found." if setup_checks.has_errors(findings) else "No errors.")
    if setup_checks.has_errors(findings):
        raise SystemExit(1)


@click.command("rotate-keys")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def rotate_keys_command(as_json) -> None:
    """Re-encrypt every stored token under the newest TOKEN_ENCRYPTION_KEYS key."""
    from auth.associates.credentials import rotate_credentials
    from auth.vault.rotation import rotate_all

    svc = services()
    with svc.sessions() as db:
        report = rotate_all(db, svc.vault)
        associates_rotated, associates_unreadable = rotate_credentials(db, svc.vault)
    data = {
        "rotated": report.rotated,
        "unreadable": [{"selling_partner_id": s, "region": r} for s, r in report.unreadable],
    }
    if associates_rotated or associates_unreadable:  # the document is unchanged without any
        data.update(associates_rotated=associates_rotated, associates_unreadable=associates_unreadable)
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(f"Re-encrypted {report.rotated} token(s) under the newest key.")
        for spid, region in report.unreadable:
            click.echo(
                f"Cannot decrypt {spid} in {region} with any configured key: it needs re-authorization."
            )
        for credential in associates_unreadable:
            click.echo(f"Cannot decrypt Associates credential {credential}: delete it and add it again.")
        if not report.unreadable and not associates_unreadable:
            click.echo("You can now remove the older keys from TOKEN_ENCRYPTION_KEYS.")
    if report.unreadable or associates_unreadable:
        raise SystemExit(1)


@click.command("set-admin-password")
@click.password_option("--password", prompt="Administrator password", help="Prompted for when omitted.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def set_admin_password_command(password, as_json) -> None:
    """Print the ADMIN_PASSWORD_HASH line for a password (the password itself is never stored)."""
    from auth.security.passwords import hash_password

    if len(password) < 12:
        fail("use at least 12 characters", as_json)
    line = hash_password(password)
    click.echo(json.dumps({"ADMIN_PASSWORD_HASH": line}) if as_json else f"ADMIN_PASSWORD_HASH={line}")


@click.command("assume-role")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def assume_role_command(as_json) -> None:
    """Assume the legacy IAM role (SPAPI_ROLE_ARN) and show the temporary credentials, masked."""
    from auth.clients.sts import StsError

    session = services().role_session
    if session is None:
        fail("no SPAPI_ROLE_ARN is configured (signing is optional since October 2023)", as_json)
    try:
        credentials = session.credentials()
    except StsError as error:
        fail(
            f"STS answered {error.code}: {error.message}",
            as_json,
            code=error.code,
            explain=f"flask spapi explain {error.code}",
        )
    data = credentials.masked()
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        for name, value in data.items():
            click.echo(f"{name}: {value}")
