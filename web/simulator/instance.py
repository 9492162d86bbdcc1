"""The app's one simulated Amazon and the request helpers its pages share."""

from urllib.parse import urlencode

from flask import abort

from auth.config.marketplaces import catalog
from auth.simulator.amazon import SimulatedAmazon
from web.shared.services import services

MAX_FIELD = 2048


def amazon() -> SimulatedAmazon:
    """Return the app's simulated Amazon (built with the other services)."""
    simulated = services().simulator
    if simulated is None:
        abort(404, "The simulator is off (SPAPI_SIMULATOR).")
    return simulated


def central(host: str) -> tuple:
    found = catalog().central_for_host(host)
    if found is None:
        abort(404, f"{host[:80]} is not a Seller Central or Vendor Central host the simulator knows.")
    return found


def arg(source, name: str) -> str | None:
    value = source.get(name)
    if value is not None and len(value) > MAX_FIELD:
        abort(400, f"{name} is longer than {MAX_FIELD} characters.")
    return value


def code_redirect(
    redirect_uri: str, state: str, selling_partner_id: str, rehearsal: str | None = None
) -> str:
    """Issue a code and return the Redirect URI call that carries it."""
    code = amazon().issue_code(selling_partner_id, redirect_uri, rehearsal)
    params = {"state": state, "selling_partner_id": selling_partner_id, "spapi_oauth_code": code}
    return with_query(redirect_uri, params)


def with_query(url: str, params: dict[str, str]) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode(params)}"
