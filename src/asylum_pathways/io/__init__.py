"""Reading and writing encounter records and determinations."""
