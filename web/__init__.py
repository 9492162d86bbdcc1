"""Flask blueprints: thin views over the ``auth`` core."""
