"""The framework-free core of spapi-auth: SP-API authorization without Flask."""
