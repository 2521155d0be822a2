"""The hub store: agencies, users, submissions, records with provenance, access and audit."""

from tessera.hub.db import Hub

__all__ = ["Hub"]
