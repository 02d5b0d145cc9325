"""Battery storage: energy and power sized apart, state of charge linked over the year."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dcpower.techs.battery import checks
from dcpower.techs.battery.spec import BatteryTech
from dcpower.techs.contract import (
    Asset,
    Checker,
    Display,
    Readback,
    SiteRows,
    Store,
    Technology,
    Total,
    Windows,
    register,
)

if TYPE_CHECKING:  # pragma: no cover
    import pyomo.environ as pyo

    from dcpower.optimization.build import SiteInputs

__all__ = ["Battery", "BatteryTech"]

#: The summed storage columns (every storage technology adds to them).
STORAGE_TOTALS = (
    Total("battery_charge_mw", 60, balance=-1),
    Total("battery_discharge_mw", 70, balance=1),
    Total("battery_soc_mwh", 80),
)


@register
class Battery(Technology):
    """Li-ion battery: energy [MWh] and power [MW] sized and priced separately."""

    kind = "battery"
    spec = BatteryTech
    resource = "storage"
    display = Display(name="Battery", colour="#7B3FA0", order=50)
    catalogue = {"battery_li_ion": {}}
    totals = STORAGE_TOTALS
    summary_capacity = {"battery_mw": ("battery", "MW"), "battery_mwh": ("battery", "MWh")}
    summary_generation = {"battery_discharge": "battery_discharge_mw"}

    def add_block(self, m: pyo.ConcreteModel, tech_id: str, spec: BatteryTech, inp: SiteInputs):
        """Add the battery (see :mod:`dcpower.techs.battery.block`)."""
        from dcpower.techs.battery import block  # pyomo: only when a model is built

        block.add_block(m, tech_id, spec, inp)

    def read(self, block, tech_id: str, spec: BatteryTech, index) -> Readback:
        """Power [MW] and energy [MWh]; charge, discharge and state of charge per step."""
        from dcpower.techs.battery import block as battery_block

        return battery_block.read(block, tech_id, self.kind, index)

    def read_outage(self, block, tech_id: str, spec: BatteryTech, pairs: list) -> Readback:
        """Charge, discharge and state of charge in each outage-window step."""
        from dcpower.techs.battery import block as battery_block

        return battery_block.read_outage(block, tech_id, pairs)

    def behaviour(self, tech_id: str, spec: BatteryTech, rows: SiteRows) -> Store | None:
        """Return the built battery with its own efficiencies and dispatched flows."""
        power, energy = rows.capacity(tech_id, "MW"), rows.capacity(tech_id, "MWh")
        if power <= 0 or energy <= 0:
            return None
        return Store(
            power_mw=power,
            energy_mwh=energy,
            eta_charge=spec.eta_charge,
            eta_discharge=spec.eta_discharge,
            min_soc_fraction=spec.min_soc_fraction,
            charge_mw=rows.column(f"battery_charge_mw_{tech_id}"),
            discharge_mw=rows.column(f"battery_discharge_mw_{tech_id}"),
            soc_mwh=rows.column(f"battery_soc_mwh_{tech_id}"),
        )

    def assets(self, tech_id: str, spec: BatteryTech, rows: SiteRows, scenario) -> list[Asset]:
        """Return power conversion and storage energy at their overnight costs."""
        capex = 1e3 * (
            spec.capex_power_usd_per_kw * rows.capacity(tech_id, "MW")
            + spec.capex_energy_usd_per_kwh * rows.capacity(tech_id, "MWh")
        )
        return [Asset(tech_id, self.kind, capex, float(spec.lifetime_yr))]

    # -- independent checks (dcpower.verify): see dcpower.techs.battery.checks

    def check(self, tech_id: str, spec: BatteryTech, c: Checker) -> None:
        """Check power and SOC bounds and the cyclic SOC balance at its own efficiencies."""
        checks.check(tech_id, spec, c)

    def firm(self, tech_id: str, spec: BatteryTech, c: Checker, design_factor, rules):
        """Return the power it holds for ``n_plus_k_storage_hours`` (0 h: none)."""
        return checks.firm(tech_id, spec, c, rules.n_plus_k_storage_hours)

    def contingency(self, tech_id: str, spec: BatteryTech, c: Checker, rules, integer):
        """Return the reserve it adds for the ride-through after a trip."""
        return checks.contingency(tech_id, spec, c, rules.ride_through_min / 60)

    def check_windows(self, tech_id: str, spec: BatteryTech, c: Checker, windows: Windows):
        """Check its bounds and SOC continuing from the dispatch in the outage windows."""
        checks.check_windows(tech_id, spec, c, windows)
