"""Ingest: raw files -> tables, with a quarantine for files that cannot be used."""
