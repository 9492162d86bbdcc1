"""gunicorn settings for production: gunicorn -c gunicorn.conf.py 'app:create_app()'.

Run it behind a buffering reverse proxy that terminates TLS (README, "Going to production"):
gunicorn's workers are not meant to face slow clients on the internet.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from auth.security.log_escape import escape_controls

# Behind a reverse proxy that terminates TLS; set TRUST_PROXY_HOPS=1 for the app to see https.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
# Threads, not one request per process: a callback waiting on a slow LWA (up to about 20 s,
# bounded by the app) holds one thread, not a whole worker, so the site keeps answering.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 16))
# A gthread worker otherwise keeps accepting connections while all its threads are busy and
# queues them behind a slow callback; capped at its threads, it leaves them to idle workers.
worker_connections = threads
# Above the app's own upstream bounds (LWA 10 s + evidence 6 s + connects), so a worker is
# only ever killed for a real hang.
timeout = 30
graceful_timeout = 20
accesslog = "-"
# %(U)s is the path without its query string: the Redirect URI's query carries
# spapi_oauth_code and state, which must never reach a log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'


class EscapingLogger(Logger):
    """gunicorn's logger, with control characters in every access-log field escaped: the path
    is percent-decoded, so ``%0d%0a`` would otherwise write a forged line."""

    def atoms(self, resp, req, environ, request_time):
        """gunicorn's atoms, each string escaped."""
        return {k: escape_controls(v) for k, v in super().atoms(resp, req, environ, request_time).items()}


logger_class = EscapingLogger
# gunicorn's own messages (malformed request lines, worker errors) can quote a whole request
# line: every handler gets the redaction filter.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "auth.security.redact.RedactingFilter"}},
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact"],
            "stream": "ext://sys.stdout",
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact"],
            "stream": "ext://sys.stderr",
        },
    },
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
    },
}


def on_starting(_server):
    """Redact records from the master process too, before any worker starts."""
    from auth.security import redact

    redact.install()
    _fresh_metrics_directory()


def _fresh_metrics_directory():
    """Start every run's metrics afresh: counters left by an earlier run's workers would add up."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(_server, worker):
    """A dead worker's live gauges must not be summed any longer (its counters stay)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
