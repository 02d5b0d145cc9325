"""Windowed full-year dispatch: hand-solved joins, boundary levels and elastic repair.

Every case has 8 one-hour steps, each standing for 8760 / 8 = 1095 hours of the year, and
is cut into two windows of 4 steps (steps 0-3 and 4-7; the year is cyclic, so the window
of steps 4-7 looks ahead into steps 0-1). The engine is ``gas_tech``'s 5 MW unit at
3 USD/MMBtu and 10 MMBtu/MWh at full load; its capex is 1000 USD/kW x 5 MW / 20 yr
(wacc 0) = 250,000 USD/yr.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import Reliability, gas_tech, lossless_battery, site_inputs

from dcpower.errors import ScenarioError
from dcpower.optimization.optimize import optimize_sites
from dcpower.optimization.solve import MatrixProblem
from dcpower.optimization.windows import WindowSettings
from dcpower.scenario import Solver, load_scenario

NO_RULES = Reliability(redundancy_k=0, hourly_n_minus_1=False)
SOLVER = Solver(mip_gap=1e-9, time_limit_s=60)
WEIGHT_H = 8760 / 8


def _windows(overlap_h: int = 2) -> WindowSettings:
    return WindowSettings(window_h=4, overlap_h=overlap_h, mode="parallel", workers=1)


def _dispatch(inp, sizing, windows=None, levels=None):
    run = optimize_sites(
        [inp], SOLVER, fixed_sizing={inp.site_id: sizing}, windows=windows, levels=levels
    )
    return run[inp.block_name]


def test_a_join_inside_a_committed_run_adds_no_start_up():
    """Load 0, 0, 4, 4, 4, 4, 0, 0 MW; one engine with 10 % no-load fuel, 5 USD/MW starts.

    Online costs 0.1 x 10 x 5 = 5 MMBtu/h = 15 USD/h (x 1095 = 16,425 USD/yr per step);
    a start costs 5 x 5 = 25 USD (x 1095 = 27,375 USD/yr). Idling the four empty steps
    (65,700) costs more than one start, so the optimum runs steps 2-5 and starts once, at
    step 2. The join at step 4 sits inside that run: the window of steps 4-7 starts from the
    unit the first window left online at step 3, so no start is counted there.

    Cost: fuel (4 x 4 MWh x 0.9 x 10 + 4 h x 5 MMBtu) x 3 USD x 1095 = 538,740; one start
    27,375; capex 250,000; total 816,115 USD/yr, the same as one model of the year.
    """
    engine = gas_tech(no_load_fuel_fraction=0.1, startup_cost_usd_per_mw=5.0)
    inp = site_inputs([0, 0, 4, 4, 4, 4, 0, 0], {"eng": engine}, reliability=NO_RULES)
    sizing = {"eng.units_built": 1.0}
    whole = _dispatch(inp, sizing)
    split = _dispatch(inp, sizing, _windows())
    assert whole.objective_usd_per_yr == pytest.approx(816_115, rel=1e-9)
    assert split.objective_usd_per_yr == pytest.approx(816_115, rel=1e-9)
    d = split.solution.dispatch
    np.testing.assert_allclose(d["gas_units_online_eng"], [0, 0, 1, 1, 1, 1, 0, 0], atol=1e-9)
    np.testing.assert_allclose(d["gas_startups_eng"], [0, 0, 1, 0, 0, 0, 0, 0], atol=1e-9)
    assert split.windows["method"] == "windows"
    assert split.windows["windows"] == 2
    assert split.windows["max_violation"] < 1e-9


def _battery_case(load_mw, power_mw: float = 4.0):
    """One engine and a lossless 4 MWh battery of ``power_mw``, without idle fuel."""
    inp = site_inputs(load_mw, {"eng": gas_tech(), "bat": lossless_battery()}, reliability=NO_RULES)
    sizing = {"eng.units_built": 1.0, "bat.energy_mwh": 4.0, "bat.power_mw": power_mw}
    return inp, sizing


def _levels(inp, at_join: float) -> dict:
    """Sizing levels: empty at the year's start, ``at_join`` MWh at the start of step 4."""
    planned = np.full(8, np.nan)
    planned[0], planned[4] = 0.0, at_join
    return {inp.block_name: {"bat": planned}}


