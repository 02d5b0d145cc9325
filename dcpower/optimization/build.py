"""Assemble a model: one block per site, the coupling between sites if any, the objective.

A site block holds its time set, technology blocks, energy balance, reliability rows and
emission limits.

Sites that share nothing are separate models (an exact decomposition), so most models hold
one site; sites are built into one model only when something ties them together (workload
shifted over the fiber, a shared emission cap; :mod:`dcpower.optimization.siting`).
Requirements carry elastic slack variables fixed at zero; to explain an infeasible run they
are released with a penalty and their values say which requirement fails and by how much.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from dcpower import techs
from dcpower.optimization.limits import (
    SHORTFALL_PENALTY_USD_PER_LIMIT_UNIT,
    SHORTFALL_PENALTY_USD_PER_MW,
    SHORTFALL_PENALTY_USD_PER_MWH,
    add_emission_limits,
    emission_penalty,
    emission_shortfalls,
)
from dcpower.optimization.outage import (
    OUTAGE_KINDS,
    OutageWindow,
    add_outage_balance,
    add_outage_sets,
    outage_windows,
)
from dcpower.optimization.reliability import add_reliability
from dcpower.optimization.siting import Coupling, add_coupling, coupling_shortfalls
from dcpower.scenario import BackupFuel, Economics, Reliability, Site
from dcpower.techs import grid
from dcpower.techs.base import Registry, TypicalPeriods, add_linear_rows, annual_sum

#: The owner of the cooling water's cost in ``costs.csv`` (not a technology).
COOLING_WATER = "cooling_water"


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
    design_load_mw : float
        Load the net firm capacity covers with the k largest units out: the design IT load
        x the PUE at the design ambient (``dcpower.profiles.design_point``). [MW]
    site : Site
        Site settings (prices).
    technologies : dict
        Technologies allowed at the site, by id (parameter sets of registered kinds).
    profiles : dict
        Per technology id, its profile fields on the model's steps (``Technology.profile``:
        output per MW, ambient factors). [MW/MW, -]
    design_factor : dict
        Net firm output share of a unit at the design ambient, by id of each technology
        that counts in N+k (``Technology.design_factor``). [-]
    economics : Economics
    reliability : Reliability
    integer_commitment : bool
    absent : frozenset
        Technology ids sized to zero in an earlier solve: a dispatch-only model leaves
        them out (their results read back as zeros), which keeps the full-year model lean.
    it_load_mw, pue : np.ndarray or None
        IT load [MW] and PUE [-] per step; needed only when workload moves between sites
        (moved IT load carries the receiving site's PUE).
    cooling_electric_mw : np.ndarray or None
        Electric load of the data center's mechanical cooling per step (IT load x (PUE -
        PUE with free cooling)): what an absorption chiller may take over. [MW]
    stage, n_stages : int
        Which of the site's model blocks these inputs are, of how many: its weather years
        (they share the capacities, each counts 1 / n_stages in the objective) or the phases
        of its build-out (``phase_year``).
    phase_year : int or None
        The calendar year of the build-out phase these inputs are (``dcpower.phasing``):
        the phase has at least the capacities of the phase before it.
    phase_weight : float or None
        The phase's share of the project's discounted years, its weight in the objective
        (``dcpower.phasing.phase_weights``). [-]
    hosting : Hosting or None
        For a candidate site: the model decides whether to develop it and how much IT
        capacity it hosts; none = the site hosts its data center as given.
    cooling_water_m3_per_yr : float
        The data center's cooling water of the year (for its full IT capacity). [m3/yr]
    development_capex_usd, development_usd_per_yr : float
        Overnight [USD] and annualized [USD/yr] fixed cost of developing the site (paid
        only if a candidate site is developed).
    grid_price_usd_per_mwh : np.ndarray or None
        Grid tariff per step, if the site has a grid connection (``site.grid``). [USD/MWh]
    backup_fuel : BackupFuel or None
        Liquid backup fuel (tank and fuel costs) for dual-fuel gas types in gas-supply
        outages; needed only then.
    periods : TypicalPeriods or None
        The steps are typical periods standing for the calendar this way (operation cyclic
        within a period, storage linked across the year); None: one chronological horizon.
    outage_windows : list of OutageWindow or None
        With typical periods: the outage windows with their steps as calendar hours (0 =
        the year's first hour). None: the windows are found on the steps, one per month
        from its peak-load step.
    """

    site_id: str
    index: pd.DatetimeIndex
    duration_h: np.ndarray
    weight_h: np.ndarray
    load_mw: np.ndarray
    design_load_mw: float
    site: Site
    technologies: dict
    profiles: dict
    design_factor: dict
    economics: Economics
    reliability: Reliability
    integer_commitment: bool
    absent: frozenset = frozenset()
    periods: TypicalPeriods | None = None
    outage_windows: list[OutageWindow] | None = None
    grid_price_usd_per_mwh: np.ndarray | None = None
    backup_fuel: BackupFuel | None = None
    it_load_mw: np.ndarray | None = None
    pue: np.ndarray | None = None
    cooling_electric_mw: np.ndarray | None = None
    stage: int = 0
    n_stages: int = 1
    phase_year: int | None = None
    phase_weight: float | None = None
    hosting: Hosting | None = None
    development_capex_usd: float = 0.0
    development_usd_per_yr: float = 0.0
    cooling_water_m3_per_yr: float = 0.0
    #: Per unit type id, units out for planned maintenance in each step (the full-year
    #: dispatch's; ``dcpower.maintenance.schedule``).
    maintenance_units: dict = field(default_factory=dict)

    @property
    def block_name(self) -> str:
        """Name of the model block: the site, ``site@year`` or ``site#phase year``."""
        if self.phase_year is not None:
            return f"{self.site_id}#{self.phase_year}"
        return self.site_id if self.n_stages == 1 else f"{self.site_id}@{self.stage}"

    @property
    def weight(self) -> float:
        """Weight of the block's annual cost in the objective; a site's sum to 1 [-]."""
        return self.phase_weight if self.phase_weight is not None else 1.0 / self.n_stages


