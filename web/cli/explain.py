"""flask spapi explain: the explainer on the command line."""

import json
import sys

import click
from flask.cli import with_appcontext


@click.command("explain")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@with_appcontext
def explain_command(text: str, as_json: bool) -> None:
    """Explain a code, message, error body or URL; '-' reads standard input."""
    from auth.explainer.diagnose import diagnose
    from web.shared.explaining import app_context
    from web.shared.explaining import as_json as diagnosis_json

    if text == "-":
        text = sys.stdin.read(512 * 1024)
    result = diagnose(text, app_context())
    if as_json:
        click.echo(json.dumps(diagnosis_json(result), indent=2))
        return
    if not result.recognised:
        click.echo("Not recognised. Closest entries:" if result.suggestions else "Not recognised.")
        for entry in result.suggestions:
            click.echo(f"  {entry.code}: {entry.title}  (flask spapi explain {entry.id})")
        return
    click.echo(f"Read as: {result.kind}")
    for finding in result.findings:
        click.echo(f"[{finding.severity}] {finding.message}")
    for entry in result.entries:
        click.echo(f"\n{entry.code}: {entry.title} ({entry.system}, {entry.confidence})")
        click.echo(f"  {entry.meaning}")
        click.echo("  Likely causes:")
        for number, cause in enumerate(entry.causes, 1):
            click.echo(f"    {number}. {cause}")
        click.echo("  Fix:")
        for number, step in enumerate(entry.fix, 1):
            click.echo(f"    {number}. {step}")
