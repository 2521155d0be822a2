"""The web hub: a FastAPI application serving the API and the dashboard pages."""

from tessera.web.app import create_app

__all__ = ["create_app"]
