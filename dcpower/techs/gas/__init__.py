"""Gas unit types: integer units built, hourly commitment, part-load fuel, ambient derating."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dcpower.resource import gas
from dcpower.techs.contract import (
    HEAT_RECOVERED,
    Asset,
    Checker,
    Display,
    Firm,
    MarginalEnergy,
    Readback,
    SiteRows,
    Technology,
    Total,
    UnitFleet,
    Windows,
    register,
)
from dcpower.techs.gas import checks
from dcpower.techs.gas.spec import TANK_KIND, GasTech, backup_tank_id

if TYPE_CHECKING:  # pragma: no cover
    import pyomo.environ as pyo

    from dcpower.optimization.build import SiteInputs

__all__ = ["TANK_KIND", "Gas", "GasTech", "backup_tank_id"]


@register
class Gas(Technology):
    """A catalogue gas unit type (reciprocating engine, aeroderivative, frame GT, CCGT)."""

    kind = "gas"
    spec = GasTech
    resource = "thermal"
    display = Display(name="Gas", colour="#8D6E63", order=40)
    catalogue = {
        "recip_engine": {"dual_fuel": False},
        "recip_engine_df": {"dual_fuel": True},
        "aero_gt": {"dual_fuel": False},
        "frame_gt": {"dual_fuel": False},
        "ccgt": {"dual_fuel": False},
    }
    profile_columns = {"available_factor": "gas_cf", "heat_rate_factor": "heat_rate_factor"}
    totals = (
        Total("gas_mw", 30, balance=1),
        Total("gas_units_online", 40),
        Total("gas_units_maintenance", 45, outage=False),
        Total(
            "fuel_mmbtu_per_h",
            100,
            outage=False,
            per_technology=False,
            recheck=("fuel use (part-load curve)", "MMBtu/h"),
        ),
        HEAT_RECOVERED,
    )
    summary_capacity = {"backup_fuel_tank_mmbtu": (TANK_KIND, "MMBtu")}
    resized_in_dispatch = frozenset({TANK_KIND})
    summary_generation = {"gas": "gas_mw"}

    def profile(self, spec: GasTech, weather: pd.DataFrame, metadata: dict) -> dict:
        """Net available output share (derating, less auxiliaries) and heat-rate factor [-]."""
        temp = weather["temp_air"]
        return {
            "available_factor": self._available(spec, temp).to_numpy(),
            "heat_rate_factor": gas.heat_rate_factor(
                temp,
                heat_rate_start_c=spec.heat_rate_start_c,
                heat_rate_pct_per_c=spec.heat_rate_pct_per_c,
            ).to_numpy(),
        }

    def design_factor(self, spec: GasTech, profile: dict, design_temp_c: float) -> float:
        """Net available share of a unit at the design ambient [-]."""
        return float(self._available(spec, pd.Series([design_temp_c])).iloc[0])

    def auxiliaries_fraction(self, spec: GasTech) -> float:
        """Plant auxiliaries as a share of gross output (``auxiliaries_fraction``) [-]."""
        return spec.auxiliaries_fraction

    @staticmethod
    def _available(spec: GasTech, temp: pd.Series) -> pd.Series:
        """Net output share: ambient derating x (1 - auxiliaries) [-]."""
        derating = gas.available_capacity_factor(
            temp, derate_start_c=spec.derate_start_c, derate_pct_per_c=spec.derate_pct_per_c
        )
        return derating * (1.0 - spec.auxiliaries_fraction)

    def add_block(self, m: pyo.ConcreteModel, tech_id: str, spec: GasTech, inp: SiteInputs):
        """Add the unit type (see :mod:`dcpower.techs.gas.block`)."""
        from dcpower.techs.gas import block  # pyomo: only when a model is built

        block.add_block(m, tech_id, spec, block.site_terms(m, tech_id, spec, inp))

    def read(self, block, tech_id: str, spec: GasTech, index) -> Readback:
        """Units and MW built, backup tank; output, commitment, start-ups and fuel per step."""
        from dcpower.techs.gas import block as gas_block

        return gas_block.read(block, tech_id, spec, index)

    def read_outage(self, block, tech_id: str, spec: GasTech, pairs: list) -> Readback:
        """Output, commitment and backup fuel in each outage-window step."""
        from dcpower.techs.gas import block as gas_block

        return gas_block.read_outage(block, tech_id, pairs)

    def behaviour(self, tech_id: str, spec: GasTech, rows: SiteRows) -> UnitFleet | None:
        """Units built, each failing and repaired; committed and dispatched as in the run."""
        units = round(rows.capacity(tech_id, "units"))
        if units <= 0:
            return None
        full_burn = units * spec.unit_mw * spec.heat_rate_full_load_mmbtu_per_mwh
        tank = rows.capacity(backup_tank_id(tech_id), "MMBtu")  # 0 without a tank
        return UnitFleet(
            units=units,
            unit_mw=spec.unit_mw,
            available_factor=rows.profile(f"gas_cf_{tech_id}"),
            online=rows.column(f"gas_units_online_{tech_id}"),
            output_mw=rows.column(f"gas_mw_{tech_id}"),
            liquid_fuel_h=tank / full_burn if spec.dual_fuel else 0.0,
            maintenance=rows.column(f"gas_units_maintenance_{tech_id}"),
        )

    def assets(self, tech_id: str, spec: GasTech, rows: SiteRows, scenario) -> list[Asset]:
        """Return the units and their backup tank, if built."""
        capex = 1e3 * spec.capex_usd_per_kw * rows.capacity(tech_id, "MW")
        built = [Asset(tech_id, self.kind, capex, spec.lifetime_yr)]
        tank = backup_tank_id(tech_id)
        if (tank, "MMBtu") in rows.capacities:
            fuel = scenario.backup_fuel
            capex = fuel.tank_capex_usd_per_mmbtu * rows.capacity(tank, "MMBtu")
            built.append(Asset(tank, TANK_KIND, capex, fuel.tank_lifetime_yr))
        return built

    def marginal_energy(self, tech_id: str, spec: GasTech, rows: SiteRows) -> MarginalEnergy | None:
        """Incremental fuel (heat-rate factor weighted by its output) and variable O&M."""
        if rows.capacity(tech_id, "MW") <= 0:
            return None
        out = rows.column(f"gas_mw_{tech_id}") * rows.column("weight_h", fill=1.0)
        output = float(np.sum(out))
        factor = 1.0
        if output > 0:
            factor = float(np.sum(rows.profile(f"heat_rate_factor_{tech_id}") * out) / output)
        incremental = spec.heat_rate_full_load_mmbtu_per_mwh * (1.0 - spec.no_load_fuel_fraction)
        return MarginalEnergy(output, factor * incremental, spec.vom_usd_per_mwh)

    def profile_figures(self, tech_id: str, spec: GasTech, hourly: pd.DataFrame) -> tuple:
        """Return a unit's available output at the hottest hour [MW]."""
        factor = hourly[f"gas_cf_{tech_id}"].min()
        fact = f"{spec.unit_mw * factor:.2f} of {spec.unit_mw:g} ({factor:.1%})"
        return {}, {f"{tech_id} unit at hottest hour [MW]": fact}

    # -- independent checks (dcpower.verify): see dcpower.techs.gas.checks

    def columns(self, tech_id: str) -> list[str]:
        """Return its output and units online columns, and its start-ups."""
        return [*super().columns(tech_id), f"gas_startups_{tech_id}"]

    def check(self, tech_id: str, spec: GasTech, c: Checker) -> None:
        """Check commitment, output limits, minimum load, start-ups and ramping."""
        checks.check(tech_id, spec, c)

    def recompute(self, tech_id: str, spec: GasTech, c: Checker) -> dict:
        """Return its fuel by the part-load curve [MMBtu/h]."""
        return {"fuel_mmbtu_per_h": checks.fuel_mmbtu_per_h(tech_id, spec, c)}

    def firm(self, tech_id: str, spec: GasTech, c: Checker, design_factor, rules) -> Firm:
        """Return all its units at the design point; any of them may be among the k out."""
        return checks.firm(tech_id, spec, c, design_factor)

    def on_site_fuel(self, tech_id: str, spec: GasTech, c: Checker) -> tuple[float, float] | None:
        """Return its backup tank [MMBtu] and full-load heat rate [MMBtu/MWh], if dual fuel."""
        if not spec.dual_fuel:
            return None
        return c.cap(backup_tank_id(tech_id), "MMBtu", 0.0), spec.heat_rate_full_load_mmbtu_per_mwh

    def contingency(self, tech_id: str, spec: GasTech, c: Checker, rules, integer):
        """Return the headroom of its online units, the unit that may trip, its spares."""
        return checks.contingency(tech_id, spec, c, integer, rules.ride_through_min)

    def window_limits(self, tech_id: str, spec: GasTech, c: Checker, windows: Windows):
        """Return units online and output with their limits in the window steps."""
        return checks.window_limits(tech_id, spec, c, windows)

    def needs_supply(self, tech_id: str, spec: GasTech, c: Checker, windows: Windows):
        """Return its output, which needs gas unless it runs on backup fuel (dual fuel)."""
        power = c.w(f"gas_mw_{tech_id}")
        return {"gas": np.zeros(len(power)) if spec.dual_fuel else power}

    def check_windows(self, tech_id: str, spec: GasTech, c: Checker, windows: Windows) -> None:
        """Check a dual-fuel type's backup fuel: part-load curve and within its tank."""
        checks.check_windows(tech_id, spec, c, windows)

    def summary_pairs(self, tech_id: str, spec: GasTech, c: Checker, capacity: dict):
        """Return units and unit rating in summary.json against capacities.csv."""
        return checks.summary_pairs(tech_id, spec, c, capacity)
