"""The ``flask spapi`` command group: one module per concern, every command registered here."""

from flask import Flask
from flask.cli import AppGroup

from web.cli import admin
from web.cli import api_keys
from web.cli import associates
from web.cli import authorizations
from web.cli import connect
from web.cli import database
from web.cli import explain
from web.cli import flow
from web.cli import invitations
from web.cli import lifecycle
from web.cli import operations
from web.cli import simulator
from web.cli import simulator_controls
from web.cli import tokens

COMMANDS = (
    authorizations.authorizations_command,
    authorizations.approve_command,
    authorizations.reject_command,
    invitations.invitations_group,
    api_keys.api_keys_group,
    explain.explain_command,
    flow.auth_url_command,
    flow.exchange_command,
    tokens.refresh_command,
    tokens.test_command,
    tokens.grantless_command,
    admin.doctor_command,
    admin.rotate_keys_command,
    admin.set_admin_password_command,
    admin.assume_role_command,
    simulator.simulator_proxy_command,
    lifecycle.rotate_secret_command,
    lifecycle.notifications_group,
    lifecycle.due_command,
    lifecycle.events_group,
    associates.associates_group,
    connect.reauthorize_command,
    operations.check_command,
    operations.worker_command,
    simulator_controls.simulator_group,
)


def create_group() -> AppGroup:
    """Build the ``spapi`` group with every command."""
    group = AppGroup("spapi", help="Manage SP-API authorizations.")
    for command in COMMANDS:
        group.add_command(command)
    group.add_command(database.create_group())
    return group


def init_app(app: Flask) -> None:
    """Register the command group on ``app``."""
    app.cli.add_command(create_group())