def build_model(inputs: list[SiteInputs], coupling: Coupling | None = None) -> pyo.ConcreteModel:
    """Build the sizing and dispatch model of one or more sites.

    Parameters
    ----------
    inputs : list of SiteInputs
        Per site (and weather year): profiles, technologies, prices and rules on the
        model's time steps (the same steps for every site when they are coupled).
    coupling : Coupling, optional
        What ties the sites together; none = nothing (then pass one site: separate sites
        are separate models).

    Returns
    -------
    pyo.ConcreteModel
        ``m.site[name]`` holds each site (one block per technology inside), named by
        :attr:`SiteInputs.block_name`; the objective is the total annual cost of all sites,
        a site's weather years averaged, its build-out phases weighted by their discounted
        years [USD/yr].
    """
    # The build makes about a million small objects and no garbage: Python's cyclic
    # collector would scan the growing heap again and again (measured: half the build time
    # of a full-year site). pyomo's writers pause it the same way.
    with PauseGC():
        m = pyo.ConcreteModel(name="+".join(inp.block_name for inp in inputs))
        m.site = pyo.Block([inp.block_name for inp in inputs])
        for inp in inputs:
            shifting = coupling is not None and coupling.shifts
            add_site(m.site[inp.block_name], inp, shifting=shifting)
        _link_stage_capacities(m, inputs)
        system_penalty = add_coupling(m, inputs, coupling) if coupling is not None else 0.0
        m.total_cost_usd_per_yr = pyo.Objective(
            expr=sum(m.site[inp.block_name].cost_usd_per_yr * inp.weight for inp in inputs)
            + system_penalty,
            sense=pyo.minimize,
        )
    return m


def _link_stage_capacities(m: pyo.ConcreteModel, inputs: list[SiteInputs]) -> None:
    """Tie the capacities of a site's blocks: equal over weather years, growing over phases.

    Every weather year of a site has the capacities of its first; each build-out phase has
    at least those of the phase before it (capacity once built stays).
    """
    blocks = {(inp.site_id, inp.stage): inp for inp in inputs}
    rows = [
        (inp.block_name, blocks[inp.site_id, earlier].block_name, name, inp.phase_year)
        for inp in inputs
        if inp.stage > 0
        for earlier in [inp.stage - 1 if inp.phase_year is not None else 0]
        if (inp.site_id, earlier) in blocks  # a stage dispatched on its own has no link
        for name in m.site[inp.block_name].registry.sizing
    ]

    def link(m: pyo.ConcreteModel, i: int) -> pyo.Expression:
        block, earlier, name, phase_year = rows[i]
        now, before = m.site[block].registry.sizing[name], m.site[earlier].registry.sizing[name]
        return now >= before if phase_year is not None else now == before

    if rows:
        m.stage_capacity = pyo.Constraint(range(len(rows)), rule=link)


