"""flask spapi simulator-proxy: let any SP-API client reach the simulator by configuration."""

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("simulator-proxy")
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Port on 127.0.0.1 (0: any).")
@with_appcontext
def simulator_proxy_command(port: int) -> None:
    """Serve an HTTPS proxy that sends Amazon's hosts to this app's simulator, until Ctrl-C."""
    from auth.simulator.proxy import SimulatorProxy
    from web.shared.services import services

    settings = services().settings
    if not settings.simulator:
        raise click.ClickException("The simulator is off: set SPAPI_SIMULATOR=1 and start the app first.")
    directory = Path(current_app.instance_path) / "simulator-proxy"
    proxy = SimulatorProxy(settings.public_url, directory, port=port).start()
    click.echo("Point SP-API clients at the simulator with:")
    click.echo(f"  export HTTPS_PROXY={proxy.url}")
    click.echo(f"  export SSL_CERT_FILE={proxy.ca_path}  REQUESTS_CA_BUNDLE={proxy.ca_path}")
    click.echo(f"The app must be serving at {settings.public_url}. Ctrl-C stops the proxy.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        proxy.close()
