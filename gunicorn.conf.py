"""gunicorn settings for production: gunicorn -c gunicorn.conf.py 'app:create_app()'."""

import multiprocessing

# Behind a reverse proxy that terminates TLS; set TRUST_PROXY_HOPS=1 for the app to see https.
bind = "127.0.0.1:8000"
workers = 2 * multiprocessing.cpu_count()
accesslog = "-"
# %(U)s is the path without its query string: the Redirect URI's query carries
# spapi_oauth_code and state, which must never reach a log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
