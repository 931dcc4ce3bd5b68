"""The report: one self-contained HTML file with charts and tables, and their data as CSV."""
