"""The app for servers that import it by name (``uvicorn tessera.web.asgi:app``, several
worker processes): settings come from the environment, as for every command."""

from tessera.config import Settings
from tessera.web.app import create_app

app = create_app(Settings())
