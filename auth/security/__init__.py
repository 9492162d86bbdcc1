"""Security of the app itself: administrator password hashes, the log-in limiter, and the
redaction of secrets from every log line.

May import: auth.config.
"""
