"""The case registry: confidential cases kept in SQLite or PostgreSQL, re-determined when the law
changes.

It sits beside the simulation (never importing it): it holds organisations, users, cases (one
person or a family), their facts (encounter records, validated by the determination entry point),
events, hearings and every determination; it calls `determination.determine_records` for every
answer, in one vectorized pass for a batch of cases. `Registry` is the one object behind the
command line and the API (`registry.app`).
"""
