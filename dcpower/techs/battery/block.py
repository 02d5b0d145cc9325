"""Battery storage: energy and power sized separately, state of charge, ride-through reserve.

On chronological steps the state of charge is one cyclic chain over the horizon. On typical
periods it is split as in Kotzur et al. (2018, Applied Energy 213, "Time series aggregation
for energy system design: modeling seasonal storage"): an intra-period state of charge per
typical-period step (relative to the period's start) plus an inter-period state of charge
at the start of every calendar period, chained in calendar order through the typical
period that stands for each one and cyclic over the year, so energy moves between days
(a multi-day lull can drain the battery). Their sum is kept within bounds in the compact
form: the intra-period maximum and minimum of each typical period, added to every calendar
period's start value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from dcpower.techs.base import (
    TypicalPeriods,
    add_linear_rows,
    capital_recovery_factor,
    previous,
    values,
    window_values,
    zero_result,
)
from dcpower.techs.contract import Readback

if TYPE_CHECKING:  # pragma: no cover
    from dcpower.optimization.build import SiteInputs
    from dcpower.techs.battery.spec import BatteryTech


def add_block(m: pyo.ConcreteModel, tech_id: str, tech: BatteryTech, inp: SiteInputs) -> pyo.Block:
    """Add a battery whose energy [MWh] and power [MW] the model sizes.

    Parameters
    ----------
    m : pyo.ConcreteModel
        Site model (set ``T``, ``duration_h``, registry).
    tech_id : str
        Technology id, used as block name and cost label.
    tech : BatteryTech
        Costs, efficiencies and limits (any spec with the battery's fields).
    inp : SiteInputs
        The site's inputs: the discount rate, and the reliability rules (ride-through time
        after a unit trips, hourly N-1 reserve, hours storage must hold to count in N+k).
    """
    wacc = inp.economics.wacc
    ride_through_h = inp.reliability.ride_through_min / 60
    hourly_reserve = inp.reliability.hourly_n_minus_1
    firm_hours = inp.reliability.n_plus_k_storage_hours
    b = pyo.Block()
    m.add_component(tech_id, b)
    b.energy_mwh = pyo.Var(within=pyo.NonNegativeReals, bounds=(0, tech.max_mwh))
    b.power_mw = pyo.Var(within=pyo.NonNegativeReals)
    b.charge_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    b.discharge_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    eta_c, eta_d = tech.eta_charge, tech.eta_discharge
    floor = tech.min_soc_fraction

    charge, discharge = list(b.charge_mw.values()), list(b.discharge_mw.values())
    add_linear_rows(b, "charge_limit", m.T, [(1, charge), (-1, b.power_mw)], "<=")
    add_linear_rows(b, "discharge_limit", m.T, [(1, discharge), (-1, b.power_mw)], "<=")
    if m.periods is None:
        _add_chronological_soc(m, b, eta_c, eta_d, floor)
    else:
        _add_linked_soc(m, b, m.periods, eta_c, eta_d, floor, lowest_start=hourly_reserve)
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
    reg.storage_levels_mwh[tech_id] = b.soc_mwh if m.periods is None else b.inter_soc_mwh
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


def _add_chronological_soc(
    m: pyo.ConcreteModel, b: pyo.Block, eta_c: float, eta_d: float, floor: float
) -> None:
    """State of charge chained step by step, cyclic over the horizon, within its bounds."""
    b.soc_mwh = pyo.Var(
        m.T, within=pyo.NonNegativeReals, doc="state of charge at the end of the step"
    )
    soc = list(b.soc_mwh.values())
    add_linear_rows(b, "soc_max", m.T, [(1, soc), (-1, b.energy_mwh)], "<=")
    # soc >= floor x energy
    add_linear_rows(b, "soc_min", m.T, [(floor, b.energy_mwh), (-1, soc)], "<=")
    # Cyclic: the step before the first is the last, so the horizon ends where it began.
    before = [soc[previous(m, t)] for t in m.T]
    _add_soc_balance(m, b, eta_c, eta_d, before)


def _add_soc_balance(
    m: pyo.ConcreteModel, b: pyo.Block, eta_c: float, eta_d: float, before: list
) -> None:
    """Chain the state of charge: end of step = start + duration x net charge.

    ``before`` holds the state of charge at the start of each step (a variable, or None
    for zero); net charge is eta_c x charge - discharge / eta_d. [MWh]
    """
    duration_h = np.array(m.duration_h)
    terms = [
        (1, list(b.soc_mwh.values())),
        (-1, before),
        (-(duration_h * eta_c), list(b.charge_mw.values())),
        (duration_h * (1 / eta_d), list(b.discharge_mw.values())),
    ]
    add_linear_rows(b, "soc_balance", m.T, terms, "==")


def _add_linked_soc(
    m: pyo.ConcreteModel,
    b: pyo.Block,
    periods: TypicalPeriods,
    eta_c: float,
    eta_d: float,
    floor: float,
    lowest_start: bool,
) -> None:
    """State of charge on typical periods linked across the calendar (Kotzur et al. 2018).

    ``soc_mwh[t]`` is the intra-period state of charge at the end of step ``t``, relative to
    the start of its period (zero there); ``inter_soc_mwh[p]`` the state of charge at the
    start of calendar period ``p``, which gains the net intra-period change of the typical
    period standing for ``p`` (cyclic over the year). The true state of charge at any hour
    of ``p`` is the sum of the two; it stays within ``[floor x energy, energy]`` through the
    typical period's intra-period maximum and minimum (compact form, exact for the bounds).
    With ``lowest_start``, ``soc_low_mwh[k]`` is a lower bound on the start values of all
    calendar periods that typical period ``k`` stands for, for the ride-through reserve.
    """
    calendar = range(len(periods.order))
    typical = range(periods.n_typical)
    order = periods.order
    b.soc_mwh = pyo.Var(m.T, within=pyo.Reals, doc="intra-period state of charge, end of step")
    b.intra_max_mwh = pyo.Var(typical, within=pyo.NonNegativeReals)
    b.intra_min_mwh = pyo.Var(typical, within=pyo.NonPositiveReals)
    b.inter_soc_mwh = pyo.Var(
        calendar, within=pyo.NonNegativeReals, doc="state of charge at a calendar period's start"
    )

    soc = list(b.soc_mwh.values())
    _add_soc_balance(m, b, eta_c, eta_d, [None if periods.is_first(t) else soc[t - 1] for t in m.T])
    intra_max = [b.intra_max_mwh[periods.period_of(t)] for t in m.T]
    intra_min = [b.intra_min_mwh[periods.period_of(t)] for t in m.T]
    add_linear_rows(b, "intra_max", m.T, [(1, soc), (-1, intra_max)], "<=")
    # soc >= intra-period minimum
    add_linear_rows(b, "intra_min", m.T, [(1, intra_min), (-1, soc)], "<=")
    b.inter_balance = pyo.Constraint(
        calendar,
        rule=lambda b, p: (
            b.inter_soc_mwh[(p + 1) % len(order)]
            == b.inter_soc_mwh[p] + b.soc_mwh[periods.last_step(order[p])]
        ),
    )
    b.soc_max = pyo.Constraint(
        calendar, rule=lambda b, p: b.inter_soc_mwh[p] + b.intra_max_mwh[order[p]] <= b.energy_mwh
    )
    b.soc_min = pyo.Constraint(
        calendar,
        rule=lambda b, p: b.inter_soc_mwh[p] + b.intra_min_mwh[order[p]] >= floor * b.energy_mwh,
    )
    if lowest_start:
        b.soc_low_mwh = pyo.Var(typical, within=pyo.NonNegativeReals)
        b.soc_low = pyo.Constraint(
            calendar, rule=lambda b, p: b.soc_low_mwh[order[p]] <= b.inter_soc_mwh[p]
        )


def _soc_at(m: pyo.ConcreteModel, b: pyo.Block, t: int, end: bool) -> tuple:
    """State of charge at the end (or start) of step ``t``, or a lower bound on it.

    Exact on chronological steps; on typical periods, the lowest the step can have in any
    calendar period it stands for (its period's lowest start value plus the intra-period
    state of charge).

    Returns
    -------
    tuple
        The variables it sums (None for a zero term): the period's lowest start value
        (None on chronological steps) and the (intra-period) state of charge. [MWh]
    """
    periods: TypicalPeriods | None = m.periods
    if periods is None:
        return None, b.soc_mwh[t] if end else b.soc_mwh[previous(m, t)]
    intra = b.soc_mwh[t] if end else (None if periods.is_first(t) else b.soc_mwh[t - 1])
    return b.soc_low_mwh[periods.period_of(t)], intra


def _soc_entering(m: pyo.ConcreteModel, b: pyo.Block, w: int):
    """State of charge of normal operation just before gas-outage window ``w``."""
    periods: TypicalPeriods | None = m.periods
    entry = m.outage_entry[w]
    if periods is None:
        return b.soc_mwh[entry]
    start_of_period = b.inter_soc_mwh[entry // periods.steps_per_period]
    return start_of_period + b.soc_mwh[periods.step_of(entry)]


def _add_outage_operation(
    m: pyo.ConcreteModel, b: pyo.Block, eta_c: float, eta_d: float, floor: float
) -> None:
    """Operate the battery inside each gas-outage window.

    It enters a window with the state of charge of normal operation at the step before
    (on typical periods: at the calendar hour before, inter- plus intra-period).
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
        before = _soc_entering(m, b, w) if k == 0 else b.outage_soc_mwh[w, k - 1]
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
    of the step (the lower one binds), above its floor. On typical periods that state of
    charge is the lowest the step has in any calendar period it stands for (conservative).
    """
    b.reserve_mw = pyo.Var(m.T, within=pyo.NonNegativeReals, doc="extra power on a unit trip")
    reserve = list(b.reserve_mw.values())
    # reserve <= power rating - discharge + charge
    terms = [
        (1, reserve),
        (-1, b.power_mw),
        (1, list(b.discharge_mw.values())),
        (-1, list(b.charge_mw.values())),
    ]
    add_linear_rows(b, "reserve_power", m.T, terms, "<=")
    # reserve x ride-through time <= eta_d x (state of charge - floor x energy), at either
    # end of the step
    steps = [(t, end) for t in m.T for end in ("start", "end")]
    low_start, intra = zip(*(_soc_at(m, b, t, end == "end") for t, end in steps), strict=True)
    terms = [
        (ride_through_h, [b.reserve_mw[t] for t, _ in steps]),
        (-eta_d, list(low_start)),
        (-eta_d, list(intra)),
        (floor * eta_d, b.energy_mwh),
    ]
    add_linear_rows(b, "reserve_energy", (m.T, ["start", "end"]), terms, "<=")


CAPACITY_KEYS = ("energy_mwh", "power_mw")
DISPATCH_COLUMNS = ("charge_mw", "discharge_mw", "soc_mwh")


#: Summed dispatch columns a storage contributes to; its own columns are ``<total>_<id>``.
STORAGE_TOTALS = {
    "charge_mw": "battery_charge_mw",
    "discharge_mw": "battery_discharge_mw",
    "soc_mwh": "battery_soc_mwh",
}


def read(b: pyo.Block | None, tech_id: str, kind: str, index: pd.Index) -> Readback:
    """Sizes and hourly operation of a solved storage block.

    ``b`` None stands for a store sized to zero and left out of the model.

    Returns
    -------
    Readback
        Capacities ``(tech_id, kind, MW)`` and ``(tech_id, kind, MWh)``; columns
        ``battery_charge_mw_<id>``, ``battery_discharge_mw_<id>`` [MW] and
        ``battery_soc_mwh_<id>`` (end of step) [MWh], summed into the ``battery_*`` totals.
    """
    if b is None:
        capacity, dispatch = zero_result(CAPACITY_KEYS, DISPATCH_COLUMNS, index)
    else:
        capacity = {
            "energy_mwh": float(values(b.energy_mwh)[0]),
            "power_mw": float(values(b.power_mw)[0]),
        }
        dispatch = pd.DataFrame(
            {column: values(b.component(column)) for column in DISPATCH_COLUMNS}, index=index
        )
    return _readback(
        dispatch,
        [
            (tech_id, kind, capacity["power_mw"], "MW"),
            (tech_id, kind, capacity["energy_mwh"], "MWh"),
        ],
        tech_id,
    )


def read_outage(b: pyo.Block | None, tech_id: str, pairs: list) -> Readback:
    """Operation in each outage-window step (zeros for a store left out).

    Returns
    -------
    Readback
        Columns and totals as :func:`read`, one row per (window, k) pair.
    """
    dispatch = pd.DataFrame(
        {
            column: window_values(None if b is None else b.component(f"outage_{column}"), pairs)
            for column in DISPATCH_COLUMNS
        }
    )
    return _readback(dispatch, [], tech_id)


def _readback(dispatch: pd.DataFrame, capacities: list, tech_id: str) -> Readback:
    totals = {STORAGE_TOTALS[c]: dispatch[c].to_numpy() for c in DISPATCH_COLUMNS}
    return Readback(
        capacities=capacities,
        columns={f"{total}_{tech_id}": v for total, v in totals.items()},
        totals=totals,
    )
