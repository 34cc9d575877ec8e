"""The search index's on-disk format, owned by nobody else.

``records`` (what is stored: passages with their sentences, vectors), ``layout``
(generations and the ``CURRENT``/``PREVIOUS`` pointers), ``writer`` (manifest,
files, atomic publish), ``reader`` (a published generation, opened as a context
manager) and ``format`` (the key that says whether a stored index is still valid).

The ingest writes it, retrieval and answering read it; this package imports
none of them (``tests/test_architecture.py`` keeps it so).
"""
