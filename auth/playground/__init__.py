"""The console playground as a typed model: its workspace (what each step produced) and its
steps (refresh token → access token, Restricted Data Token, any SP-API call), without Flask.

The view (``web/console/playground.py``) parses the form, calls one step, and renders the
workspace; tokens stay in the workspace, which the vault seals per console session.

May import: auth.config, auth.vault, auth.clients, auth.simulator.
"""
