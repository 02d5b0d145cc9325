"""Assemble one site's model: time set, technology blocks, energy balance, reliability, objective.

Sites that share nothing are separate models (an exact decomposition), so the builder works
on one site at a time. Requirements carry elastic slack variables fixed at zero; to explain
an infeasible run they are released with a penalty and their values say which requirement
fails and by how much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from dcpower.optimization.outage import add_outage_balance, add_outage_sets, outage_windows
from dcpower.optimization.reliability import add_reliability
from dcpower.scenario import BatteryTech, Economics, GasTech, PVTech, Reliability, Site, WindTech
from dcpower.techs import battery, gas, renewable
from dcpower.techs.base import Registry, TypicalPeriods, annual_sum

#: Penalties that make the elastic slacks the last resort when diagnosing infeasibility.
SHORTFALL_PENALTY_USD_PER_MWH = 1e5
SHORTFALL_PENALTY_USD_PER_MW = 1e8


@dataclass
class SiteInputs:
    """Everything the optimization needs for one site, already on the model's time steps.

    Attributes
    ----------
    site_id : str
        Site id.
    index : pd.DatetimeIndex
        Start of each time step (site local time).
    duration_h : np.ndarray
        Length of each step. [h]
    weight_h : np.ndarray
        Hours of the year each step stands for (sums to 8760). [h]
    load_mw : np.ndarray
        Data-center load per step. [MW]
    peak_load_mw : float
        Design peak load over the full year. [MW]
    site : Site
        Site settings (prices).
    technologies : dict
        Technologies allowed at the site, by id.
    renewable_cf : dict
        Output per MW by PV or wind technology id, per step. [MW/MW]
    gas_available_factor, gas_heat_rate_factor : dict
        Ambient factors by gas technology id, per step. [-]
    gas_design_factor : dict
        Available output share at the design temperature, by gas technology id. [-]
    economics : Economics
    reliability : Reliability
    integer_commitment : bool
    absent : frozenset
        Technology ids sized to zero in an earlier solve: a dispatch-only model leaves
        them out (their results read back as zeros), which keeps the full-year model lean.
    periods : TypicalPeriods or None
        The steps are typical periods standing for the calendar this way (operation cyclic
        within a period, storage linked across the year); None: one chronological horizon.
    outage_windows : list of list of int or None
        With typical periods and a gas-outage requirement: the calendar hours of each
        window (0 = the year's first hour). None: the windows are found on the steps, one
        per month from its peak-load step.
    """

    site_id: str
    index: pd.DatetimeIndex
    duration_h: np.ndarray
    weight_h: np.ndarray
    load_mw: np.ndarray
    peak_load_mw: float
    site: Site
    technologies: dict
    renewable_cf: dict
    gas_available_factor: dict
    gas_heat_rate_factor: dict
    gas_design_factor: dict
    economics: Economics
    reliability: Reliability
    integer_commitment: bool
    absent: frozenset = frozenset()
    periods: TypicalPeriods | None = None
    outage_windows: list[list[int]] | None = None


def build_site_model(inp: SiteInputs) -> pyo.ConcreteModel:
    """Build the sizing and dispatch model of one site.

    Parameters
    ----------
    inp : SiteInputs
        Profiles, technologies, prices and rules on the model's time steps.

    Returns
    -------
    pyo.ConcreteModel
        Model whose objective is the total annual cost [USD/yr]; one block per technology.
    """
    m = pyo.ConcreteModel(name=inp.site_id)
    n = len(inp.load_mw)
    m.T = pyo.RangeSet(0, n - 1)
    m.duration_h = pyo.Param(m.T, initialize=dict(enumerate(map(float, inp.duration_h))))
    m.weight_h = pyo.Param(m.T, initialize=dict(enumerate(map(float, inp.weight_h))))
    m.occurrences = pyo.Param(
        m.T, initialize=dict(enumerate(map(float, inp.weight_h / inp.duration_h)))
    )
    m.site_load_mw = pyo.Param(m.T, initialize=dict(enumerate(map(float, inp.load_mw))))
    m.registry = Registry()
    m.periods = inp.periods
    outage_hours = inp.reliability.gas_outage_hours
    if outage_hours > 0:
        windows = inp.outage_windows or outage_windows(
            inp.index, inp.duration_h, inp.load_mw, outage_hours
        )
        add_outage_sets(m, windows)
        m.outage_hours = outage_hours

    wacc = inp.economics.wacc
    ride_through_h = inp.reliability.ride_through_min / 60
    for tech_id, tech in inp.technologies.items():
        if tech_id in inp.absent:
            continue
        if isinstance(tech, PVTech | WindTech):
            renewable.add_block(m, tech_id, tech, inp.renewable_cf[tech_id], wacc)
        elif isinstance(tech, BatteryTech):
            battery.add_block(
                m,
                tech_id,
                tech,
                wacc,
                ride_through_h,
                hourly_reserve=inp.reliability.hourly_n_minus_1,
                firm_hours=inp.reliability.n_plus_k_storage_hours,
            )
        elif isinstance(tech, GasTech):
            terms = gas.GasSiteTerms(
                available_factor=inp.gas_available_factor[tech_id],
                heat_rate_factor=inp.gas_heat_rate_factor[tech_id],
                design_factor=inp.gas_design_factor[tech_id],
                gas_price_usd_per_mmbtu=inp.site.gas_price_usd_per_mmbtu,
                carbon_price_usd_per_t=inp.site.carbon_price_usd_per_t,
                co2_t_per_mmbtu=inp.economics.co2_kg_per_mmbtu / 1000,
                wacc=wacc,
                integer_commitment=inp.integer_commitment,
                max_units=useful_units(
                    tech,
                    inp.gas_design_factor[tech_id],
                    inp.peak_load_mw,
                    inp.reliability.redundancy_k,
                ),
            )
            gas.add_block(m, tech_id, tech, terms)

    # Elastic slacks, fixed at zero: released only to diagnose an infeasible scenario.
    m.unserved_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    m.nk_shortfall_mw = pyo.Var(within=pyo.NonNegativeReals)
    m.n1_shortfall_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    set_elastic(m, False)

    reg = m.registry
    m.balance = pyo.Constraint(
        m.T,
        rule=lambda m, t: (
            sum(p[t] for p in reg.injections_mw)
            - sum(w[t] for w in reg.withdrawals_mw)
            + m.unserved_mw[t]
            == m.site_load_mw[t]
        ),
    )
    add_reliability(m, inp.reliability, inp.peak_load_mw, inp.integer_commitment)
    if hasattr(m, "OW"):
        add_outage_balance(m)

    penalty = (
        SHORTFALL_PENALTY_USD_PER_MWH
        * (annual_sum(m, m.unserved_mw) + annual_sum(m, m.n1_shortfall_mw))
        + SHORTFALL_PENALTY_USD_PER_MW * m.nk_shortfall_mw
        + SHORTFALL_PENALTY_USD_PER_MWH * sum(_outage_unserved_mwh(m).values())
    )
    m.total_cost_usd_per_yr = pyo.Objective(
        expr=sum(reg.cost_usd_per_yr.values()) + penalty, sense=pyo.minimize
    )
    return m


def useful_units(tech: GasTech, design_factor: float, peak_load_mw: float, k: int) -> int:
    """Most units of one type a least-cost plan can use.

    Enough to carry the peak alone at the design temperature, plus the redundant ones (at
    least one, for hourly N-1).

    Any further unit of the same type only adds cost, so this bound is exact; it tightens the
    "type is built" big-M rows, which speeds up the MIP a great deal.
    """
    carry = math.ceil(peak_load_mw / (tech.unit_mw * design_factor) - 1e-9)
    return min(tech.max_units, carry + max(k, 1))


def sizing_values(m: pyo.ConcreteModel) -> dict[str, float]:
    """Solved investment decisions by name (integer unit counts rounded)."""
    out = {}
    for name, var in m.registry.sizing.items():
        value = float(pyo.value(var))
        out[name] = float(round(value)) if var.is_integer() else (value if value > 0 else 0.0)
    return out


def fix_sizing(m: pyo.ConcreteModel, sizes: dict[str, float]) -> None:
    """Fix a model's investment decisions (for a re-dispatch with capacities given).

    The reliability rows' "type is built" flags follow from the unit counts, so they are
    fixed too and the re-dispatch has no integer decision left but hourly commitment.
    """
    for name, var in m.registry.sizing.items():
        var.fix(sizes[name])
    if hasattr(m, "type_built"):
        for group in m.registry.unit_groups:
            m.type_built[group.name].fix(1.0 if pyo.value(group.units_built) > 0 else 0.0)


def _outage_unserved_mwh(m: pyo.ConcreteModel) -> dict:
    """Return the unserved energy per gas-outage window [MWh] (empty without windows)."""
    if not hasattr(m, "OW"):
        return {}
    per_window: dict = {}
    for w, k in m.OW:
        step = m.outage_step[w, k]
        per_window[w] = per_window.get(w, 0) + m.duration_h[step] * m.outage_unserved_mw[w, k]
    return per_window


def set_elastic(m: pyo.ConcreteModel, elastic: bool) -> None:
    """Release (True) or pin to zero (False) the requirement slacks."""
    slacks = [m.unserved_mw, m.nk_shortfall_mw, m.n1_shortfall_mw]
    if hasattr(m, "OW"):
        slacks.append(m.outage_unserved_mw)
    for var in slacks:
        for v in var.values():
            if elastic:
                v.unfix()
            else:
                v.fix(0.0)


def requirement_shortfalls(m: pyo.ConcreteModel, index: pd.Index) -> dict[str, str]:
    """Describe, after an elastic solve, each requirement that was not met and by how much.

    Parameters
    ----------
    m : pyo.ConcreteModel
        A model solved with its requirement slacks released.
    index : pd.Index
        Start times of the model's steps, to name the worst one.
    """
    found = {}
    unserved = np.array([pyo.value(v) for v in m.unserved_mw.values()])
    weight = np.array([pyo.value(m.weight_h[t]) for t in m.T])
    if unserved.max() > 1e-6:
        worst = index[int(unserved.argmax())].isoformat()
        found["energy balance"] = (
            f"load cannot be served in {int((unserved > 1e-6).sum())} of {len(unserved)} "
            f"time steps: {(unserved * weight).sum():,.1f} MWh/yr unserved, worst "
            f"{unserved.max():,.2f} MW at {worst}"
        )
    nk = pyo.value(m.nk_shortfall_mw)
    if nk > 1e-6:
        found["N+k redundancy"] = (
            f"firm capacity at the design temperature falls {nk:,.2f} MW short of the peak load "
            "with the largest units out"
        )
    n1 = np.array([pyo.value(v) for v in m.n1_shortfall_mw.values()])
    if n1.max() > 1e-6:
        found["hourly N-1"] = (
            f"a unit trip is not covered in {int((n1 > 1e-6).sum())} time steps, "
            f"worst short by {n1.max():,.2f} MW at {index[int(n1.argmax())].isoformat()}"
        )
    short = {w: pyo.value(e) for w, e in _outage_unserved_mwh(m).items()}
    if short and max(short.values()) > 1e-6:
        worst = max(short, key=short.get)
        start = index[m.outage_step[worst, 0]].isoformat()
        found["gas outage ride-through"] = (
            f"without gas for {m.outage_hours:g} h, storage and renewables fall short in "
            f"{sum(v > 1e-6 for v in short.values())} of {len(short)} windows, worst "
            f"{short[worst]:,.1f} MWh in the window from {start}"
        )
    return found
