"""The Associates check as every face (console, CLI, API) builds it from the app's services."""

from sqlalchemy.exc import SQLAlchemyError

from auth.associates.check import Checker
from auth.associates.exchanges import SIMULATOR_BASE
from auth.associates.exchanges import router
from auth.vault.crypto import digest
from web.shared.services import services


def checker() -> Checker:
    """A checker for this app: Amazon, the simulator (``SPAPI_SIMULATOR=1``) or ``SPAPI_ASSOCIATES_URL``."""
    svc = services()
    settings = svc.settings
    base = settings.associates_url or (settings.public_url + SIMULATOR_BASE if settings.simulator else None)
    try:
        secrets = svc.client_secrets.secrets() or [settings.lwa_client_secret]
    except SQLAlchemyError:
        secrets = [settings.lwa_client_secret]
    return Checker(
        vault=svc.vault,
        route=router(base),
        cooldown=settings.associates_cooldown,
        sp_api_client_id=settings.lwa_client_id,
        sp_api_secret_hashes=frozenset(digest(s) for s in secrets),
    )
