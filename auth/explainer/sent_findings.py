"""What we sent, beside what came back: a consent-page code read against the consent request
this app built for the same state.

MD1000 has several causes (the LWA client ID where the application ID belongs, a missing or an
extra ``version=beta``, an app Amazon does not know); the request we sent tells them apart.
"""

from auth.explainer.findings import Finding
from auth.explainer.redirect_findings import RedirectSignals

LWA_CLIENT_PREFIX = "amzn1.application-oa2-client."
APPLICATION_PREFIXES = ("amzn1.sp.solution.", "amzn1.sellerapps.app.")


def sent_findings(signals: RedirectSignals) -> list[Finding]:
    """Findings that compare Amazon's consent-page codes with the consent request we sent."""
    if not (signals.sent_application_id or signals.sent_redirect_uri or signals.sent_app_status):
        return []
    codes = set(signals.codes)
    found: list[Finding] = []
    if "MD1000" in codes:
        found.extend(_md1000(signals))
    if codes & {"MD5101", "MD5110"} and signals.sent_redirect_uri:
        found.append(_redirect_uri(signals))
    return found


def _md1000(signals: RedirectSignals) -> list[Finding]:
    application_id, version = signals.sent_application_id, signals.sent_version
    if application_id.startswith(LWA_CLIENT_PREFIX):
        return [
            Finding(
                "error",
                f"The consent URI this app sent named the LWA client ID ({application_id[:60]}) as "
                "application_id. Amazon wants the SP-API application ID (amzn1.sp.solution.… or "
                "amzn1.sellerapps.app.…) shown beside the app in the Solution Provider Portal.",
                "MD1000",
            )
        ]
    if application_id and not application_id.startswith(APPLICATION_PREFIXES):
        return [
            Finding(
                "error",
                f"The consent URI this app sent named {application_id[:60]!r} as application_id, "
                "which is not an SP-API application ID.",
                "MD1000",
            )
        ]
    status = signals.sent_app_status
    if status == "draft" and version != "beta":
        return [
            Finding(
                "error",
                "The consent URI this app sent had no version=beta, and the app was set to draft: "
                "Amazon shows MD1000 for a draft app authorized without version=beta.",
                "MD1000",
            )
        ]
    if status == "published" and version == "beta":
        return [
            Finding(
                "error",
                "The consent URI this app sent carried version=beta for an app set to published: "
                "a published app must not send it.",
                "MD1000",
            )
        ]
    return [
        Finding(
            "warning",
            f"The consent URI this app sent matched SPAPI_APP_STATUS={status or 'unknown'} "
            f"({'with' if version == 'beta' else 'without'} version=beta) and named a well-formed "
            "application ID: if Amazon still answers MD1000, the app's real status differs from the "
            "setting, or the application ID belongs to another developer account.",
            "MD1000",
        )
    ]


def _redirect_uri(signals: RedirectSignals) -> Finding:
    uri = signals.sent_redirect_uri
    if "#" in uri:
        return Finding(
            "error",
            f"The consent URI this app sent carried redirect_uri={uri[:120]}, with a #fragment, "
            "which Amazon refuses.",
            "MD5110",
        )
    return Finding(
        "error",
        f"The consent URI this app sent carried redirect_uri={uri[:120]}: Amazon accepts only a "
        "Redirect URI registered for the app, character for character.",
        "MD5101",
    )
