"""Operations: every authorization's health checked against LWA (``check``, paced by
``pacing``), the one supervised background worker (``worker``, ``jobs``, with fleet-wide
``leases``), what needs the operator's attention (``warnings``) and the Prometheus metrics
(``metrics``).

May import: auth.config, auth.vault, auth.clients, auth.lifecycle.
"""
