"""The pipeline behind ``dcpower.run()``: scenario -> profiles -> model -> solve -> Result.

Sites share nothing in this model unless the scenario ties them (workload shifting, limits
over all sites), so each untied site is an independent model and they solve in parallel
processes. A reduced-time sizing (blocks or typical periods) is always followed by a
full-year dispatch with the sized capacities fixed, so every hour of the year is checked
and any shortfall is reported, never hidden.

Modules, each importing only those below it:

- ``run``: :func:`run`, solves every group of sites and writes the run folder.
- ``targets``: availability targets (N+k raised until met) and the solve of one group.
- ``studies``: the cooling's choice, candidate siting and the summary of workload shifting.
- ``sizing``: sizing passes of a group of sites and their full-year re-dispatch.
- ``inputs``: hourly profiles, site inputs, outage windows, clocks and site groups.

``dcpower.pipeline.run`` is the function :func:`run`, which hides the module of that name
as an attribute of the package: reach the module with ``from dcpower.pipeline.run import
...`` or ``importlib.import_module("dcpower.pipeline.run")`` (e.g. to monkeypatch it).
"""

from dcpower.pipeline.inputs import (
    align_clocks,
    hourly_profiles,
    outage_calendar_windows,
    scenario_coupling,
    site_groups,
    site_inputs,
    weather_year_count,
)
from dcpower.pipeline.run import Progress, run
from dcpower.pipeline.sizing import (
    PERIODS_ADDED_PER_REFINEMENT,
    REDUCED_KINDS,
    cost_drift,
    sized_to_zero,
    solve_site,
    solve_sites,
    weather_years_summary,
    worst_periods,
)
from dcpower.pipeline.studies import choose_cooling, choose_sites, workload_summary
from dcpower.pipeline.targets import (
    MAX_REDUNDANCY_K,
    GroupSolution,
    group_availability,
    solve_to_target,
    with_site_redundancy,
)

__all__ = [
    "MAX_REDUNDANCY_K",
    "PERIODS_ADDED_PER_REFINEMENT",
    "REDUCED_KINDS",
    "GroupSolution",
    "Progress",
    "align_clocks",
    "choose_cooling",
    "choose_sites",
    "cost_drift",
    "group_availability",
    "hourly_profiles",
    "outage_calendar_windows",
    "run",
    "scenario_coupling",
    "site_groups",
    "site_inputs",
    "sized_to_zero",
    "solve_site",
    "solve_sites",
    "solve_to_target",
    "weather_year_count",
    "weather_years_summary",
    "with_site_redundancy",
    "workload_summary",
    "worst_periods",
]
