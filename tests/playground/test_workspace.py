"""The playground's typed workspace and the exact, masked request it shows."""

from auth.clients.exchange import as_curl
from auth.clients.exchange import mask_url
from auth.playground.workspace import AccessToken
from auth.playground.workspace import Workspace
from auth.playground.workspace import public_view


def test_a_workspace_round_trips_and_a_damaged_one_starts_empty():
    workspace = Workspace()
    workspace.access = AccessToken(
        "Atza|secret", "sha256:ab", 1.0, True, False, 1, "10:00:00 UTC", "EU", "seller"
    )
    workspace.remember_environment(sandbox=True)
    again = Workspace.from_dict(workspace.to_dict())
    assert again == workspace and again.environment == "sandbox"
    assert Workspace.from_dict({"access": {"token": "x"}, "environment": "mars"}) == Workspace()
    assert Workspace.from_dict("garbage") == Workspace()
    assert "token" not in public_view(workspace.access)


def test_the_query_string_is_kept_and_only_secret_values_are_masked():
    url = "https://sellingpartnerapi-na.amazon.com/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER&state=s3cr3t"
    shown = mask_url(url)
    assert shown.startswith(
        "https://sellingpartnerapi-na.amazon.com/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER&"
    )
    assert "s3cr3t" not in shown and "state=[sha256:" in shown
    assert mask_url("https://example.com/a") == "https://example.com/a"


def test_copy_as_curl_quotes_everything_and_keeps_masks():
    curl = as_curl(
        "POST",
        "https://example.com/x?a=1&b=2",
        {"x-amz-access-token": "[sha256:abcd]", "Content-Length": "2", "content-type": "application/json"},
        '{"it\'s": 1}',
    )
    assert curl.startswith("curl -X POST 'https://example.com/x?a=1&b=2'")
    assert "-H 'x-amz-access-token: [sha256:abcd]'" in curl and "Content-Length" not in curl
    assert "--data-raw" in curl
