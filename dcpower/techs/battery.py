"""Battery storage: energy and power sized separately, state of charge, ride-through reserve."""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from dcpower.scenario import BatteryTech
from dcpower.techs.base import (
    capital_recovery_factor,
    previous,
    values,
    window_values,
    zero_result,
)


def add_block(
    m: pyo.ConcreteModel,
    tech_id: str,
    tech: BatteryTech,
    wacc: float,
    ride_through_h: float,
    hourly_reserve: bool,
    firm_hours: float,
) -> pyo.Block:
    """Add a battery whose energy [MWh] and power [MW] the model sizes.

    Parameters
    ----------
    m : pyo.ConcreteModel
        Site model (set ``T``, ``duration_h``, registry).
    tech_id : str
        Technology id, used as block name and cost label.
    tech : BatteryTech
        Costs, efficiencies and limits.
    wacc : float
        Real discount rate for annualizing capital. [1/yr]
    ride_through_h : float
        How long reserve power must be sustained after a unit trips. [h]
    hourly_reserve : bool
        Whether to offer contingency reserve every step (for hourly N-1).
    firm_hours : float
        How long storage must hold power to count toward N+k; 0 = it does not count. [h]
    """
    b = pyo.Block()
    m.add_component(tech_id, b)
    b.energy_mwh = pyo.Var(within=pyo.NonNegativeReals, bounds=(0, tech.max_mwh))
    b.power_mw = pyo.Var(within=pyo.NonNegativeReals)
    b.charge_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    b.discharge_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    b.soc_mwh = pyo.Var(
        m.T, within=pyo.NonNegativeReals, doc="state of charge at the end of the step"
    )

    eta_c, eta_d = tech.eta_charge, tech.eta_discharge
    floor = tech.min_soc_fraction

    b.charge_limit = pyo.Constraint(m.T, rule=lambda b, t: b.charge_mw[t] <= b.power_mw)
    b.discharge_limit = pyo.Constraint(m.T, rule=lambda b, t: b.discharge_mw[t] <= b.power_mw)
    b.soc_max = pyo.Constraint(m.T, rule=lambda b, t: b.soc_mwh[t] <= b.energy_mwh)
    b.soc_min = pyo.Constraint(m.T, rule=lambda b, t: b.soc_mwh[t] >= floor * b.energy_mwh)
    # Cyclic: the step before the first is the last, so the horizon ends where it began.
    b.soc_balance = pyo.Constraint(
        m.T,
        rule=lambda b, t: (
            b.soc_mwh[t]
            == b.soc_mwh[previous(m, t)]
            + m.duration_h[t] * (eta_c * b.charge_mw[t] - b.discharge_mw[t] / eta_d)
        ),
    )
    if hourly_reserve:
        _add_contingency_reserve(m, b, eta_d, floor, ride_through_h)
    if hasattr(m, "OW"):
        _add_outage_operation(m, b, eta_c, eta_d, floor)
    if firm_hours > 0:
        b.firm_mw = pyo.Var(within=pyo.NonNegativeReals, doc="power held firm_hours, for N+k")
        b.firm_power = pyo.Constraint(expr=b.firm_mw <= b.power_mw)
        b.firm_energy = pyo.Constraint(
            expr=b.firm_mw * firm_hours <= eta_d * (1 - floor) * b.energy_mwh
        )

    annuity = capital_recovery_factor(wacc, tech.lifetime_yr)
    reg = m.registry
    if hasattr(m, "OW"):
        reg.outage_injections_mw.append(b.outage_discharge_mw)
        reg.outage_withdrawals_mw.append(b.outage_charge_mw)
    reg.injections_mw.append(b.discharge_mw)
    reg.withdrawals_mw.append(b.charge_mw)
    if hourly_reserve:
        reg.contingency_reserve_mw.append(b.reserve_mw)
    if firm_hours > 0:
        reg.firm_storage_mw.append(b.firm_mw)
    reg.sizing[f"{tech_id}.energy_mwh"] = b.energy_mwh
    reg.sizing[f"{tech_id}.power_mw"] = b.power_mw
    reg.capex_usd[tech_id] = 1e3 * (
        tech.capex_energy_usd_per_kwh * b.energy_mwh + tech.capex_power_usd_per_kw * b.power_mw
    )
    reg.cost_usd_per_yr[(tech_id, "capex")] = annuity * reg.capex_usd[tech_id]
    reg.cost_usd_per_yr[(tech_id, "fixed_om")] = 1e3 * (
        tech.fom_energy_usd_per_kwh_yr * b.energy_mwh + tech.fom_power_usd_per_kw_yr * b.power_mw
    )
    return b


