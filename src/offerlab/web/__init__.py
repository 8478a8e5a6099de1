"""The web app and HTTP API: a thin shell over the services the CLI uses.

Exports :func:`create_app` (one FastAPI app over one store) and its :class:`Settings`; the
module graph is described in :mod:`offerlab.web.app`.
"""

from offerlab.web.app import create_app
from offerlab.web.settings import Settings

__all__ = ["Settings", "create_app"]