def test_the_boundary_level_carries_energy_across_the_join_to_the_next_peak():
    """Load 2 MW except 8 MW at step 4: the 5 MW engine needs 3 MWh from the battery then.

    Without look-ahead (overlap 0) the first window sees no peak; the sizing's level at the
    join, 3 MWh, makes it charge 3 MWh in steps 0-3 (spare 3 MW), and the second window
    starts with them. Cost: fuel 22 MWh x 10 x 3 USD x 1095 = 722,700; capex 250,000 +
    battery 4 MWh x 1,000 + 4 MW x 5,000 USD (one-year life, wacc 0) = 24,000; total
    996,700 USD/yr, as one model of the year.
    """
    inp, sizing = _battery_case([2, 2, 2, 2, 8, 2, 2, 2])
    whole = _dispatch(inp, sizing)
    split = _dispatch(inp, sizing, _windows(overlap_h=0), _levels(inp, 3.0))
    assert whole.objective_usd_per_yr == pytest.approx(996_700, rel=1e-9)
    assert split.objective_usd_per_yr == pytest.approx(996_700, rel=1e-9)
    d = split.solution.dispatch
    assert d["battery_soc_mwh_bat"].iloc[3] == pytest.approx(3.0, abs=1e-9)
    assert d["battery_discharge_mw_bat"].iloc[4] == pytest.approx(3.0, abs=1e-9)
    assert d["unserved_mw"].max() == 0
    assert split.windows["method"] == "windows"
    assert split.windows["handovers"] == 0


def test_without_levels_the_second_window_cannot_start_full_and_the_year_is_one_model():
    """Same case without the sizing's levels: the second window would assume a full battery
    the first never charges; once handed the empty one it cannot serve the peak, so the
    year is solved as one model (and the record says why)."""
    inp, sizing = _battery_case([2, 2, 2, 2, 8, 2, 2, 2])
    split = _dispatch(inp, sizing, _windows(overlap_h=0))
    assert split.windows["method"] == "monolithic"
    assert "window 1" in split.windows["reason"]
    assert split.objective_usd_per_yr == pytest.approx(996_700, rel=1e-9)


def test_an_unreachable_boundary_level_is_repaired_by_the_elastic_re_solve():
    """Load 4.5 MW in steps 0-3, 7 MW at step 4, 2 MW after; the sizing planned 4 MWh at
    the join, but the first window can only store 4 x 0.5 = 2 MWh (engine 5 MW).

    The first window is infeasible at its pinned level and is solved again with the level
    elastic: it stores 2 MWh. The second window, handed that level, covers its 2 MW of
    peak above the engine from it. Fuel (4 x 4.5 + 7 + 3 x 2) = 31 MWh x 30 USD x 1095 =
    1,018,350; plus capex 274,000: 1,292,350 USD/yr, as one model of the year.
    """
    inp, sizing = _battery_case([4.5, 4.5, 4.5, 4.5, 7, 2, 2, 2])
    whole = _dispatch(inp, sizing)
    split = _dispatch(inp, sizing, _windows(overlap_h=0), _levels(inp, 4.0))
    assert whole.objective_usd_per_yr == pytest.approx(1_292_350, rel=1e-9)
    assert split.objective_usd_per_yr == pytest.approx(1_292_350, rel=1e-9)
    assert split.windows["method"] == "windows"
    assert split.windows["elastic"] == [0]
    assert split.windows["handovers"] >= 1
    d = split.solution.dispatch
    assert d["battery_soc_mwh_bat"].iloc[3] == pytest.approx(2.0, abs=1e-9)
    assert d["unserved_mw"].max() == 0


def test_one_window_is_the_year():
    """A window as long as the year is the monolithic model: the same dispatch and cost."""
    inp, sizing = _battery_case([2, 2, 2, 2, 8, 2, 2, 2])
    settings = WindowSettings(window_h=8, overlap_h=2, mode="parallel", workers=1)
    split = _dispatch(inp, sizing, settings)
    assert split.windows["windows"] == 1
    assert split.objective_usd_per_yr == pytest.approx(996_700, rel=1e-9)


