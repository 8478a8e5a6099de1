"""The web app and HTTP API: a thin shell over the services the CLI uses."""

from offerlab.web.app import Settings, create_app

__all__ = ["Settings", "create_app"]
