"""The app's one token service (built with the other services in ``create_app``)."""

from auth.tokens.service import TokenService
from web.shared.services import services


def token_service() -> TokenService:
    """The app's token service."""
    return services().token_service
