"""Re-authorization campaigns: ``flask spapi reauthorize`` and the console make one
partner-bound session per authorization, customer copied, and count the completed ones."""

import json
from datetime import timedelta

import requests
from sqlalchemy import update

from auth.vault.models import Authorization
from auth.vault.models import utcnow
from tests.conftest import live_login
from tests.conftest import post_form
from tests.connect.test_developer_flow import authorize
from tests.helpers import authorizations


def connect(developer, partner: str, customer: str) -> None:
    created = developer.create_session(customer_ref=customer, tags={"tier": customer[-1]})
    authorize(requests.Session(), created["url"], partner=partner)


def reauthorize(server, *args):
    return server.app.test_cli_runner().invoke(args=["spapi", "reauthorize", *args])


def test_the_command_makes_one_link_per_authorization_and_the_console_tracks_them(spapi, developer):
    connect(developer, "ACAMPAIGN00001", "cust-a")
    connect(developer, "ACAMPAIGN00002", "cust-b")
    result = reauthorize(spapi, "--all", "--days", "3", "--json")
    assert result.exit_code == 0, result.output
    rows = sorted(json.loads(result.output), key=lambda r: r["selling_partner_id"])
    assert [(r["selling_partner_id"], r["region"], r["customer_ref"]) for r in rows] == [
        ("ACAMPAIGN00001", "EU", "cust-a"),
        ("ACAMPAIGN00002", "EU", "cust-b"),
    ]
    assert all(set(r) == {"selling_partner_id", "region", "customer_ref", "url", "expires_at"} for r in rows)
    assert rows[0]["url"].startswith(f"{spapi.url}/connect/")

    # The first seller authorizes again; the second's link opened by another account waits.
    authorize(requests.Session(), rows[0]["url"], partner="ACAMPAIGN00001")
    authorize(requests.Session(), rows[1]["url"], partner="ASTRANGER00001")
    stored = {r.selling_partner_id: r for r in authorizations(spapi.app)}
    assert stored["ACAMPAIGN00001"].customer_ref == "cust-a"
    assert json.loads(stored["ACAMPAIGN00001"].tags) == {"tier": "a"}

    browser = live_login(spapi)
    console = browser.get(f"{spapi.url}/console/authorizations", timeout=10).text
    assert 'data-customer-ref="cust-a"' in console and "tier=a" in console
    listing = browser.get(f"{spapi.url}/console/reauthorize-campaigns", timeout=10)
    assert 'data-completed="2" data-total="2"' in listing.text
    detail_path = listing.text.split('href="/console/reauthorize-campaigns/')[1].split('"')[0]
    detail = browser.get(f"{spapi.url}/console/reauthorize-campaigns/{detail_path}", timeout=10)
    assert 'data-done="2"' in detail.text and 'data-status="stored"' in detail.text
    assert 'data-status="pending"' in detail.text
    for row in rows:  # the links were shown once, never again
        assert row["url"].rsplit("/", 1)[1] not in listing.text + detail.text


def test_partner_and_due_selections_and_refusals(spapi, developer):
    connect(developer, "ACAMPAIGN00003", "cust-c")
    connect(developer, "ACAMPAIGN00004", "cust-d")
    with spapi.app.extensions["spapi"].sessions() as db:
        db.execute(
            update(Authorization)
            .where(Authorization.selling_partner_id == "ACAMPAIGN00003")
            .values(authorized_at=utcnow() - timedelta(days=360))
        )
        db.commit()
    due = json.loads(reauthorize(spapi, "--due-within", "10", "--json").output)
    assert [r["selling_partner_id"] for r in due] == ["ACAMPAIGN00003"]
    one = json.loads(reauthorize(spapi, "--partner", "ACAMPAIGN00004", "--json").output)
    assert [r["customer_ref"] for r in one] == ["cust-d"]
    text = reauthorize(spapi, "--partner", "ACAMPAIGN00003")
    assert text.exit_code == 0 and text.output.startswith(
        "ACAMPAIGN00003\tEU\tcust-c\t" + spapi.url + "/connect/"
    )
    assert reauthorize(spapi, "--partner", "ANOSUCHPARTNER").exit_code == 1
    assert reauthorize(spapi, "--all", "--partner", "ACAMPAIGN00004").exit_code == 1
    assert reauthorize(spapi).exit_code == 1
    assert reauthorize(spapi, "--all", "--days", "0").exit_code == 2


def test_the_console_starts_a_campaign_and_names_bad_input(spapi, developer):
    connect(developer, "ACAMPAIGN00005", "cust-e")
    browser = live_login(spapi)
    page = f"{spapi.url}/console/reauthorize-campaigns"
    bad = post_form(browser, page, which="partners", partners="not-an-id!", days="3")
    assert bad.status_code == 400 and "selling partner IDs" in bad.text
    made = post_form(browser, page, which="partners", partners="ACAMPAIGN00005", days="3")
    assert made.status_code == 201 and f"{spapi.url}/connect/" in made.text and "cust-e" in made.text
