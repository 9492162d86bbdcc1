"""Headers and redirects no test held (issue 23): the CSP that lets a form post to Amazon is
sent only where a form needs it, and after log-in the console goes only to its own pages."""

import pytest

AMAZON = "https://sellercentral.amazon.com"


@pytest.mark.parametrize("path", ["/"])
def test_the_pages_with_a_form_to_amazon_admit_its_hosts(client, path):
    policy = client.get(path).headers["Content-Security-Policy"]
    form_action = policy.split("form-action", 1)[1]
    assert AMAZON in form_action


@pytest.mark.parametrize(
    "path", ["/explain", "/console/login", "/oauth/complete", "/authorize?marketplace=XX", "/nothing-here"]
)
def test_every_other_page_keeps_form_action_to_itself(client, path):
    policy = client.get(path).headers["Content-Security-Policy"]
    assert policy.endswith("form-action 'self'") and "amazon" not in policy


@pytest.mark.parametrize(
    ("first", "landing"),
    [
        ("/console/authorizations", "/console/authorizations"),
        ("/console/audit", "/console/audit"),
        ("/console/api-keys", "/console/"),  # a page with a form to re-post: not a landing page
        ("/console/events", "/console/"),
    ],
)
def test_after_log_in_the_console_goes_only_to_its_own_landing_pages(client, admin, first, landing):
    assert client.get(first).status_code == 302
    answer = admin.login()
    assert answer.status_code == 302
    assert answer.headers["Location"] == landing
