"""The capacity-limited stages a day's encounters pass through, one module each.

`sim.model.flows.simulate` runs them in order on one `FlowState`: Title 42 exceptions, ACA intake,
screening and transfer, MPP enrolment, MPP court. Every dated parameter a stage uses is read
on every day of the horizon (`sim.model.horizon.Horizon`).
"""
