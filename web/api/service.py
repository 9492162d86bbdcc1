"""The app's one token service (built on first use from its services)."""

from flask import current_app

from auth.tokens.service import TokenService
from web.shared.services import services


def token_service() -> TokenService:
    """The app's token service."""
    service = current_app.extensions.get("token_service")
    if service is None:
        svc = services()
        service = current_app.extensions["token_service"] = TokenService(
            svc.vault, svc.token_cache, svc.settings.spapi_url, sessions=svc.sessions
        )
    return service
