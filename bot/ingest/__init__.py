"""Ingest: knowledge files → loaders → chunker → index (Chroma + lexical), incrementally."""
