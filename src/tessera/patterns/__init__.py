"""Patterns across agencies: routes and corridors, recruitment and exploitation profiles,
payment typologies, indicators and risk, outliers and systemic gaps (see docs/patterns.md)."""
