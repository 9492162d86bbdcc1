"""What we sent, with what came back: a consent-page code read beside the consent request this
app built for the same state (application ID, ``version``, marketplace, ``redirect_uri``, the
app's status then).

MD1000 has several causes (the LWA client ID where the application ID belongs, a missing or an
extra ``version=beta``, an app Amazon does not show to this account); the request we sent tells
them apart.
"""

from auth.explainer.findings import Finding
from auth.explainer.redirect_findings import RedirectSignals

CLIENT_ID_PREFIX = "amzn1.application-oa2-client."
APPLICATION_PREFIXES = ("amzn1.sp.solution.", "amzn1.sellerapps.app.")


def sent_findings(signals: RedirectSignals) -> list[Finding]:
    """Findings comparing the codes Amazon sent back with the consent request we sent."""
    if not signals.sent_known or not signals.codes:
        return []
    sent = (
        f"application_id {signals.sent_application_id or '(none)'}, "
        + ("version=beta" if signals.sent_version == "beta" else "no version parameter")
        + (f", marketplace {signals.sent_marketplace_id}" if signals.sent_marketplace_id else "")
        + (f", redirect_uri {signals.sent_redirect_uri[:120]}" if signals.sent_redirect_uri else "")
    )
    found = [Finding("info", f"The consent URI this app sent for this state carried {sent}.")]
    if "MD1000" in signals.codes or signals.sent_application_id.startswith(CLIENT_ID_PREFIX):
        found += _md1000(signals)
    if {"MD5101", "MD5110"} & set(signals.codes) and signals.sent_redirect_uri:
        found.append(_redirect_uri(signals.sent_redirect_uri))
    return found


def _md1000(signals: RedirectSignals) -> list[Finding]:
    application_id, beta, status = (
        signals.sent_application_id,
        signals.sent_version == "beta",
        signals.sent_app_status,
    )
    if application_id.startswith(CLIENT_ID_PREFIX):
        return [
            Finding(
                "error",
                f"The consent URI this app sent named the LWA client ID ({application_id[:60]}) as "
                "application_id; Amazon needs the app's application ID (amzn1.sp.solution.…), shown "
                "beside the app in the Solution Provider Portal. Fix SPAPI_APPLICATION_ID.",
                "MD1000",
            )
        ]
    if application_id and not application_id.startswith(APPLICATION_PREFIXES):
        return [
            Finding(
                "error",
                f"The consent URI this app sent named {application_id[:60]!r} as application_id, which "
                "is not an SP-API application ID.",
                "MD1000",
            )
        ]
    if beta and status == "published":
        return [
            Finding(
                "error",
                "The consent URI this app sent carried version=beta for an app set to published: a "
                "published app must not send it.",
                "MD1000",
            )
        ]
    if beta:
        # version=beta was there, so the draft case is ruled out: the ID or the account is.
        return [
            Finding(
                "warning",
                "version=beta was sent, as a draft app needs, so MD1000 here is not the missing beta "
                "flag: Amazon did not find this application ID for the account that signed in. Check "
                "that SPAPI_APPLICATION_ID is the app's ID and that the account may see the draft app "
                "(the developer's own or an authorized test account).",
                "MD1000",
            )
        ]
    if status == "draft":
        return [
            Finding(
                "error",
                "The consent URI this app sent had no version=beta, and the app was set to draft: "
                "Amazon shows MD1000 for a draft app authorized without version=beta.",
                "MD1000",
            )
        ]
    return [
        Finding(
            "warning",
            "No version=beta was sent because this app is set to published (SPAPI_APP_STATUS); if the "
            "app is still a draft on Amazon's side, that is the cause of MD1000: set "
            "SPAPI_APP_STATUS=draft, or publish the app.",
            "MD1000",
        )
    ]


def _redirect_uri(uri: str) -> Finding:
    if "#" in uri:
        return Finding(
            "error",
            f"The consent URI this app sent carried redirect_uri={uri[:120]}, with a #fragment, which "
            "Amazon refuses.",
            "MD5110",
        )
    return Finding(
        "error",
        f"The consent URI this app sent carried redirect_uri={uri[:120]}: Amazon accepts only a "
        "Redirect URI registered for the app, character for character.",
        "MD5101",
    )
