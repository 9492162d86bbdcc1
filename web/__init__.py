"""Flask views over the ``auth`` core: one package per capability, named as in ``auth``.

``web.shared`` holds what every view needs (services, the browser cookie, headers, errors,
explanation helpers); each capability package has a route (or command) table in its
``__init__`` and may import ``auth`` and ``web.shared``, never another capability package.
"""
