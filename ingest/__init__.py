"""Ingestion: read Vietnamese reform documents and extract records with spans."""

__version__ = "0.1.0"
