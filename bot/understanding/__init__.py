"""Question analysis: one pass turns a message into a frozen :class:`Question`, and routing
picks who answers it (small talk, agenda, funding fiches, documents)."""
