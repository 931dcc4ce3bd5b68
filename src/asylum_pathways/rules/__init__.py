"""Rules: amenability and assignment, vectorized, with one case explained (citations)."""
