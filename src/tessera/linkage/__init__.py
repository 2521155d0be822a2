"""Entity resolution: which records of different agencies are about the same person."""
