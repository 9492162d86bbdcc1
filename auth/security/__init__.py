"""Security of the app itself: administrator password hashes, the log-in limiter and the
administrator's sessions (both in the database), and the redaction of secrets from every log
line.

May import: auth.config, auth.vault.
"""
