"""What we sent, with what came back: a consent-page code read beside the consent URI this app
built for that state (application ID, ``version``, marketplace), so that MD1000 after
``version=beta`` for a draft app is told apart from MD1000 without it.
"""

from auth.explainer.findings import Finding
from auth.explainer.redirect_findings import RedirectSignals

CLIENT_ID_PREFIX = "amzn1.application-oa2-client."


def sent_findings(signals: RedirectSignals) -> list[Finding]:
    """Findings comparing the codes Amazon sent back with the consent URI we sent."""
    if not signals.sent_known or not signals.codes:
        return []
    sent = (
        f"application_id {signals.sent_application_id or '(none)'}, "
        + ("version=beta" if signals.sent_version == "beta" else "no version parameter")
        + (f", marketplace {signals.sent_marketplace_id}" if signals.sent_marketplace_id else "")
    )
    found = [Finding("info", f"The consent URI this app sent for this state carried {sent}.")]
    if signals.sent_application_id.startswith(CLIENT_ID_PREFIX):
        found.append(
            Finding(
                "error",
                "The application_id sent is an LWA client ID; Amazon needs the app's "
                "application ID (amzn1.sp.solution...). Fix SPAPI_APPLICATION_ID.",
                "MD1000",
            )
        )
    elif "MD1000" in signals.codes and signals.sent_version == "beta":
        # version=beta was there, so the draft case is ruled out: the ID or the account is.
        found.append(
            Finding(
                "warning",
                "version=beta was sent, as a draft app needs, so MD1000 here is not the missing "
                "beta flag: Amazon did not find this application ID for the account that signed "
                "in. Check that SPAPI_APPLICATION_ID is the app's ID and that the account may "
                "see the draft app (the developer's own or an authorized test account).",
                "MD1000",
            )
        )
    elif "MD1000" in signals.codes:
        found.append(
            Finding(
                "warning",
                "No version=beta was sent because this app is set to published "
                "(SPAPI_APP_STATUS); if the app is still a draft on Amazon's side, that is the "
                "cause of MD1000: set SPAPI_APP_STATUS=draft, or publish the app.",
                "MD1000",
            )
        )
    return found