def build_site_model(inp: SiteInputs) -> pyo.ConcreteModel:
    """Build the model of one site on its own (see :func:`build_model`)."""
    return build_model([inp])


def add_site(m: pyo.Block, inp: SiteInputs, shifting: bool = False) -> None:
    """Fill a block with one site: technologies, balance, reliability, emission limits.

    Parameters
    ----------
    m : pyo.Block
        Empty site block; it gets ``cost_usd_per_yr`` (the site's annual cost plus the
        penalties of released requirement slacks) [USD/yr].
    inp : SiteInputs
        The site's profiles, technologies, prices and rules.
    shifting : bool
        Whether IT load may move in or out of the site (``it_shift_mw``, set by the coupling).
    """
    n = len(inp.load_mw)
    m.T = pyo.RangeSet(0, n - 1)
    # Per-step numbers as lists of floats, indexed by step like m.T (a pyomo Param of the
    # same values costs 30 ms each to build at 8760 steps and compiles to the same matrix).
    m.duration_h = np.asarray(inp.duration_h, dtype=float).tolist()  # [h]
    m.weight_h = np.asarray(inp.weight_h, dtype=float).tolist()  # hours of the year [h]
    m.occurrences = (np.asarray(inp.weight_h) / inp.duration_h).tolist()  # per year [-]
    m.registry = Registry()
    m.periods = inp.periods
    windows = inp.outage_windows
    if windows is None:
        windows = [
            window
            for kind, hours in inp.reliability.outage_hours(inp.site.grid is not None).items()
            for window in outage_windows(inp.index, inp.duration_h, inp.load_mw, hours, kind)
        ]
    if windows:
        add_outage_sets(m, windows)

    for tech_id, spec in inp.technologies.items():
        if tech_id not in inp.absent:
            techs.of(spec).add_block(m, tech_id, spec, inp)
    if inp.site.grid is not None:
        grid.add_block(m, inp.site.grid, inp.grid_price_usd_per_mwh)

    # Elastic slacks, fixed at zero: released only to diagnose an infeasible scenario.
    m.unserved_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    m.nk_shortfall_mw = pyo.Var(within=pyo.NonNegativeReals)
    m.n1_shortfall_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    m.water_excess_m3 = pyo.Var(within=pyo.NonNegativeReals)

    _add_demand(m, inp, shifting)
    reg = m.registry
    if isinstance(m.demand_mw, pyo.Param):
        # injections - withdrawals + unserved == load
        terms = [(1, list(p.values())) for p in reg.injections_mw]
        terms += [(-1, list(w.values())) for w in reg.withdrawals_mw]
        terms.append((1, list(m.unserved_mw.values())))
        add_linear_rows(m, "balance", m.T, terms, "==", rhs=list(m.demand_mw.values()))
    else:  # demand depends on IT hosted or moved (a coupled model)
        m.balance = pyo.Constraint(
            m.T,
            rule=lambda m, t: (
                sum(p[t] for p in reg.injections_mw)
                - sum(w[t] for w in reg.withdrawals_mw)
                + m.unserved_mw[t]
                == m.demand_mw[t]
            ),
        )
    if reg.heat_used_mw:
        _add_heat_balance(m)
    if reg.cooling_relief_mw:
        _add_cooling_relief_limit(m, inp)
    add_reliability(m, inp.reliability, m.design_load_mw, inp.integer_commitment)
    if hasattr(m, "OW"):
        add_outage_balance(m)
    add_emission_limits(m, inp.site.co2_cap_t_per_yr, inp.site.min_renewable_share)
    set_elastic(m, False)

    penalty = (
        SHORTFALL_PENALTY_USD_PER_MWH
        * (annual_sum(m, m.unserved_mw) + annual_sum(m, m.n1_shortfall_mw))
        + SHORTFALL_PENALTY_USD_PER_MW * m.nk_shortfall_mw
        + SHORTFALL_PENALTY_USD_PER_MWH * sum(_outage_unserved_mwh(m).values())
        + emission_penalty(m)
        + SHORTFALL_PENALTY_USD_PER_LIMIT_UNIT * m.water_excess_m3
    )
    m.cost_usd_per_yr = pyo.Expression(expr=sum(reg.cost_usd_per_yr.values()) + penalty)


