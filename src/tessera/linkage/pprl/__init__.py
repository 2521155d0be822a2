"""Privacy-preserving hit/no-hit matching: Bloom-filter encodings made at the agency with a
secret the hub never holds, matched by their similarity alone (the EU Prüm / EPRIS model)."""
