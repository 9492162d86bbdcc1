"""Fixtures of the Associates tests: a live app with the simulator, and its rehearsal accounts."""

import json

import pytest

from auth.simulator import associates as sim
from tests.conftest import live_simulator


@pytest.fixture
def associates_server(tmp_path):
    """A live app with the simulator whose checks may follow each other at once (no cool-down)."""
    with live_simulator(tmp_path, SPAPI_ASSOCIATES_COOLDOWN="0") as server:
        yield server


def account_fields(secret_key: str, name: str, version: str | None = None) -> tuple[list[str], str]:
    """The ``associates add`` arguments of a rehearsal account, and its secret (for stdin)."""
    account = sim.BY_NAME[name]
    key_id, secret = sim.credentials(secret_key, account)
    args = ["--label", name, "--api", account.api, "--partner-tag", sim.TAG, "--marketplace", "US"]
    if account.api == "creators":
        args += ["--credential-id", key_id, "--credential-secret", "-"]
        args += ["--version", version or account.paste_version or account.version]
    else:
        args += ["--access-key", key_id, "--secret-key", "-"]
    return args, secret


def json_of(output: str):
    """The JSON document of a command's output (the live server's access log shares stderr)."""
    start = min(i for i in (output.find("{"), output.find("[")) if i >= 0)
    return json.loads(output[start:])


def add_account(app, name: str, version: str | None = None, simulator_key: str | None = None, **extra) -> int:
    """Store a rehearsal account through ``flask spapi associates add``; return its ID
    (``simulator_key``: the secret key of the simulator it will be checked against)."""
    key = simulator_key or app.extensions["spapi"].settings.secret_key
    args, secret = account_fields(key, name, version)
    for option, value in extra.items():
        args += [f"--{option.replace('_', '-')}", value]
    result = app.test_cli_runner().invoke(args=["spapi", "associates", "add", *args, "--json"], input=secret)
    assert result.exit_code == 0, result.output
    return json_of(result.output)["id"]


def calls_of(app, name: str) -> list[float]:
    """When the simulator received GetItems calls of account ``name``."""
    book = app.extensions.get("associates_simulator_calls")
    return [at for who, at in (book.calls if book else []) if who == name]
