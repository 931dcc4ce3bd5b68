"""Runs: a study spec, its Monte Carlo replications on an executor, the replication store,
sweeps, and the outputs (summaries, validation, sensitivity) written from them."""
