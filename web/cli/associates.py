"""flask spapi associates: Amazon Associates credentials (add, list, delete, check)."""

import json
import sys

import click
from flask.cli import with_appcontext

from auth.associates import trail
from auth.associates.check import run_check
from auth.associates.check import valid_asin
from auth.associates.credentials import APIS
from auth.associates.credentials import CredentialError
from auth.associates.credentials import add_credential
from auth.associates.credentials import delete_credential
from auth.associates.credentials import describe
from auth.associates.credentials import get_credential
from auth.associates.credentials import list_credentials
from auth.associates.throttle import Wait
from auth.vault.crypto import VaultError
from web.cli.output import emit
from web.cli.output import emit_one
from web.cli.output import fail
from web.shared.associates import checker
from web.shared.services import services

SECRET_HELP = "Only '-' (read from stdin); omit it to be asked without echo. Never the secret itself."


@click.group("associates", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@with_appcontext
def associates_group(context: click.Context, as_json: bool) -> None:
    """List Associates credentials (fingerprints only); `add`, `check ID`, `delete ID`."""
    if context.invoked_subcommand is not None:
        return
    with services().sessions() as db:
        rows = [describe(row) for row in list_credentials(db)]
    if not rows and not as_json:
        click.echo("No Associates credentials yet. Add one with: flask spapi associates add --help")
    emit(as_json, rows, _line)


def _line(row: dict) -> str:
    version = f" {row['version']}" if row["version"] else ""
    checked = f"{row['last_result']} {row['last_checked_at']}" if row["last_result"] else "never checked"
    return (
        f"{row['id']}\t{row['api']}{version}\t{row['marketplace']}\t{row['partner_tag']}\t{row['label']}\t"
        f"id {row['credential_fingerprint']}\tsecret {row['secret_fingerprint']}\t{checked}"
    )


def _read_secret(value: str | None, option: str, label: str, as_json: bool) -> str:
    if value is None:
        return click.prompt(label, hide_input=True)
    if value != "-":
        # The secret already reached argv (and the shell history): refuse it, so the habit
        # of typing it there never works.
        fail(
            f"{option} takes only '-': send the secret on stdin (a secret in argv stays in history)", as_json
        )
    return sys.stdin.read().strip()


@associates_group.command("add")
@click.option("--label", required=True, help="A name for the credential (the site or plugin using it).")
@click.option("--api", type=click.Choice(APIS), required=True, help="creators, or the retired paapi5.")
@click.option("--credential-id", help="Creators API: the Credential ID.")
@click.option("--credential-secret", help=SECRET_HELP)
@click.option("--version", "version", help="Creators API: the credential's Version (2.1 … 3.3).")
@click.option("--access-key", help="PA-API 5.0: the Access Key.")
@click.option("--secret-key", help=SECRET_HELP)
@click.option("--partner-tag", required=True, help="The Associates tracking ID (e.g. mysite-20).")
@click.option("--marketplace", required=True, help="The store's country code (US, UK, DE, JP, …).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def add_command(
    label, api, credential_id, credential_secret, version, access_key, secret_key, **rest
) -> None:
    """Store a credential sealed in the vault; its secret is read from stdin or a prompt."""
    as_json, partner_tag, marketplace_code = rest["as_json"], rest["partner_tag"], rest["marketplace"]
    if api == "creators":
        if access_key or secret_key:
            fail(
                "--access-key/--secret-key are PA-API 5.0 fields; Creators API: --credential-id/-secret",
                as_json,
            )
        if not credential_id:
            fail("credential-id: required with --api creators", as_json, field="credential-id")
        key_id = credential_id
        secret = _read_secret(credential_secret, "--credential-secret", "Credential Secret", as_json)
    else:
        if credential_id or credential_secret:
            fail(
                "--credential-id/-secret are Creators API fields; PA-API 5.0: --access-key/--secret-key",
                as_json,
            )
        if not access_key:
            fail("access-key: required with --api paapi5", as_json, field="access-key")
        key_id = access_key
        secret = _read_secret(secret_key, "--secret-key", "Secret Key", as_json)
    with services().sessions() as db:
        try:
            row = add_credential(
                db,
                services().vault,
                label=label,
                api=api,
                key_id=key_id,
                secret=secret,
                partner_tag=partner_tag,
                marketplace_code=marketplace_code,
                version=version,
            )
        except CredentialError as error:
            fail(str(error), as_json, field=error.field)
        trail.added(db, "cli", row)
        db.commit()
        shown = describe(row)
    emit_one(as_json, shown, f"Associates credential {shown['id']} stored ({_line(shown)}).")


@associates_group.command("delete")
@click.argument("credential_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def delete_command(credential_id, as_json) -> None:
    """Delete a credential and its cached token; exit 1 when unknown."""
    with services().sessions() as db:
        if not delete_credential(db, credential_id):
            fail(f"no Associates credential {credential_id}", as_json)
        trail.deleted(db, "cli", credential_id)
        db.commit()
    emit_one(
        as_json, {"id": credential_id, "deleted": True}, f"Associates credential {credential_id} deleted."
    )


@associates_group.command("check")
@click.argument("credential_id", type=int)
@click.option("--asin", help="The ASIN GetItems asks for (default: a widely sold one).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def check_command(credential_id, asin, as_json) -> None:
    """Run the check; exit 0 PASS, 1 credential or eligibility failure, 2 Amazon unreachable or wait."""
    if asin is not None and not valid_asin(asin.strip().upper()):
        fail("asin: must be 10 letters and digits (like B07FZ8S74R)", as_json, field="asin")
    with services().sessions() as db:
        row = get_credential(db, credential_id)
        if row is None:
            fail(f"no Associates credential {credential_id}", as_json)
        try:
            report = run_check(db, checker(), row, asin)
        except Wait as wait:
            emit_one(
                as_json, {"result": "WAIT", "wait_seconds": wait.seconds, "message": str(wait)}, str(wait)
            )
            raise SystemExit(2) from None
        except VaultError:
            fail(
                f"credential {credential_id} cannot be decrypted with TOKEN_ENCRYPTION_KEYS: add it again",
                as_json,
            )
        trail.checked(db, "cli", row, report)
        db.commit()
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        _print_report(report)
    raise SystemExit(report["exit_code"])


def _print_report(report: dict) -> None:
    for number, step in enumerate(report["steps"], 1):
        click.echo(f"[{number}] {step['name']}: {step['status'].upper()}  {step.get('message', '')}")
        for finding in step.get("findings", []):
            click.echo(f"    {finding['severity']} {finding['field']}: {finding['message']}")
            click.echo(f"      fix: {finding['fix']}")
        for exchange in step.get("exchanges", []):
            click.echo(
                f"    {exchange['method']} {exchange['url']} -> HTTP {exchange['status']} "
                f"({exchange['elapsed_ms']} ms)"
            )
            for name, value in exchange["request_headers"].items():
                click.echo(f"      > {name}: {value}")
            if exchange["request_body"]:
                click.echo("      > " + exchange["request_body"].replace("\n", "\n      > "))
            click.echo("      < " + exchange["response_body"][:2000].replace("\n", "\n      < "))
    click.echo(report["summary"])
    if report["explain"]:
        click.echo(f"Explained: flask spapi explain {report['explain'].rsplit('/', 1)[-1]}")