def _add_outage_operation(
    m: pyo.ConcreteModel, b: pyo.Block, eta_c: float, eta_d: float, floor: float
) -> None:
    """Operate the battery inside each gas-outage window.

    It enters a window with the state of charge of normal operation at the step before.
    """
    b.outage_charge_mw = pyo.Var(m.OW, within=pyo.NonNegativeReals)
    b.outage_discharge_mw = pyo.Var(m.OW, within=pyo.NonNegativeReals)
    b.outage_soc_mwh = pyo.Var(m.OW, within=pyo.NonNegativeReals)
    b.outage_charge_limit = pyo.Constraint(
        m.OW, rule=lambda b, w, k: b.outage_charge_mw[w, k] <= b.power_mw
    )
    b.outage_discharge_limit = pyo.Constraint(
        m.OW, rule=lambda b, w, k: b.outage_discharge_mw[w, k] <= b.power_mw
    )
    b.outage_soc_max = pyo.Constraint(
        m.OW, rule=lambda b, w, k: b.outage_soc_mwh[w, k] <= b.energy_mwh
    )
    b.outage_soc_min = pyo.Constraint(
        m.OW, rule=lambda b, w, k: b.outage_soc_mwh[w, k] >= floor * b.energy_mwh
    )

    def _balance(b, w, k):
        before = b.soc_mwh[m.outage_entry[w]] if k == 0 else b.outage_soc_mwh[w, k - 1]
        t = m.outage_step[w, k]
        flow = eta_c * b.outage_charge_mw[w, k] - b.outage_discharge_mw[w, k] / eta_d
        return b.outage_soc_mwh[w, k] == before + m.duration_h[t] * flow

    b.outage_soc_balance = pyo.Constraint(m.OW, rule=_balance)


def _add_contingency_reserve(
    m: pyo.ConcreteModel, b: pyo.Block, eta_d: float, floor: float, ride_through_h: float
) -> None:
    """Extra power the battery can give for the ride-through time if a unit trips in a step.

    On a trip it stops charging and discharges harder, within its power rating, and must
    hold that extra power for the ride-through time from its state of charge at either end
    of the step (the lower one binds), above its floor.
    """
    b.reserve_mw = pyo.Var(m.T, within=pyo.NonNegativeReals, doc="extra power on a unit trip")
    b.reserve_power = pyo.Constraint(
        m.T, rule=lambda b, t: b.reserve_mw[t] <= b.power_mw - b.discharge_mw[t] + b.charge_mw[t]
    )

    def _energy(b, t, end):
        soc = b.soc_mwh[t] if end == "end" else b.soc_mwh[previous(m, t)]
        return b.reserve_mw[t] * ride_through_h <= eta_d * (soc - floor * b.energy_mwh)

    b.reserve_energy = pyo.Constraint(m.T, ["start", "end"], rule=_energy)


CAPACITY_KEYS = ("energy_mwh", "power_mw")
DISPATCH_COLUMNS = ("charge_mw", "discharge_mw", "soc_mwh")


def extract(b: pyo.Block | None, index: pd.Index) -> tuple[dict[str, float], pd.DataFrame]:
    """Sizes and hourly operation of a solved battery block.

    ``b`` None stands for a battery sized to zero and left out of the model.

    Returns
    -------
    capacity : dict
        ``energy_mwh`` [MWh] and ``power_mw`` [MW].
    dispatch : pd.DataFrame
        ``charge_mw``, ``discharge_mw`` [MW] and ``soc_mwh`` (end of step) [MWh].
    """
    if b is None:
        return zero_result(CAPACITY_KEYS, DISPATCH_COLUMNS, index)
    capacity = {
        "energy_mwh": float(values(b.energy_mwh)[0]),
        "power_mw": float(values(b.power_mw)[0]),
    }
    dispatch = pd.DataFrame(
        {
            "charge_mw": values(b.charge_mw),
            "discharge_mw": values(b.discharge_mw),
            "soc_mwh": values(b.soc_mwh),
        },
        index=index,
    )
    return capacity, dispatch


def extract_outage(b: pyo.Block | None, pairs: list) -> pd.DataFrame:
    """Operation in each outage-window step (zeros for a battery left out).

    Returns
    -------
    pd.DataFrame
        One row per (window, k) pair: ``charge_mw``, ``discharge_mw`` [MW] and ``soc_mwh``
        (end of step) [MWh].
    """
    return pd.DataFrame(
        {
            column: window_values(None if b is None else b.component(f"outage_{column}"), pairs)
            for column in DISPATCH_COLUMNS
        }
    )
