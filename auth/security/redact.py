"""A logging filter that removes OAuth secrets from log lines, whoever writes them.

The Werkzeug development server and most proxies log the request line with its query string,
and the Redirect URI's query carries ``spapi_oauth_code`` and ``state``.
"""

import logging
import re

SECRET_PARAMS = (
    "spapi_oauth_code",
    "code",
    "state",
    "amazon_state",
    "refresh_token",
    "access_token",
    "client_secret",
    "mws_auth_token",
    "login_session",
)
_PARAM_RE = re.compile(r"(?i)\b(" + "|".join(SECRET_PARAMS) + r")=([^&\s\"']+)")
_TOKEN_RE = re.compile(r"Atz(?:[ar]|\.sprdt)\|[A-Za-z0-9_\-|.+/=]+")
# Invitation and connect-session links carry their secret in the path, which access logs keep.
_INVITE_RE = re.compile(r"(/(?:invite|connect)/)[A-Za-z0-9_-]{8,}")


def redact(text: str) -> str:
    """Replace secret query values and LWA tokens in ``text`` with ``[redacted]``."""
    # Every log line passes here (each access line three times); a secret query value needs
    # "=", and the parameter scan is most of the cost on lines without one.
    if "=" in text:
        text = _PARAM_RE.sub(lambda m: f"{m.group(1)}=[redacted]", text)
    text = _INVITE_RE.sub(r"\1[redacted]", text)
    return _TOKEN_RE.sub("[redacted-token]", text)


class RedactingFilter(logging.Filter):
    """Rewrite every record's message with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _redacting_factory(previous):
    def make_record(*args, **kwargs):
        record = previous(*args, **kwargs)  # pragma: no mutate (logging passes no keywords)
        RedactingFilter().filter(record)
        return record

    make_record.redacts = True
    return make_record


def install(logger_names: tuple[str, ...] = ("", "werkzeug", "gunicorn.access", "gunicorn.error")) -> None:
    """Redact every log record of this process, whoever logs it and whichever handler writes it.

    The record factory cleans each record as it is made, so handlers added later (gunicorn's,
    a test's) and records of child loggers are covered; the filters on the named loggers and
    their handlers also clean records made before this call's factory, e.g. by another factory.
    Idempotent.
    """
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "redacts", False):
        logging.setLogRecordFactory(_redacting_factory(factory))
    for name in logger_names:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, RedactingFilter) for f in target.filters):
                target.addFilter(RedactingFilter())
    # These libraries log request details (botocore: the canonical request, with tokens) at
    # DEBUG; keep them at WARNING whatever the root level is.
    for noisy in ("botocore", "boto3", "urllib3", "authlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
