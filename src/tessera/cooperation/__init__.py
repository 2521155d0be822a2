"""Working together: cases and joint investigation teams, cross-border requests with their
deadlines, outcome monitoring, and the knowledge base (see docs/cooperation.md)."""