def _add_heat_balance(m: pyo.Block) -> None:
    """Heat used by heat-driven technologies <= heat recovered from the units, every step."""
    reg = m.registry
    terms = [(c, list(x.values())) for c, x in reg.heat_used_mw]
    terms += [(-np.asarray(c), list(x.values())) for c, x in reg.heat_recovered_mw]
    add_linear_rows(m, "heat_balance", m.T, terms, "<=")


def _add_cooling_relief_limit(m: pyo.Block, inp: SiteInputs) -> None:
    """Electric chiller load taken over <= the data center's mechanical cooling, every step.

    The mechanical cooling scales with the IT hosted at a candidate site, and work moved
    in or out carries its cooling at the site's PUE above its free-cooling value.
    """
    reg = m.registry
    cooling = np.asarray(inp.cooling_electric_mw, dtype=float)
    terms = [(c, list(x.values())) for c, x in reg.cooling_relief_mw]
    if isinstance(m.demand_mw, pyo.Param):
        add_linear_rows(m, "cooling_relief_max", m.T, terms, "<=", rhs=cooling)
        return
    scale = m.load_scale
    above_free = np.asarray(inp.pue, dtype=float) - inp.site.data_center.pue.pue_min
    shift = getattr(m, "it_shift_mw", None)
    m.cooling_relief_max = pyo.Constraint(
        m.T,
        rule=lambda m, t: (
            sum(c * x[t] for c, x in reg.cooling_relief_mw)
            <= float(cooling[t]) * scale
            + (0.0 if shift is None else float(above_free[t]) * shift[t])
        ),
    )


@dataclass(frozen=True)
class Hosting:
    """A candidate site: whether to develop it, and how much IT capacity it hosts.

    Attributes
    ----------
    min_it_mw, max_it_mw : float
        IT capacity a developed site hosts, at least and at most; the site's profiles
        (load, IT load) are those of ``max_it_mw`` and scale with what it hosts. [MW]
    """

    min_it_mw: float
    max_it_mw: float


def _add_demand(m: pyo.Block, inp: SiteInputs, shifting: bool) -> None:
    """Add the load the site serves: its profile scaled to the IT hosted, plus work moved in.

    Sets ``m.demand_mw`` [MW] per step, ``m.design_load_mw`` (N+k's peak) [MW], and, for a
    candidate site (``inp.hosting``), ``m.developed`` (binary) and ``m.hosted_it_mw`` with
    its cost; with shifting also ``m.it_load_mw`` and ``m.it_capacity_mw`` (IT hosted) [MW].
    A site that hosts its data center as given, without shifting, serves its load profile
    (a parameter: no expression per step, which keeps the full-year build lean).
    """
    hosting = inp.hosting
    load = dict(enumerate(map(float, inp.load_mw)))
    if hosting is None and not shifting:
        m.demand_mw = pyo.Param(m.T, initialize=load)
        m.design_load_mw = inp.design_load_mw
        _add_development_cost(m, inp)
        _add_water(m, inp, 1.0)
        return
    m.site_load_mw = pyo.Param(m.T, initialize=load)
    it_load = inp.it_load_mw if inp.it_load_mw is not None else np.zeros(len(inp.load_mw))
    if hosting is None:
        scale = 1.0
        m.it_capacity_mw = inp.site.data_center.it_capacity_mw
    else:
        m.developed = pyo.Var(within=pyo.Binary)
        m.hosted_it_mw = pyo.Var(within=pyo.NonNegativeReals, bounds=(0, hosting.max_it_mw))
        m.hosted_max = pyo.Constraint(expr=m.hosted_it_mw <= hosting.max_it_mw * m.developed)
        m.hosted_min = pyo.Constraint(expr=m.hosted_it_mw >= hosting.min_it_mw * m.developed)
        scale = m.hosted_it_mw / hosting.max_it_mw
        m.it_capacity_mw = pyo.Expression(expr=m.hosted_it_mw)
    _add_development_cost(m, inp)
    _add_water(m, inp, scale)
    m.load_scale = scale  # share of the site's profiles served: IT hosted / most
    m.design_load_mw = inp.design_load_mw * scale
    m.it_load_mw = pyo.Expression(m.T, rule=lambda m, t: float(it_load[t]) * scale)
    if shifting:
        # Net IT load moved into the site (negative: moved out), set by the coupling rows.
        m.it_shift_mw = pyo.Var(m.T, within=pyo.Reals)
        m.demand_mw = pyo.Expression(
            m.T,
            rule=lambda m, t: m.site_load_mw[t] * scale + float(inp.pue[t]) * m.it_shift_mw[t],
        )
    else:
        m.demand_mw = pyo.Expression(m.T, rule=lambda m, t: m.site_load_mw[t] * scale)


