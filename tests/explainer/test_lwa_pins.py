"""Pinned: what a user sees for LWA error bodies whose description says more than the code, for
bodies the explainer does not recognise, and the rank of a message-matched LWA entry (issue 23)."""

import json

import pytest


def explained(client, body) -> dict:
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/explain", data=text, headers={"Content-Type": "text/plain"}).get_json()


def entry_ids(result) -> list[str]:
    return [entry["id"] for entry in result["entries"]]


@pytest.mark.parametrize(
    ("description", "first"),
    [
        # The code alone (invalid_grant) has two causes; the description names which grant failed.
        ("The request has an invalid grant parameter : code", "invalid_grant-code"),
        ("The request has an invalid grant parameter : refresh_token", "invalid_grant-refresh_token"),
        ("The authorization code has expired", "invalid_grant-code"),
    ],
)
def test_the_description_chooses_between_entries_that_share_the_code(client, description, first):
    result = explained(client, {"error": "invalid_grant", "error_description": description})
    assert result["recognised"] and entry_ids(result)[0] == first


def test_a_message_matched_lwa_entry_ranks_first_without_any_code(client):
    result = explained(client, "LWA said: The request has an invalid grant parameter : code")
    assert entry_ids(result)[0] == "invalid_grant-code"


def test_invalid_client_is_explained_as_the_apps_credentials(client):
    result = explained(
        client, {"error": "invalid_client", "error_description": "Client authentication failed"}
    )
    assert entry_ids(result)[0] == "invalid_client"


def test_a_body_the_explainer_does_not_recognise_says_so_and_invents_nothing(client):
    result = explained(client, {"foo": "bar", "weird": "zzz qqq"})
    assert result["recognised"] is False and result["entries"] == []
    assert not [f for f in result["findings"] if f.get("severity") == "error"]
    page = client.get("/explain", query_string={"q": '{"foo": "bar"}'}).get_data(as_text=True)
    assert "Not recognised." in page and "Paste the whole error body" in page
