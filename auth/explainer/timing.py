"""Timing evidence: timestamps in an error report that show a code used too late."""

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

from auth.explainer.catalog import normalize
from auth.explainer.findings import Finding

TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.now().astimezone().tzinfo)


def parse_http_date(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def timing_findings(text: str, matched_ids) -> list[Finding]:
    """An invalid_grant on a code, with timestamps in the input more than 5 minutes apart."""
    if "invalid_grant-code" not in matched_ids and "invalid grant parameter : code" not in normalize(text):
        return []
    stamps = [parse_time(s) for s in TIMESTAMP_RE.findall(text)[:50]]
    stamps.extend(
        parse_http_date(m) for m in re.findall(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT", text)[:50]
    )
    stamps = sorted(s for s in stamps if s is not None)
    if len(stamps) >= 2:
        minutes = (stamps[-1] - stamps[0]).total_seconds() / 60
        if minutes > 5:
            return [
                Finding(
                    "error",
                    f"The timestamps in this input are {minutes:.0f} minutes apart: an "
                    "spapi_oauth_code lives 5 minutes, so it had expired before the exchange.",
                    "invalid_grant-code",
                )
            ]
    return []