def _add_development_cost(m: pyo.Block, inp: SiteInputs) -> None:
    """Register the site's development capex: land, connections and site works.

    At a candidate site it is paid only if the site is developed.
    """
    if inp.development_capex_usd <= 0:
        return
    developed = m.developed if inp.hosting is not None else 1.0
    m.registry.capex_usd["site_development"] = inp.development_capex_usd * developed
    m.registry.cost_usd_per_yr[("site_development", "capex")] = (
        inp.development_usd_per_yr * developed
    )


def _add_water(m: pyo.Block, inp: SiteInputs, scale) -> None:
    """Register the site's water: its cost, and its limit if the site has one.

    The cooling water is in proportion to the IT hosted (work moved in or out by shifting
    does not move it: a constant of the site's own load); the generating technologies'
    water follows their output (``registry.water_m3_per_yr``). Both are paid at the site's
    water price. With ``water_limit_m3_per_yr``, cooling plus generation water stays within
    it, with the elastic slack ``water_excess_m3`` (fixed at zero) naming a shortfall.
    """
    price = inp.site.water_price_usd_per_m3
    cost = m.registry.cost_usd_per_yr
    if inp.cooling_water_m3_per_yr > 0 and price > 0:
        cost[(COOLING_WATER, "water")] = price * inp.cooling_water_m3_per_yr * scale
    generation = m.registry.water_m3_per_yr
    for tech_id, water in generation.items():
        if price > 0:
            cost[(tech_id, "water")] = price * water
    m.water_m3_per_yr = pyo.Expression(
        expr=inp.cooling_water_m3_per_yr * scale + sum(generation.values())
    )
    limit = inp.site.water_limit_m3_per_yr
    if limit is not None and generation:
        m.water_limit_m3_per_yr = limit
        m.water_limit = pyo.Constraint(expr=m.water_m3_per_yr <= limit + m.water_excess_m3)


def sizing_values(m: pyo.ConcreteModel) -> dict[str, float]:
    """Solved investment decisions by name (integer unit counts rounded)."""
    out = {}
    for name, var in m.registry.sizing.items():
        value = float(pyo.value(var))
        out[name] = float(round(value)) if var.is_integer() else (value if value > 0 else 0.0)
    return out


def fix_sizing(m: pyo.Block, sizes: dict[str, float], fix: bool = True) -> None:
    """Fix a site's investment decisions (for a re-dispatch with capacities given).

    The reliability rows' "type is built" and "at least j units" flags follow from the unit
    counts, so they are fixed too and the re-dispatch has no integer decision left but
    hourly commitment. With ``fix=False`` the values are only set, as a start for the
    solver. Decisions in ``registry.resized_in_dispatch`` (backup fuel tanks) stay free.
    """
    reg = m.registry
    for name, var in reg.sizing.items():
        var.set_value(sizes[name])
        if fix and name not in reg.resized_in_dispatch:
            var.fix()
    if hasattr(m, "type_built"):
        for group in m.registry.unit_groups:
            flag = m.type_built[group.name]
            flag.set_value(1.0 if pyo.value(group.units_built) > 0 else 0.0)
            if fix:
                flag.fix()
    if hasattr(m, "units_at_least"):  # N+k, k >= 2: "at least j units of g"
        groups = {group.name: group for group in m.registry.unit_groups}
        for (g, j), flag in m.units_at_least.items():
            flag.set_value(1.0 if pyo.value(groups[g].units_built) >= j - 0.5 else 0.0)
            if fix:
                flag.fix()


