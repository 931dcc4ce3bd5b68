"""Simulation: calibrated encounters, capacity-limited flows, Monte Carlo, scenarios."""
