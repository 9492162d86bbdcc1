"""Two flows racing through one invitation: exactly one claims it, the other ends refused or
pending, on SQLite and PostgreSQL (issue 23)."""

import threading
from urllib.parse import urljoin

import requests
from sqlalchemy import select

from auth.vault.models import Invitation
from auth.vault.store import list_pending
from tests.conftest import live_simulator
from tests.helpers import authorizations
from tests.live import parse_form
from tests.oauth.test_invitations import create

ON_BOTH_DATABASES = True


def test_exactly_one_of_two_racing_flows_claims_the_invitation(tmp_path, database_url):
    with live_simulator(tmp_path, DATABASE_URL=database_url) as server:
        invitation = create(server)
        browser = requests.Session()
        page = browser.get(invitation["url"], timeout=10)
        form = parse_form(page.text)
        consents = [
            browser.get(
                urljoin(page.url, form["action"]), params={**form["fields"], "marketplace": "US"}, timeout=10
            )
            for _ in range(2)
        ]
        barrier, landings = threading.Barrier(2), []

        def confirm(consent, account):
            consent_form = parse_form(consent.text)
            decision = {**consent_form["fields"], "decision": "confirm", "selling_partner_id": account}
            barrier.wait()
            landings.append(
                browser.post(urljoin(consent.url, consent_form["action"]), data=decision, timeout=20)
            )

        threads = [
            threading.Thread(target=confirm, args=(consent, account))
            for consent, account in zip(consents, ("ARACEFIRST0001", "ARACESECOND001"), strict=True)
        ]
        [t.start() for t in threads]
        [t.join() for t in threads]
        texts = [landing.text for landing in landings]
        assert sum("You're connected" in t for t in texts) == 1, [landing.status_code for landing in landings]
        loser = next(t for t in texts if "You're connected" not in t)
        assert 'data-outcome="callback.invitation_used"' in loser or "Authorization received" in loser
        invited = [r for r in authorizations(server.app) if r.invitation_id is not None]
        assert len(invited) == 1 and len(authorizations(server.app)) == 1
        with server.app.extensions["spapi"].sessions() as db:
            [row] = db.scalars(select(Invitation)).all()
            assert row.selling_partner_id == invited[0].selling_partner_id
            assert all(p.invitation_id is None for p in list_pending(db))
