"""What Amazon sends back to the Redirect URI without a code: every error parameter and
consent-page code is diagnosed, the seller is told what to do first, the developer second."""

import pytest

from auth.explainer.redirect_findings import RedirectSignals
from auth.explainer.redirect_findings import read_redirect
from auth.vault.models import Authorization
from tests.helpers import count
from tests.helpers import start_website_flow

ON_BOTH_DATABASES = True


def ended(client, **params):
    """Come back to the Redirect URI with ``params`` and follow to the landing page."""
    return client.get("/oauth/redirect", query_string=params, follow_redirects=True)


# (parameters besides state, entry expected first, seller outcome, words the seller reads)
CASES = [
    ({"error": "MD1000"}, "MD1000", "amazon.registration", b"Nothing is wrong with your account"),
    ({"error_code": "MD9000"}, "MD9000", "amazon.registration", b"Nothing is wrong with your account"),
    ({"error": "access_denied", "error_code": "md-5100"}, "MD5100", "amazon.registration", b"fix the app"),
    ({"error_description": "Error Code: SPDC 8143"}, "SPDC8143", "amazon.primary_user", b"primary user"),
    ({"error": "access_denied", "reason": "spdc-8143"}, "SPDC8143", "amazon.primary_user", b"primary user"),
    ({"ERROR": "Md_5101"}, "MD5101", "amazon.registration", b"Nothing is wrong with your account"),
    ({"error": "SPSA0404"}, "SPSA0404", "amazon.account_unsupported", b"cannot authorize this app"),
    ({"error": "access_denied"}, "access_denied", "amazon.access_denied", b"declined"),
    ({"error": "CONSENT_LIMIT_REACHED"}, "CONSENT_LIMIT_REACHED", "amazon.limit", b"raise the limit"),
    ({"error": "MD4321"}, None, "amazon.unknown", b"the code below"),
]


@pytest.mark.parametrize(("params", "entry", "seller", "words"), CASES)
def test_amazon_errors_are_diagnosed_for_seller_and_developer(
    app, client, httpserver, params, entry, seller, words
):
    response = ended(client, state=start_website_flow(client), **params)
    assert response.status_code == 400
    assert f'data-outcome="{seller}"'.encode() in response.data
    assert words in response.data
    page = response.data.decode()
    # The seller's words come before the developer's section.
    assert page.index("What to do:") < page.index("For the app's developer")
    if entry:
        assert f'data-entry="{entry}"' in page and f'href="/explain/{entry}"' in page
    assert httpserver.log == [] and count(app, Authorization) == 0


def test_a_plain_cancellation_is_200_and_never_says_already_completed(client):
    state = start_website_flow(client)
    first = ended(client, state=state)
    assert first.status_code == 200 and b'data-outcome="cancelled.none"' in first.data
    assert b"already completed" not in client.get("/oauth/complete").data


@pytest.mark.parametrize("state", [None, "never-issued-state-value", "x" * 5000])
def test_a_bad_state_still_tells_the_seller_what_to_do(client, state):
    params = {"error": "SPDC8143"} if state is None else {"state": state, "error": "SPDC8143"}
    response = client.get("/oauth/redirect", query_string=params)
    assert response.status_code == 400
    assert b'data-outcome="amazon.primary_user"' in response.data
    assert b"nothing was stored" in response.data


def test_a_bad_state_without_an_error_keeps_its_own_explained_page(client):
    response = client.get("/oauth/redirect", query_string={"state": "never-issued"})
    assert response.status_code == 400
    assert b'data-outcome="state.malformed"' in response.data
    assert b'href="/explain/state-unknown"' in response.data


@pytest.mark.parametrize(
    ("params", "words"),
    [
        (
            {"mws_auth_token": "amzn.mws.secret-value", "selling_partner_id": "A1EXAMPLE"},
            b"legacy MWS authorization",
        ),
        (
            {
                "amazon_callback_uri": "https://sellercentral.amazon.com/apps/authorize/confirm/x",
                "amazon_state": "s",
            },
            b"swapped",
        ),
        ({"selling_partner_id": "A1EXAMPLE"}, b"issued no code"),
    ],
)
def test_parameters_of_other_steps_are_named(client, params, words):
    response = ended(client, state=start_website_flow(client), **params)
    assert words in response.data
    assert b"secret-value" not in response.data  # a token is never echoed


def test_signals_never_carry_state_code_or_tokens():
    signals = read_redirect(
        {
            "state": "MD1234-looking-state",
            "spapi_oauth_code": "SPDC9999",
            "mws_auth_token": "MD5555",
            "error": "x",
        }
    )
    assert signals.codes == () and signals.mws_auth_token
    assert "MD1234" not in str(signals.as_dict()) and "SPDC9999" not in str(signals.as_dict())


def test_signals_survive_the_session_and_reject_junk():
    signals = read_redirect({"error": "md 1000", "error_description": "d" * 1000})
    assert RedirectSignals.from_dict(signals.as_dict()) == signals
    assert signals.codes == ("MD1000",) and len(signals.error_description) == 300
    assert RedirectSignals.from_dict("junk") == RedirectSignals()
    assert RedirectSignals.from_dict({"codes": "MD1000", "mws_auth_token": "yes"}) == RedirectSignals()


def test_every_failure_outcome_links_to_an_existing_explanation():
    from auth.explainer.catalog import catalog
    from auth.oauth.outcomes import all_outcomes

    for key, result in all_outcomes().items():
        if key.startswith("amazon."):
            assert all(catalog().get(e) for e in result.entries), key
        else:
            assert result.explain and (catalog().get(result.explain) or catalog().for_code(result.explain)), (
                key
            )
