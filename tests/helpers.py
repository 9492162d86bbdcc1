"""Small helpers shared by tests: starting a flow, reading the database."""

from html.parser import HTMLParser
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


class _ElementText(HTMLParser):
    """Collects the text inside the element with one ``id`` (nested tags included)."""

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.parts, self.found = element_id, 0, [], False

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def element_text(html: str, element_id: str) -> str | None:
    """The text a reader sees in the element ``id=element_id`` of a page (None if absent)."""
    parser = _ElementText(element_id)
    parser.feed(html)
    return " ".join("".join(parser.parts).split()) if parser.found else None
