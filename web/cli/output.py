"""How every command prints: text or JSON, and errors with exit status 1."""

import json

import click


def emit(as_json: bool, rows: list[dict], line) -> None:
    """Print ``rows`` as JSON, or one formatted line per row."""
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(line(row))


def emit_one(as_json: bool, result: dict, text: str) -> None:
    """Print one result as a JSON object, or as a sentence."""
    click.echo(json.dumps(result, indent=2) if as_json else text)


def fail(message: str, as_json: bool, **extra) -> None:
    """Print an error (text or JSON) and exit 1."""
    if as_json:
        click.echo(json.dumps({"error": message, **extra}, indent=2))
    else:
        click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


def lwa_failure(error, as_json: bool) -> None:
    """Explain an LWA failure (text or JSON) and exit 1."""
    from auth.explainer.diagnose import explain_lwa_error
    from web.shared.explaining import app_context

    entries = [e.id for e in explain_lwa_error(error, app_context()).entries] or [error.kind]
    fail(
        f"LWA answered {error.kind}: {error.description or 'no description'}",
        as_json,
        kind=error.kind,
        http_status=error.http_status,
        explain=[f"flask spapi explain {e}" for e in entries],
    )
