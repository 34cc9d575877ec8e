"""Answering: follow-up rewriting, extractive answers with citations, optional LLM mode."""
