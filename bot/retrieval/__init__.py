"""Retrieval: embedded E5 vectors in Chroma fused with French BM25, over index generations."""
