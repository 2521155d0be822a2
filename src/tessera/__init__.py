"""Tessera: a shared intelligence hub for agencies fighting cross-border trafficking."""

__version__ = "0.1.0"
