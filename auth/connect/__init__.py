"""Connect: the developer's own product starts, brands and follows authorizations. Connect
sessions (an invitation with a customer reference, tags, a return URL and an API), the
``return_url`` allow-list, login sessions for the Appstore sign-in, re-authorization campaigns.

May import: auth.config, auth.vault, auth.oauth, auth.lifecycle.
"""
