"""Grid connection: hand-solved cases with the Azerbaijani data-center tariff.

All cases: wacc = 0, a 24-hour horizon on 1 January (Asia/Baku) whose steps each stand for
8760 / 24 = 365 hours of the year, flat 10 MW load. Tariff az_data_center (inputs/):
day 08-22 h (14 steps) 73 AZN/MWh / 1.70 = 42.941176 USD/MWh; night (10 steps)
35 / 1.70 = 20.588235 USD/MWh. Gas at 3 USD/MMBtu on 10 MMBtu/MWh units costs 30 USD/MWh.
"""

import numpy as np
import pytest
from helpers import BatteryTech, Reliability, gas_tech, site_inputs

from dcpower.errors import InfeasibleError
from dcpower.optimization.optimize import optimize_site
from dcpower.scenario import GridConnection, Solver, load_scenario

pytestmark = pytest.mark.component
EXACT = Solver(mip_gap=1e-9, time_limit_s=60)
DAY_USD_PER_MWH = 42.941176
NIGHT_USD_PER_MWH = 20.588235
#: The shipped tariff (inputs/grid_tariffs.csv) in its own money (2021) on a 10 MW connection.
GRID_10MW = (
    load_scenario("baku-grid")
    .sites["baku"]
    .grid.model_copy(
        update={
            "import_max_mw": 10.0,
            "day_price_usd_per_mwh": DAY_USD_PER_MWH,
            "night_price_usd_per_mwh": NIGHT_USD_PER_MWH,
        }
    )
)
NIGHT = np.array([True] * 8 + [False] * 14 + [True] * 2)


def _battery() -> BatteryTech:
    """1 USD/kWh, 5 USD/kW, 1-yr life, lossless: 1,000 USD/MWh-yr and 5,000 USD/MW-yr."""
    return BatteryTech(
        capex_energy_usd_per_kwh=1.0,
        capex_power_usd_per_kw=5.0,
        lifetime_yr=1.0,
        eta_charge=1.0,
        eta_discharge=1.0,
    )


def _costs(run) -> dict:
    return run.solution.costs.groupby(["technology", "component"])["usd_per_yr"].sum().to_dict()


@pytest.mark.unit
def test_catalogue_tariff_fills_the_connection():
    """The shipped Baku grid model takes the sourced tariff from inputs/grid_tariffs.csv, in
    USD of the price basis: 73 AZN/MWh / 1.70 AZN/USD of 2021 x CPI-U 2024 / 2021
    (313.689 / 270.970) = 49.711 USD/MWh of 2024."""
    grid = load_scenario("baku-grid").sites["baku"].grid
    assert isinstance(grid, GridConnection)
    to_2024 = 313.689 / 270.970
    assert grid.day_price_usd_per_mwh == pytest.approx(73 / 1.70 * to_2024, rel=1e-6)
    assert grid.night_price_usd_per_mwh == pytest.approx(35 / 1.70 * to_2024, rel=1e-6)
    assert (grid.day_start_hour, grid.day_end_hour) == (8, 22)


def test_cheap_night_tariff_makes_the_grid_serve_the_night():
    """Gas (30 USD/MWh) beats the day tariff (42.94), the night tariff (20.59) beats gas.

    N+1 on 5 MW units is unchanged by the grid (never firm): (N - 1) * 5 >= 10 -> 3 units,
    capex 15 MW * 1000 USD/kW / 20 yr = 750,000 USD/yr. Day: 3 units online (N-1 headroom),
    fuel 14 * 365 * 10 MW * 30 = 1,533,000. Night: the grid imports 10 MW,
    10 * 365 * 10 * 20.588235 = 751,470.5775. A grid trip must be covered by the headroom of
    committed units: 5 x online - 0 >= 10 -> 2 units online at night, idle (no minimum load,
    no no-load fuel: free). Total 3,034,470.5775 USD/yr.
    """
    run = optimize_site(site_inputs([10.0] * 24, {"eng": gas_tech()}, grid=GRID_10MW), EXACT)
    d = run.solution.dispatch
    assert run.solution.gas_units["eng"]["units"] == 3
    np.testing.assert_allclose(d["grid_mw"].to_numpy(), np.where(NIGHT, 10.0, 0.0), atol=1e-9)
    np.testing.assert_allclose(d["gas_mw"].to_numpy(), np.where(NIGHT, 0.0, 10.0), atol=1e-9)
    assert (d["gas_units_online"].to_numpy() >= np.where(NIGHT, 2, 3)).all()
    costs = _costs(run)
    assert costs["grid", "grid_energy"] == pytest.approx(751_470.5775, rel=1e-9)
    assert costs["eng", "fuel"] == pytest.approx(1_533_000.0, rel=1e-9)
    assert sum(costs.values()) == pytest.approx(3_034_470.5775, rel=1e-9)