def _outage_unserved_mwh(m: pyo.ConcreteModel) -> dict:
    """Return the unserved energy per outage window [MWh] (empty without windows)."""
    if not hasattr(m, "OW"):
        return {}
    per_window: dict = {}
    for w, k in m.OW:
        step = m.outage_step[w, k]
        per_window[w] = per_window.get(w, 0) + m.duration_h[step] * m.outage_unserved_mw[w, k]
    return per_window


def set_elastic(m: pyo.Block, elastic: bool) -> None:
    """Release (True) or pin to zero (False) the requirement slacks of a model or a site block."""
    if hasattr(m, "site"):
        for b in m.site.values():
            set_elastic(b, elastic)
        limits = m.limits.values() if hasattr(m, "limits") else []
        slacks = [v for b in limits for v in (b.co2_excess_t, b.renewable_shortfall_mwh)]
    else:
        slacks = [m.unserved_mw, m.nk_shortfall_mw, m.n1_shortfall_mw, m.water_excess_m3]
        slacks += [m.co2_excess_t, m.renewable_shortfall_mwh]
    if hasattr(m, "OW"):
        slacks.append(m.outage_unserved_mw)
    for var in slacks:
        for v in var.values():
            if elastic:
                v.unfix()
            else:
                v.fix(0.0)


def requirement_shortfalls(m: pyo.Block, index: pd.Index) -> dict[str, str]:
    """Describe, after an elastic solve, each requirement of a site not met and by how much.

    Parameters
    ----------
    m : pyo.Block
        A site block of a model solved with its requirement slacks released.
    index : pd.Index
        Start times of the model's steps, to name the worst one.
    """
    found = {}
    unserved = np.array([pyo.value(v) for v in m.unserved_mw.values()])
    weight = np.array(m.weight_h)
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
            f"a unit or grid trip is not covered in {int((n1 > 1e-6).sum())} time steps, "
            f"worst short by {n1.max():,.2f} MW at {index[int(n1.argmax())].isoformat()}"
        )
    short = {w: pyo.value(e) for w, e in _outage_unserved_mwh(m).items()}
    for kind, without in OUTAGE_KINDS.items():
        of_kind = {w: v for w, v in short.items() if m.outage_windows[w].kind == kind}
        if not of_kind or max(of_kind.values()) <= 1e-6:
            continue
        worst = max(of_kind, key=of_kind.get)
        window = m.outage_windows[worst]
        found[f"{kind} outage ride-through"] = (
            f"{without} for {window.hours:g} h, the rest of the plant falls short in "
            f"{sum(v > 1e-6 for v in of_kind.values())} of {len(of_kind)} windows, worst "
            f"{of_kind[worst]:,.1f} MWh in the window from {_window_start(m, window, index)}"
        )
    found.update(emission_shortfalls(m))
    excess = pyo.value(m.water_excess_m3)
    if excess > 1e-6:
        found["water limit"] = (
            f"cooling and generation use {pyo.value(m.water_m3_per_yr):,.0f} m3/yr against "
            f"the site's water_limit_m3_per_yr of {m.water_limit_m3_per_yr:,.0f}: "
            f"{excess:,.0f} m3/yr over"
        )
    return found


def _window_start(m: pyo.Block, window: OutageWindow, index: pd.Index) -> str:
    """Name the first hour of an outage window (a calendar hour with typical periods)."""
    if m.periods is None:
        return index[window.steps[0]].isoformat()
    return f"hour {window.steps[0]} of the year"


def system_shortfalls(m: pyo.ConcreteModel) -> dict[str, str]:
    """Describe, after an elastic solve, each requirement over all sites that was not met."""
    return coupling_shortfalls(m) if hasattr(m, "limits") else {}
