"""Technology modules: each adds its own variables, constraints, costs and results to a site model."""
