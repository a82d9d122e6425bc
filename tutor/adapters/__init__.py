"""Adapters: the only modules that import chromadb, sentence-transformers or model SDKs."""
