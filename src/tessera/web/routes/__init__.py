"""The API, one router per resource, under ``/api/v1``."""