def test_grid_trip_limits_the_import_to_the_headroom_of_committed_units():
    """Issue #14 (e): engines with a 50 % minimum load; the grid may trip in any hour.

    Without hourly N-1 (so without the grid-trip rule) the night is imported (10 MW) with
    no unit online, as above: 750,000 + 1,533,000 + 751,470.5775 = 3,034,470.5775 USD/yr.
    With it, each night step needs import <= 5 x online - gas output (headroom) with
    gas + import = 10, i.e. 5 x online >= 10: 2 units online, each at least 2.5 MW, so gas
    5 MW and import 5 MW (the unit-trip row holds: 10 - 5 >= 5). Night: gas
    5 * 3650 * 30 = 547,500, grid 5 * 3650 * 20.588235 = 375,735.28875. Day unchanged
    (3 units at 10 MW, no import). Total 750,000 + 1,533,000 + 547,500 + 375,735.28875
    = 3,206,235.28875 USD/yr.
    """
    engine = {"eng": gas_tech(min_load_fraction=0.5)}
    off = Reliability(hourly_n_minus_1=False)
    free = optimize_site(site_inputs([10.0] * 24, engine, grid=GRID_10MW, reliability=off), EXACT)
    np.testing.assert_allclose(free.solution.dispatch["grid_mw"], np.where(NIGHT, 10.0, 0.0))
    np.testing.assert_allclose(free.solution.dispatch["gas_mw"], np.where(NIGHT, 0.0, 10.0))
    assert sum(_costs(free).values()) == pytest.approx(3_034_470.5775, rel=1e-9)

    run = optimize_site(site_inputs([10.0] * 24, engine, grid=GRID_10MW), EXACT)
    d = run.solution.dispatch
    assert run.solution.gas_units["eng"]["units"] == 3
    np.testing.assert_allclose(d["grid_mw"].to_numpy(), np.where(NIGHT, 5.0, 0.0), atol=1e-9)
    np.testing.assert_allclose(d["gas_mw"].to_numpy(), np.where(NIGHT, 5.0, 10.0), atol=1e-9)
    np.testing.assert_allclose(d["gas_units_online"].to_numpy(), np.where(NIGHT, 2, 3))
    costs = _costs(run)
    assert costs["grid", "grid_energy"] == pytest.approx(375_735.28875, rel=1e-9)
    assert costs["eng", "fuel"] == pytest.approx(1_533_000.0 + 547_500.0, rel=1e-9)
    assert sum(costs.values()) == pytest.approx(3_206_235.28875, rel=1e-9)


