"""Technology modules.

Each adds its own variables, constraints, costs and results to a site model.
"""
