"""The flask spapi command group."""

import json

from tests.factories import stored_row
from tests.helpers import REFRESH_TOKEN


def store(app, spid="A1CLISELLER", region="EU", account="vendor"):
    return stored_row(app, spid, region=region, account_type=account, refresh_token=REFRESH_TOKEN)


def test_authorizations_lists_rows_without_tokens(app, runner):
    empty = runner.invoke(args=["spapi", "authorizations"])
    assert empty.exit_code == 0 and "No authorizations" in empty.output
    row = store(app)
    result = runner.invoke(args=["spapi", "authorizations"])
    assert result.exit_code == 0
    fields = result.output.strip().split("\t")
    assert fields[:3] == ["A1CLISELLER", "vendor", "EU"]
    assert fields[3].startswith(row.authorized_at.date().isoformat()) and "T" in fields[3]
    assert fields[4] == row.fingerprint
    assert "Atzr" not in result.output


def test_authorizations_json(app, runner):
    store(app)
    store(app, spid="A2OTHER", region="NA", account="seller")
    rows = json.loads(runner.invoke(args=["spapi", "authorizations", "--json"]).output)
    assert {r["selling_partner_id"] for r in rows} == {"A1CLISELLER", "A2OTHER"}
    contract = {"selling_partner_id", "account_type", "region", "authorized_at", "fingerprint"}
    contract |= {"status", "trust"}
    assert all(contract <= set(r) and r["status"] == "active" and r["trust"] == "claimed" for r in rows)
    assert all(isinstance(r["id"], int) for r in rows)


def test_simulator_proxy_refuses_without_the_simulator(runner):
    result = runner.invoke(args=["spapi", "simulator-proxy"])
    assert result.exit_code != 0 and "SPAPI_SIMULATOR=1" in result.output