def test_grid_trip_is_covered_by_a_battery_when_cheaper():
    """The same case with a battery (5,000 USD/MW-yr, 2,000 USD/MWh-yr, lossless).

    A night step with no unit online needs a battery reserve of 10 MW held for the 15-min
    ride-through: 10 MW / 2.5 MWh = 50,000 + 5,000 = 55,000 USD/yr. The other ways cost
    more: 2 units online (gas 5 MW instead of grid at night: 5 * 3650 * (30 - 20.588235) =
    171,764.70625); one unit online at its 2.5 MW minimum needs a 5 MW reserve (grid row:
    10 - p + c <= 5 - p + 5 + c, with charging c counted in the reserve), and
    either imports only 7.5 MW (2.5 * 3650 * 9.411765 = 85,882.35 + 25,000 + 2,500) or
    charges the 2.5 MW of gas for the day (a 26.875 MWh battery: 25,000 + 53,750). So the
    night is imported (10 MW) with the battery as reserve; N+1 keeps 3 units (storage does
    not count toward N+k by default). Total 750,000 + 1,533,000 + 751,470.5775 + 55,000
    = 3,089,470.5775 USD/yr.
    """
    battery = _battery().model_copy(update={"capex_energy_usd_per_kwh": 2.0})
    techs = {"eng": gas_tech(min_load_fraction=0.5), "bat": battery}
    run = optimize_site(site_inputs([10.0] * 24, techs, grid=GRID_10MW), EXACT)
    d = run.solution.dispatch
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    assert run.solution.gas_units["eng"]["units"] == 3
    assert caps["bat", "MW"] == pytest.approx(10.0)
    assert caps["bat", "MWh"] == pytest.approx(2.5)
    np.testing.assert_allclose(d["grid_mw"].to_numpy(), np.where(NIGHT, 10.0, 0.0), atol=1e-9)
    np.testing.assert_allclose(d["gas_units_online"].to_numpy()[NIGHT], 0.0)
    assert sum(_costs(run).values()) == pytest.approx(3_089_470.5775, rel=1e-9)


def test_gas_outage_is_served_by_the_grid_and_grid_outage_by_gas():
    """Same case with a 2-h gas outage and a 2-h grid outage (one window each, from step 0).

    In the gas window the grid imports 10 MW, in the grid window the 3 units run: neither
    needs storage, and window operation is not costed, so the cost is unchanged.
    """
    rel = Reliability(gas_outage_hours=2, grid_outage_hours=2)
    inp = site_inputs([10.0] * 24, {"eng": gas_tech()}, grid=GRID_10MW, reliability=rel)
    run = optimize_site(inp, EXACT)
    assert run.solution.gas_units["eng"]["units"] == 3
    assert sum(_costs(run).values()) == pytest.approx(3_034_470.5775, rel=1e-9)


def test_grid_outage_is_ridden_through_by_a_battery():
    """Grid (10 MW) and a battery only; k = 0 and N-1 off (no gas units).

    A 2-h grid outage from step 0 is entered with the state of charge of step 23: the
    battery holds 10 MW for 2 h, 10 MW / 20 MWh = 50,000 + 20,000 = 70,000 USD/yr. The
    grid import equals the load (10 MW cap), so the battery cannot shift energy: grid energy
    14 * 365 * 10 * 42.941176 + 10 * 365 * 10 * 20.588235 = 2,194,294.0936 + 751,470.5775.
    Total 3,015,764.6711 USD/yr.
    """
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False, grid_outage_hours=2)
    inp = site_inputs([10.0] * 24, {"bat": _battery()}, grid=GRID_10MW, reliability=rel)
    run = optimize_site(inp, EXACT)
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    assert caps["bat", "MW"] == pytest.approx(10.0)
    assert caps["bat", "MWh"] == pytest.approx(20.0)
    assert run.solution.dispatch["battery_soc_mwh"].iloc[23] == pytest.approx(20.0)
    assert sum(_costs(run).values()) == pytest.approx(3_015_764.6711, rel=1e-9)


def test_grid_outage_without_on_site_supply_says_how_much_is_short():
    """Grid only: the 2-h grid window lacks 10 MW x 2 h = 20 MWh."""
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False, grid_outage_hours=2)
    with pytest.raises(InfeasibleError) as err:
        optimize_site(site_inputs([10.0] * 24, {}, grid=GRID_10MW, reliability=rel), EXACT)
    message = str(err.value)
    assert "grid outage ride-through: without the grid for 2 h" in message
    assert "worst 20.0 MWh in the window from 2023-01-01T00:00:00+04:00" in message
