"""Funding schemes: fiches (data) → schema → catalog → explainer / eligibility."""