def test_rolling_windows_carry_the_state_and_close_the_year():
    """Rolling: the second window starts from what the first left and must end where the
    first began (the year is cyclic); with a day's look-ahead (2 steps) the first window
    sees the peak and charges for it. Same cost as one model, 996,700 USD/yr."""
    inp, sizing = _battery_case([2, 2, 2, 2, 8, 2, 2, 2])
    settings = WindowSettings(window_h=4, overlap_h=2, mode="rolling", workers=1)
    split = _dispatch(inp, sizing, settings, _levels(inp, 3.0))
    assert split.windows["method"] == "windows"
    assert split.objective_usd_per_yr == pytest.approx(996_700, rel=1e-9)
    assert split.solution.dispatch["unserved_mw"].max() == 0


def test_window_length_must_start_windows_where_the_sizing_planned_levels(
    small_scenario_dict, write_scenario
):
    """A window that does not start at a typical day's start is refused with one line."""
    small_scenario_dict["time"] = {"kind": "typical_periods", "n_periods": 4}
    small_scenario_dict["solver"] = {"dispatch_window_h": 100}
    with pytest.raises(ScenarioError, match=r"dispatch_window_h = 100: not a multiple of time"):
        load_scenario(write_scenario(small_scenario_dict))


_THREADED = """
import sys
import numpy as np
sys.path.insert(0, {tests!r})
from helpers import gas_tech, lossless_battery, site_inputs
from dcpower.optimization import optimize
from dcpower.optimization.windows import WindowSettings
from dcpower.scenario import Solver

load = 20 + 10 * np.sin(np.arange(96) / 24 * 2 * np.pi)
engine = gas_tech(min_load_fraction=0.4, no_load_fuel_fraction=0.1, startup_cost_usd_per_mw=5.0)
inp = site_inputs(load, {{"eng": engine, "bat": lossless_battery()}})
solver = Solver(mip_gap=1e-3, time_limit_s=60, threads=2)
sized = optimize.optimize_sites([inp], solver)[inp.block_name]  # HiGHS on two threads here
settings = WindowSettings(window_h=24, overlap_h=6, mode="parallel", workers=2)
run = optimize.optimize_sites(
    [inp], solver, fixed_sizing={{inp.site_id: sized.sizing}}, windows=settings
)[inp.block_name]
print(run.windows["method"], run.solution.dispatch["unserved_mw"].max())
"""


def test_window_workers_forked_after_a_threaded_solve_do_not_hang():
    """Workers forked from a process that ran HiGHS on two threads inherit its scheduler
    without the threads; they drop it (``forget_inherited_threads``), else they wait forever
    (measured: this case hangs without it, and takes about 5 s with it)."""
    code = _THREADED.format(tests=str(Path(__file__).parent))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["windows", "0.0"]


@pytest.mark.unit
def test_each_window_stops_at_its_hours_share_of_the_years_gap():
    """The one-model dispatch stops within mip_gap of the year's cost; a window of 24 kept
    hours of a 8760-hour year whose fixed costs are 8.76 M USD/yr at mip_gap 1 % may leave
    0.01 x 8.76e6 / 8760 x 24 = 240 USD open (and the relative gap still applies)."""
    from dcpower.optimization import windows as win

    per_step = 0.01 * 8.76e6 / 8760
    window = win._Window(
        number=0,
        kept=np.arange(24),
        rows=np.arange(0),
        cols=np.arange(0),
        boundary=np.arange(0),
        owned=np.arange(0),
        pins={},
    )
    options = win._window_options(
        {"mip_gap": 0.01, "time_limit_s": 60, win.ABS_GAP_PER_STEP: per_step}, window
    )
    assert options == {"mip_gap": 0.01, "time_limit_s": 60, "mip_abs_gap": pytest.approx(240.0)}


