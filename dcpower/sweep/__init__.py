"""Parameter sweeps: many runs of one scenario with some inputs changed, on dask.distributed.

A sweep is a base scenario plus variations addressed by dotted paths into the scenario's raw
dict (``load_scenario(base).model_dump(mode="json")``), for example
``sites.aktau.gas_price_usd_per_mmbtu``, ``technologies.battery_li_ion.capex_energy_usd_per_kwh``
or ``economics.wacc``. :class:`SweepSpec` says which values to try:

- ``grid``: ``{path: [values]}``; every combination is a point (the Cartesian product);
- ``one_at_a_time: true``: the base point plus each grid value of each path alone (for the
  tornado and spider charts);
- ``sample: N`` with ``distributions`` ``{path: {dist: uniform|normal|triangular|choice,
  ...}}``: N seeded random draws (Monte Carlo; combined with every grid combination if both
  are given);
- ``fixed``: ``{path: value}`` applied to every point (e.g. a short ``time`` window).

Every point is validated before any solve (an unknown path or a value the scenario rejects is
a :class:`~dcpower.errors.ScenarioError` naming the path and the value). Each point has a
stable id, a hash of its overrides, so a rerun of the same sweep into the same folder skips
what is done. :func:`run_sweep` solves the points on a dask.distributed cluster (a
LocalCluster of single-threaded worker processes by default), each with
``dcpower.run(point, out=<out_dir>/runs/<id>, parallel=False)``, and writes after every
finished point the table ``results.parquet`` / ``results.csv`` (one flat row per point), and
at the end ``sweep.html`` with a tornado and a spider chart (also as PNG).

The Monte Carlo availability that follows every run is cut to ``monte_carlo_years`` (default
100 simulated years, instead of the scenario's 1,000) unless the sweep sets
``reliability.monte_carlo_years`` itself: the sweep compares plans, the single run of the
chosen plan measures its availability precisely.

Modules
-------
- ``spec``: :class:`SweepSpec` and its distributions, read from a dict or YAML file;
- ``paths``: dotted paths into a raw scenario dict, ``PATH=VALUE`` assignments;
- ``points``: the points of a sweep, their ids, and their validation (``_Plan``);
- ``point``: one point's run in a worker and its table row (:data:`METRICS`, statuses);
- ``table``: the sweep folder's files and its results table;
- ``run``: :func:`run_sweep`, solving the points not done yet on dask.distributed;
- ``charts``: tornado, spider and distribution charts of the table;
- ``report``: ``sweep.html`` with the charts;
- ``command_line``: a sweep from the arguments of ``dcpower sweep``.
"""

from dcpower.sweep.charts import distribution_chart, output_label, spider_chart, tornado_chart
from dcpower.sweep.command_line import spec_from_command_line
from dcpower.sweep.paths import get_path, parse_assignment, set_path, split_path
from dcpower.sweep.point import FAILED, METRICS, POINT_JSON, SOLVED, row_from_summary, solve_point
from dcpower.sweep.points import _Plan as _Plan  # imported by tests
from dcpower.sweep.points import point_id, points, validate_sweep
from dcpower.sweep.report import write_sweep_report
from dcpower.sweep.run import Progress, run_sweep
from dcpower.sweep.spec import (
    Choice,
    Distribution,
    Normal,
    SweepSpec,
    Triangular,
    Uniform,
    is_sweep_file,
    load_sweep,
    sweep_from_dict,
)
from dcpower.sweep.table import (
    LEAD_COLUMNS,
    RESULTS_CSV,
    RESULTS_PARQUET,
    RUNS_DIR,
    SWEEP_HTML,
    SWEEP_JSON,
    read_table,
    write_table,
)

__all__ = [
    "FAILED",
    "LEAD_COLUMNS",
    "METRICS",
    "POINT_JSON",
    "RESULTS_CSV",
    "RESULTS_PARQUET",
    "RUNS_DIR",
    "SOLVED",
    "SWEEP_HTML",
    "SWEEP_JSON",
    "Choice",
    "Distribution",
    "Normal",
    "Progress",
    "SweepSpec",
    "Triangular",
    "Uniform",
    "distribution_chart",
    "get_path",
    "is_sweep_file",
    "load_sweep",
    "output_label",
    "parse_assignment",
    "point_id",
    "points",
    "read_table",
    "row_from_summary",
    "run_sweep",
    "set_path",
    "solve_point",
    "spec_from_command_line",
    "spider_chart",
    "split_path",
    "sweep_from_dict",
    "tornado_chart",
    "validate_sweep",
    "write_sweep_report",
    "write_table",
]
