"""The staff's side: documents, knowledge gaps, curated answers, privacy, human handoff."""
