"""The contract every technology block shares with the model builder.

A technology module adds one pyomo Block to a site model and registers, in the model's
:class:`Registry`, what the closing step needs: power injections and withdrawals for the
energy balance, annual cost terms for the objective, groups of identical units for the
reliability constraints, and reserve that storage can offer. It never imports the builder.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression


def capital_recovery_factor(wacc: float, lifetime_yr: float) -> float:
    """Annuity factor that spreads an overnight cost over a lifetime.

    Parameters
    ----------
    wacc : float
        Weighted average cost of capital (real). [1/yr]
    lifetime_yr : float
        Economic lifetime. [yr]

    Returns
    -------
    float
        Capital recovery factor. [1/yr]
    """
    if wacc == 0:
        return 1.0 / lifetime_yr
    growth = (1.0 + wacc) ** lifetime_yr
    return wacc * growth / (growth - 1.0)


@dataclass
class UnitGroup:
    """Identical dispatchable units of one type at a site (e.g. 18.8 MW gas engines).

    Attributes
    ----------
    name : str
        Unit type id.
    units_built : pyo.Var
        Number of units built. [-]
    units_online : pyo.Var
        Committed units per time step. [-]
    power_mw : pyo.Var
        Output of the group per time step. [MW]
    unit_available_mw : np.ndarray
        Available output of one unit per time step after ambient derating. [MW]
    unit_design_mw : float
        Available output of one unit at the site's design (hottest) temperature. [MW]
    max_units : int
        Upper bound on units built. [-]
    load_step_fraction : float
        Largest sudden load step one running unit accepts, as a share of its available
        output (1: no limit below its headroom). [-]
    start_time_min : float
        Time from a start command to full load. [min]
    burns_liquid_fuel : bool
        Whether the units can run on the site's liquid fuel (dual fuel). [-]
    maintenance_units : np.ndarray or None
        Units out for planned maintenance per step (they cannot start). [-]
    unit_heat_mw : np.ndarray or None
        Heat one unit gives for recovery per step at its available output (its fuel there x
        its recoverable share); None: its heat is not recovered. [MW_th]
    """

    name: str
    units_built: pyo.Var
    units_online: pyo.Var
    power_mw: pyo.Var
    unit_available_mw: np.ndarray
    unit_design_mw: float
    max_units: int
    load_step_fraction: float = 1.0
    start_time_min: float = 0.0
    burns_liquid_fuel: bool = False
    maintenance_units: np.ndarray | None = None
    unit_heat_mw: np.ndarray | None = None


@dataclass
class Registry:
    """What technology blocks hand to the closing step of the model build.

    Attributes
    ----------
    injections_mw : list
        Indexed components (over the time set) that feed the site bus. [MW]
    withdrawals_mw : list
        Indexed components that draw from the site bus. [MW]
    cost_usd_per_yr : dict
        Annual cost expressions keyed by ``(technology, component)``. [USD/yr]
    unit_groups : list of UnitGroup
        Dispatchable unit types, for N+k and hourly N-1.
    contingency_reserve_mw : list
        Indexed components: extra power deliverable for the ride-through time after a unit
        trips, per time step. [MW]
    contingency_exposures_mw : list
        Indexed components over the time set: supply other than a unit group that may be
        lost at once (the grid import, if the connection trips), each covered in hourly
        N-1 by the headroom of committed units plus storage reserve. [MW]
    firm_storage_mw : list
        Scalar expressions: power storage can hold for the ride-through time, counted in N+k. [MW]
    sizing : dict
        Investment variables by name (``<tech>.capacity_mw`` ...), to fix them in a re-dispatch.
    resized_in_dispatch : set
        Names in ``sizing`` that a fixed-capacity dispatch sizes again instead of fixing:
        backup fuel tanks, which serve only the outage windows and are sized best on the
        dispatch's hourly windows (a reduced-time sizing underestimates part-load fuel).
    capex_usd : dict
        Overnight capital cost expressions by technology id. [USD]
    outage_injections_mw, outage_withdrawals_mw : list
        Components indexed by outage-window steps ``(w, k)`` of ``m.OW`` (if the model has
        windows): what each technology gives or takes in the window steps in which it
        runs (all of ``m.OW``, or ``m.outage_available[supply]``). [MW]
    co2_t_per_yr : dict
        Annual CO2 emission expressions by technology id. [tCO2/yr]
    fossil_mwh_per_yr : dict
        Annual energy from fuel-burning units by technology id (for a renewable share). [MWh/yr]
    storage_levels_mwh : dict
        By technology id, the stored energy at the end of each step: a component over the
        time set on chronological steps, over calendar periods (their start) on typical
        periods (``TypicalPeriods``). A windowed dispatch takes its boundary levels from
        these (``dcpower.optimization.windows``). [MWh]
    heat_recovered_mw, heat_used_mw : list of (coefficients, component)
        Linear terms of the heat the units give for recovery, and of the heat that
        heat-driven technologies (absorption chillers) use, per step: ``sum of coefficient[t]
        x component[t]``. The closing step keeps heat used within heat recovered in every
        step; hourly N-1 covers the heat a tripped unit takes with it. [MW_th]
    relief_per_heat : list of float
        Per heat user, the electric load its heat relieves, per MW of heat: what must be
        served again when the heat is lost. [MW/MW_th]
    cooling_relief_mw : list of (coefficient, component)
        Linear terms of the electric chillers' load that heat-driven cooling takes over,
        per step: the closing step keeps it within the data center's mechanical-cooling
        load (``SiteInputs.cooling_electric_mw``). [MW]
    relief_mwh_per_yr : dict
        Annual electric load relieved by heat-driven technologies, by id: load the plant
        does not supply, left out of the energy a renewable share is a share of. [MWh/yr]
    water_m3_per_yr : dict
        Annual water the generating technologies consume, by id (the closing step prices
        it and counts it against the site's water limit). [m3/yr]
    """

    injections_mw: list = field(default_factory=list)
    withdrawals_mw: list = field(default_factory=list)
    cost_usd_per_yr: dict = field(default_factory=dict)
    unit_groups: list[UnitGroup] = field(default_factory=list)
    contingency_reserve_mw: list = field(default_factory=list)
    contingency_exposures_mw: list = field(default_factory=list)
    firm_storage_mw: list = field(default_factory=list)
    sizing: dict = field(default_factory=dict)
    resized_in_dispatch: set = field(default_factory=set)
    capex_usd: dict = field(default_factory=dict)
    outage_injections_mw: list = field(default_factory=list)
    #: Liquid fuel tanks: (tank [MMBtu] variable, full-load heat rate [MMBtu/MWh]).
    fuel_tanks: list = field(default_factory=list)
    outage_withdrawals_mw: list = field(default_factory=list)
    co2_t_per_yr: dict = field(default_factory=dict)
    fossil_mwh_per_yr: dict = field(default_factory=dict)
    storage_levels_mwh: dict = field(default_factory=dict)
    heat_recovered_mw: list = field(default_factory=list)
    heat_used_mw: list = field(default_factory=list)
    relief_per_heat: list = field(default_factory=list)
    cooling_relief_mw: list = field(default_factory=list)
    relief_mwh_per_yr: dict = field(default_factory=dict)
    water_m3_per_yr: dict = field(default_factory=dict)


def add_linear_rows(
    b: pyo.Block, name: str, index, terms: list[tuple], sense: str, rhs=0.0
) -> pyo.Constraint:
    """Add an indexed family of linear rows ``sum of coefficient x variable  sense  rhs``.

    The rows are built as pyomo ``LinearExpression`` bodies with constant bounds, which is
    several times faster to build and to compile than the same rows written as relational
    expressions between sums of ``coefficient * var[t]`` (no operator overloading, no body
    rebuilt by subtraction when the model is compiled). Write a row as pyomo would store
    the relational form it replaces, for the same matrix: ``a <= b`` and ``a == b`` as
    ``a - b`` against zero, ``a >= b`` as ``b - a <= 0`` when both sides hold variables;
    a constant side is the ``rhs``.

    Parameters
    ----------
    b : pyo.Block
        Block that gets the constraint.
    name : str
        Component name.
    index : pyomo Set, list, or tuple of them
        Row keys, in row order (e.g. ``m.T``, or a list of steps or pairs); a tuple of
        sets indexes the rows by their product (as ``pyo.Constraint(*index)``).
    terms : list of (coefficient, variable)
        Coefficient: a number, or one per row. Variable: one variable (the same in every
        row), or a list of variables, one per row (None where the term is absent).
    sense : str
        ``"<="``, ``">="`` or ``"=="``.
    rhs : float or array-like
        Right-hand side, a number or one per row.

    Returns
    -------
    pyo.Constraint
    """
    sets = index if isinstance(index, tuple) else (index,)
    keys = list(itertools.product(*sets)) if len(sets) > 1 else list(index)
    n = len(keys)
    monomials = []
    gaps = False
    arrays = []
    for coefficient, variable in terms:
        per_row = isinstance(variable, list)
        if per_row:
            gaps = gaps or any(v is None for v in variable)
        arrays.append((np.broadcast_to(np.asarray(coefficient, dtype=float), (n,)), variable))
        if np.ndim(coefficient) == 0 and coefficient == 1:
            # A variable stands for itself in a LinearExpression (one object less per row).
            monomials.append(variable if per_row else [variable] * n)
            continue
        coefficients = _per_row(coefficient, n)
        if per_row:
            monomials.append(
                [
                    None if v is None else MonomialTermExpression((c, v))
                    for c, v in zip(coefficients, variable, strict=True)
                ]
            )
        else:
            monomials.append([MonomialTermExpression((c, variable)) for c in coefficients])
    bodies = [
        LinearExpression([a for a in args if a is not None] if gaps else list(args))
        for args in zip(*monomials, strict=True)
    ]
    bounds = _per_row(rhs, n)
    if sense == "<=":
        rows = [InequalityExpression((e, r), False) for e, r in zip(bodies, bounds, strict=True)]
    elif sense == ">=":
        rows = [InequalityExpression((r, e), False) for e, r in zip(bodies, bounds, strict=True)]
    elif sense == "==":
        rows = [EqualityExpression((e, r)) for e, r in zip(bodies, bounds, strict=True)]
    else:
        raise ValueError(f"row family {name!r}: sense {sense!r}; allowed '<=', '>=', '=='")
    by_key = dict(zip(keys, rows, strict=True))
    constraint = pyo.Constraint(
        *sets, rule=lambda _, *key: by_key[key[0] if len(key) == 1 else key]
    )
    b.add_component(name, constraint)  # constructs the rows (a concrete model)
    if not constraint.is_constructed():
        raise ValueError(f"row family {name!r}: block {b.name!r} must be constructed (concrete)")
    by_key.clear()  # the rule keeps its closure: do not keep a second index of the rows
    value = np.asarray(bounds, dtype=float)
    constraint.linear_rows = LinearRows(
        terms=arrays,
        lower=np.full(n, -np.inf) if sense == "<=" else value,
        upper=np.full(n, np.inf) if sense == ">=" else value,
    )
    return constraint


@dataclass(frozen=True)
class LinearRows:
    """The arrays behind a row family of :func:`add_linear_rows`, in row order.

    The solver hand-over (:mod:`dcpower.optimization.standard_form`) reads them instead of
    walking each row's pyomo expression.

    Attributes
    ----------
    terms : list of (np.ndarray, variable or list)
        Per term: coefficient per row, and the variable (the same in every row) or one
        variable per row (None where the term is absent).
    lower, upper : np.ndarray
        Row bounds (-inf / inf where there is none).
    """

    terms: list[tuple]
    lower: np.ndarray
    upper: np.ndarray


def _per_row(value, n: int) -> list[float]:
    """One float per row: a number repeated (one shared object, less memory) or a sequence."""
    if np.ndim(value) == 0:
        return [float(value)] * n
    values = np.asarray(value, dtype=float).tolist()
    if len(values) != n:
        raise ValueError(f"{len(values)} values for {n} rows")
    return values


def annual_sum(m: pyo.ConcreteModel, hourly) -> pyo.Expression:
    """Annual total of a per-step rate: sum over steps of value x hours of the year it stands for.

    Parameters
    ----------
    m : pyo.ConcreteModel
        Site model with set ``T`` and ``weight_h`` (hours of the year per step). [h]
    hourly : indexed component or callable
        Value per time step, a rate per hour (MW, MMBtu/h, ...).

    Returns
    -------
    pyomo expression
        Annual total (MWh/yr, MMBtu/yr, ...).
    """
    return _weighted_sum(m.weight_h, hourly, m.T)


def annual_count(m: pyo.ConcreteModel, events) -> pyo.Expression:
    """Annual number of events (e.g. start-ups) counted once per time step they occur in."""
    return _weighted_sum(m.occurrences, events, m.T)


def _weighted_sum(weight, hourly, steps) -> pyo.Expression:
    """Sum over steps of weight x value; of a variable, built directly as a LinearExpression.

    That is the expression pyomo's operators build term by term, without building it term
    by term (the compiled coefficients are the same).
    """
    if isinstance(hourly, pyo.Var):
        weights = [weight[t] for t in steps]
        return LinearExpression(
            list(map(MonomialTermExpression, zip(weights, hourly.values(), strict=True)))
        )
    return sum(weight[t] * hourly[t] for t in steps)


@dataclass(frozen=True)
class TypicalPeriods:
    """How the steps of a typical-periods model stand for the calendar year.

    Typical period ``k`` holds steps ``k * steps_per_period`` to
    ``(k + 1) * steps_per_period - 1``; calendar period ``p`` of the year is represented
    by typical period ``order[p]`` (tsam's cluster order). Operation is cyclic within a
    typical period; storage carries energy across calendar periods (Kotzur et al. 2018,
    Applied Energy 213, "Time series aggregation for energy system design: modeling
    seasonal storage").

    Attributes
    ----------
    steps_per_period : int
        Model steps in one typical period. [-]
    order : np.ndarray
        Typical period of each calendar period, in calendar order. [-]
    """

    steps_per_period: int
    order: np.ndarray

    @property
    def n_typical(self) -> int:
        """Number of typical periods."""
        return int(self.order.max()) + 1

    def period_of(self, t: int) -> int:
        """Typical period that step ``t`` belongs to."""
        return t // self.steps_per_period

    def is_first(self, t: int) -> bool:
        """Whether step ``t`` is the first of its typical period."""
        return t % self.steps_per_period == 0

    def last_step(self, k: int) -> int:
        """Last step of typical period ``k``."""
        return (k + 1) * self.steps_per_period - 1

    def step_of(self, hour: int) -> int:
        """Step that stands for an hour of the calendar (0 = the year's first hour)."""
        period, within = divmod(hour, self.steps_per_period)
        return int(self.order[period]) * self.steps_per_period + within


def previous(m: pyo.ConcreteModel, t: int) -> int:
    """Index of the time step before ``t``, cyclic.

    Over the whole horizon (the step before the first is the last), or, in a model of
    typical periods (``m.periods``), within the typical period of ``t``.
    """
    periods: TypicalPeriods | None = m.periods
    if periods is None:
        return t - 1 if t > 0 else len(m.T) - 1  # T is 0..n-1 (arithmetic beats T.prevw)
    return t + periods.steps_per_period - 1 if periods.is_first(t) else t - 1


#: Solver round-off below this is reported as an exact zero (no "-0" or 1e-12 MW in outputs).
ZERO_TOLERANCE = 1e-9


def values(component) -> np.ndarray:
    """Solved values of an indexed or scalar variable or expression, as an array in index order.

    Round-off below :data:`ZERO_TOLERANCE` is set to exactly zero.
    """
    raw = np.fromiter((pyo.value(c) for c in component.values()), dtype=float, count=len(component))
    return np.where(np.abs(raw) < ZERO_TOLERANCE, 0.0, raw)


def window_values(component, pairs: list) -> np.ndarray:
    """Solved values of a component over outage-window steps, zero where it has no entry.

    Parameters
    ----------
    component : indexed pyomo component or None
        Indexed by (window, k) pairs, over all window steps or only those in which its
        technology runs; None for a technology without window operation.
    pairs : list of tuple
        The (window, k) pairs of the model (``list(m.OW)``), in order.
    """
    if component is None:
        return np.zeros(len(pairs))
    raw = np.array([pyo.value(component[p]) if p in component else 0.0 for p in pairs])
    return np.where(np.abs(raw) < ZERO_TOLERANCE, 0.0, raw)


def zero_result(
    capacity_keys: tuple[str, ...], dispatch_columns: tuple[str, ...], index: pd.Index
) -> tuple[dict[str, float], pd.DataFrame]:
    """Results of a technology sized to zero and left out of a model (all zeros)."""
    zeros = np.zeros(len(index))
    return dict.fromkeys(capacity_keys, 0.0), pd.DataFrame(
        dict.fromkeys(dispatch_columns, zeros), index=index
    )
