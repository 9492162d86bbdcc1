"""What every view shares: per-app services and the DB session, the browser cookie, security
headers, error pages, the session serializer and the explanation helpers.

May import: auth; never another web package.
"""
