"""The model: the generated population, the stages, the flows and the metrics they
produce. It reads the parameter tree and the rules; it knows nothing of runs or fitting."""
