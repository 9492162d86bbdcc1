"""Small helpers shared by tests: starting a flow, reading the database."""

from urllib.parse import parse_qs
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlalchemy import select

from auth.oauth.tables import OAuthState
from auth.vault.models import Authorization

REFRESH_TOKEN = "Atzr|IwEBIA-test-refresh-token-value-0123456789abcdefghijklmnop"
ACCESS_TOKEN = "Atza|IwEBIA-test-access-token-value-0123456789"
CODE = "ANbcdEFghIJklMNopQRs"
SELLING_PARTNER_ID = "A3FHEXAMPLEYWS"


def query_of(location: str) -> dict[str, str]:
    """Return the single-valued query parameters of a URL."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


def start_website_flow(client, marketplace: str = "US", account: str = "seller") -> str:
    """Start the website workflow with ``client`` and return the issued state."""
    response = client.get(f"/authorize?marketplace={marketplace}&account={account}")
    assert response.status_code == 302, response.data
    return query_of(response.headers["Location"])["state"]


def count(app, model) -> int:
    """Count the rows of ``model``'s table."""
    with app.extensions["spapi"].sessions() as db:
        return db.scalar(select(func.count()).select_from(model))


def authorizations(app) -> list[Authorization]:
    """Return every stored authorization."""
    with app.extensions["spapi"].sessions() as db:
        return list(db.scalars(select(Authorization)))


def states(app) -> list[OAuthState]:
    """Return every stored state row."""
    with app.extensions["spapi"].sessions() as db:
        return list(db.scalars(select(OAuthState)))


def lwa_success(**extra) -> dict:
    """A token response as LWA sends it for a code exchange."""
    body = {
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "token_type": "bearer",
        "expires_in": 3600,
    }
    body.update(extra)
    return body
