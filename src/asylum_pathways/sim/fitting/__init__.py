"""Fitting: the calibration spec (targets and priors over unpublished assumptions) and the
posterior that `simulate` draws from."""