def _one_hour_commitment(demand_mw: float, most_units: int) -> MatrixProblem:
    """Units of 10 MW (minimum load 4 MW) serve ``demand_mw``: 100 USD per unit online and
    1 USD/MWh. Columns: units online u (integer, 0..most_units), output p [MW]; rows:
    p = demand, p - 10 u <= 0, p - 4 u >= 0."""
    A = sp.csc_matrix(np.array([[0.0, 1.0], [-10.0, 1.0], [-4.0, 1.0]]))
    return MatrixProblem(
        A=A,
        row_lower=np.array([demand_mw, -np.inf, 0.0]),
        row_upper=np.array([demand_mw, 0.0, np.inf]),
        col_lower=np.zeros(2),
        col_upper=np.array([float(most_units), np.inf]),
        cost=np.array([100.0, 1.0]),
        offset=0.0,
        integer=np.array([True, False]),
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    ("mip_gap", "expected_gap"), [(0.2, 50 / 325), (1e-4, 0.0)], ids=["rounded", "searched"]
)
def test_the_rounded_start_gives_the_optimum_and_an_honest_gap(mip_gap, expected_gap):
    """25 MW from 10 MW units: the LP relaxation runs 2.5 units (250 + 25 = 275 USD); rounded
    up, 3 units (300 + 25 = 325 USD), which is the integer optimum. At mip_gap 20 % the
    rounded solution is within the gap of the relaxation's bound and is the answer, its gap
    (325 - 275) / 325 = 15.4 %; at 0.01 % the full search starts from it and proves 325."""
    from dcpower.optimization.windows import solve_from_rounding

    found = solve_from_rounding(
        _one_hour_commitment(25.0, 5), {"mip_gap": mip_gap, "time_limit_s": 60}
    )
    assert found.status == "optimal"
    assert found.objective == pytest.approx(325.0)
    assert found.x == pytest.approx([3.0, 25.0])
    assert found.mip_gap == pytest.approx(expected_gap, abs=1e-9)


@pytest.mark.unit
def test_no_rounded_start_without_a_relaxed_solution():
    """60 MW from at most 5 x 10 MW: the relaxation is infeasible, so the MIP is too."""
    from dcpower.optimization.windows import solve_from_rounding

    found = solve_from_rounding(
        _one_hour_commitment(60.0, 5), {"mip_gap": 0.01, "time_limit_s": 60}
    )
    assert found.status == "infeasible"
    assert not found.has_solution


@pytest.mark.unit
def test_a_count_the_relaxation_leaves_whole_is_held_and_a_fractional_one_gets_a_band(
    monkeypatch,
):
    """20 MW from 10 MW units: the relaxation runs exactly 2 units, so the restricted MIP
    holds u at [2, 2]; 25 MW: it runs 2.5, rounded to the nearest (half to even) 2, so u
    gets the band [2, 3]. Both restricted MIPs then give the integer optima, 220 USD (2
    units + 20 MWh) and 325 USD (3 units + 25 MWh)."""
    from dcpower.optimization import windows as win

    seen = []
    real = win.solve_matrix

    def spy(problem, **options):
        if problem.integer.any():
            seen.append((problem.col_lower[0], problem.col_upper[0]))
        return real(problem, **options)

    monkeypatch.setattr(win, "solve_matrix", spy)
    options = {"mip_gap": 0.2, "time_limit_s": 60}
    assert win.solve_from_rounding(_one_hour_commitment(20.0, 5), options).objective == (
        pytest.approx(220.0)
    )
    assert win.solve_from_rounding(_one_hour_commitment(25.0, 5), options).objective == (
        pytest.approx(325.0)
    )
    assert seen == [(2.0, 2.0), (2.0, 3.0)]


def test_a_plan_short_in_a_window_is_measured_in_elastic_windows_as_in_one_model():
    """Load 2 MW except 8 MW at step 4, one 5 MW engine and nothing else: step 4 is short
    by 3 MW, 3 x 1095 = 3,285 MWh/yr, whatever the windows. The window of steps 4-7 has no
    dispatch even free at both ends, so the year is dispatched again in windows with the
    requirements elastic (not as one model, twice): the same shortfall as one elastic model
    of the year, and the record says so.
    """
    inp = site_inputs([2, 2, 2, 2, 8, 2, 2, 2], {"eng": gas_tech()}, reliability=NO_RULES)
    sizing = {"eng.units_built": 1.0}
    whole = _dispatch(inp, sizing)
    split = _dispatch(inp, sizing, _windows())
    for run in (whole, split):
        assert run.solution.dispatch["unserved_mw"].tolist() == pytest.approx(
            [0, 0, 0, 0, 3, 0, 0, 0], abs=1e-9
        )
        assert "1 of 8 time steps: 3,285.0 MWh/yr unserved" in run.shortfalls["energy balance"]
    assert split.shortfalls == whole.shortfalls
    assert split.windows["method"] == "windows"
    assert split.windows["short"] and split.windows["requirements_elastic"]
