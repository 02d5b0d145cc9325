"""Reliability requirements: installed N+k and hourly N-1, built from registered unit groups.

Both read only what technology blocks registered (unit groups, storage reserve, and for
hourly N-1 the exposures: supply that may be lost at once, the grid import), so any
dispatchable unit type or storage technology takes part without changes here.

N+k with the k largest units out, exactly
-----------------------------------------
Unit type g has ``n_g`` units built (integer) of design output ``a_g`` (at the design point).
N+k asks ``installed - S_k(n) + storage >= peak``, where ``installed = sum_g a_g n_g`` and
``S_k(n)`` is the output of the k largest *units* built (of all of them if fewer than k)::

    S_k(n) = max { sum_g a_g r_g  :  sum_g r_g = k,  r_g integer,  0 <= r_g }  with a_g r_g
             counting only units that exist, i.e. S_k(n) = max_r sum_g a_g min(r_g, n_g).

With the binaries ``y[g, j] = 1 if n_g >= j`` (j = 1..k), ``min(r_g, n_g) = sum_{j<=r_g}
y[g, j]``, so ``S_k(n) = max over removal patterns r (sum_g r_g = k) of sum_g a_g sum_{j<=r_g}
y[g, j]``, and N+k holds iff, for *every* pattern r::

    installed - sum_g a_g (y[g, 1] + ... + y[g, r_g]) + storage + slack >= peak.

One row per pattern: the max over r becomes a family of ``>=`` rows, with no big-M. The
flags need only a lower link (a row only gets harder as a flag rises, so the solver keeps
every flag at its least value, ``[n_g >= j]``)::

    n_g <= (j - 1) + (max_units_g - j + 1) y[g, j]          (n_g >= j forces y[g, j] = 1)

``y[g, 1]`` is the "type built" flag. Patterns count at most ``max_units_g`` units of a
type (``y[g, j]`` with ``j > max_units_g`` is 0) and repeats are dropped; there are at most
C(k + G - 1, G - 1) of them for G types (k = 2, 2 types: 3 rows; k = 4, 3 types: 15).

- k = 1: the patterns are "one unit of type g", the rows ``installed - a_g y[g, 1] >= peak``
  for each g: the rows used before, for any fleet.
- One type: the single pattern r = k gives ``installed - a (y1 + ... + yk)``, which is the
  former ``installed - k a y1`` whenever at least k units are built; with fewer, it removes
  the units that exist rather than k (the former row was stricter than N+k there).
- Example (k = 2, one 40 MW and four 10 MW units): patterns (2, 0), (1, 1), (0, 2) remove
  40 + 0 (only one 40 MW unit: y[40, 2] = 0), 40 + 10 and 10 + 10 MW; the binding row
  removes 50 MW, not 2 x 40 = 80 MW as "k units of the largest built type" did.
"""

from __future__ import annotations

import itertools

import numpy as np
import pyomo.environ as pyo

from dcpower.scenario import Reliability
from dcpower.techs.base import add_linear_rows


def add_reliability(
    m: pyo.ConcreteModel, rules: Reliability, design_load_mw, integer_commitment: bool
) -> None:
    """Add N+k at the design point and, if asked, hourly N-1 to a site model.

    N+k (k >= 1): with the k largest units out (the k largest *units*, of any types), the
    gas capacity left at the site's hottest hour, plus the storage power that can be held
    for ``n_plus_k_storage_hours`` (if that is positive), covers the peak load: one row per
    removal pattern, exact for any fleet (module docstring). With k = 0 there is no
    installed-redundancy row.

    Hourly N-1: when a unit of type g trips, the headroom of all committed units, minus the
    tripped unit's own headroom, plus storage reserve, must replace its output. The tripped
    unit's output cancels out, so the row is linear: headroom + reserve >= one unit's
    available output. It applies in the hours a unit of that type is online (integer
    commitment), or, with commitment relaxed, in every hour once the type is built (the
    safe form: stricter in hours when that type does not run). Registered exposures (the
    grid import: the connection may trip) are covered the same way in every hour:
    exposure <= headroom + reserve.

    Parameters
    ----------
    m : pyo.ConcreteModel
        Site model with registry and the elastic slack variables ``nk_shortfall_mw`` and
        ``n1_shortfall_mw``.
    rules : Reliability
        Redundancy k, hourly N-1 switch, ride-through time.
    design_load_mw : float or pyomo expression
        Design peak of the site load over the full year (an expression of the IT capacity
        hosted, at a candidate site). [MW]
    integer_commitment : bool
        Whether committed units are integer, which decides the N-1 form.
    """
    reg = m.registry
    groups = {g.name: g for g in reg.unit_groups}
    m.unit_types = pyo.Set(initialize=list(groups), ordered=True)
    firm_storage = sum(reg.firm_storage_mw)
    needs_built_flag = rules.redundancy_k > 0 or (rules.hourly_n_minus_1 and not integer_commitment)
    if needs_built_flag and groups:
        m.type_built = pyo.Var(m.unit_types, within=pyo.Binary)
        m.type_built_link = pyo.Constraint(
            m.unit_types,
            rule=lambda m, g: groups[g].units_built <= groups[g].max_units * m.type_built[g],
        )

    installed_design_mw = sum(g.unit_design_mw * g.units_built for g in groups.values())
    if rules.redundancy_k > 0 and not groups:
        m.n_plus_k = pyo.Constraint(expr=firm_storage + m.nk_shortfall_mw >= design_load_mw)
    elif rules.redundancy_k > 0:
        _add_n_plus_k(
            m, groups, rules.redundancy_k, (installed_design_mw, firm_storage), design_load_mw
        )

    if rules.on_site_fuel_h > 0:
        _add_on_site_fuel(m, groups, rules.on_site_fuel_h, design_load_mw)
    if not rules.hourly_n_minus_1:
        return
    _add_backed_reserve(m, groups, rules)
    if groups:
        exposed = _add_unit_trip_rows(m, groups, integer_commitment)
        if reg.heat_used_mw and any(g.unit_heat_mw is not None for g in groups.values()):
            _add_heat_trip_rows(m, groups, exposed)
    if reg.contingency_exposures_mw:
        _add_exposure_rows(m, groups)
    if any(g.load_step_fraction < 1 for g in groups.values()):
        _add_load_step_rows(m, groups, integer_commitment)


def _add_on_site_fuel(m: pyo.ConcreteModel, groups: dict, hours: float, design_load_mw) -> None:
    """Liquid fuel on site for ``hours`` of the design load, and units able to burn it.

    ``sum of tanks >= hours x design load x the highest full-load heat rate`` of the tanks'
    units, and the dual-fuel units carry the design load: ``sum over their types of design
    output x units built >= design load``. The tanks register with their heat rate
    (``registry.fuel_tanks``); the dual-fuel groups are those that burn liquid fuel
    (``UnitGroup.burns_liquid_fuel``).
    """
    tanks = m.registry.fuel_tanks
    rate = max(heat_rate for _, heat_rate in tanks)
    m.on_site_fuel = pyo.Constraint(
        expr=sum(tank for tank, _ in tanks) >= hours * rate * design_load_mw
    )
    dual = [g for g in groups.values() if g.burns_liquid_fuel]
    m.on_site_fuel_units = pyo.Constraint(
        expr=sum(g.unit_design_mw * g.units_built for g in dual) >= design_load_mw
    )


def _add_backed_reserve(m: pyo.ConcreteModel, groups: dict, rules: Reliability) -> None:
    """Storage reserve that counts in the N-1 rows: only while a unit can take over from it.

    Storage bridges a trip only until a unit that is built but not online has started (within
    the ride-through); with none spare it would have to carry the loss for days, unless the
    scenario credits storage as redundancy (``n_plus_k_storage_hours`` > 0: then the power
    it holds that long already stands in for a unit, and its reserve counts as is). So
    ``backed_reserve_t <= sum of storage reserve_t`` and ``backed_reserve_t <= M x spare_t``
    with ``spare_t = sum_g (units built_g - units online_g,t)`` over the types that start
    within the ride-through, and M the most that could ever need covering (every unit's
    largest available output, plus the exposures' bounds).
    """
    reserves = m.registry.contingency_reserve_mw
    if not reserves or rules.n_plus_k_storage_hours > 0:
        return
    fast = [g for g in groups.values() if g.start_time_min <= rules.ride_through_min]
    most = sum(g.max_units * float(max(g.unit_available_mw)) for g in groups.values())
    first = m.T.first()
    most += sum(x[first].ub or 0.0 for x in m.registry.contingency_exposures_mw)
    m.backed_reserve_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    terms = [(1, [m.backed_reserve_mw[t] for t in m.T])]
    terms += [(-1, [component[t] for t in m.T]) for component in reserves]
    add_linear_rows(m, "backed_reserve_storage", m.T, terms, "<=")
    terms = [(1, [m.backed_reserve_mw[t] for t in m.T])]
    in_maintenance = np.zeros(len(m.T))
    for g in fast:
        terms.append((-most, g.units_built))
        terms.append((most, [g.units_online[t] for t in m.T]))
        if g.maintenance_units is not None:
            in_maintenance += g.maintenance_units  # units in maintenance cannot start
    add_linear_rows(m, "backed_reserve_spare", m.T, terms, "<=", rhs=-most * in_maintenance)


def _cover_terms(m: pyo.ConcreteModel, groups: dict, steps: list) -> list[tuple]:
    """Terms of ``-(headroom + backed storage reserve + shortfall slack)``, one row per step.

    Headroom: all committed units' available output x units online - output.
    """
    terms = []
    for group in groups.values():
        online, power = list(group.units_online.values()), list(group.power_mw.values())
        terms.append((-group.unit_available_mw[steps], [online[t] for t in steps]))
        terms.append((1, [power[t] for t in steps]))
    return terms + _reserve_terms(m, steps, backed=True)


def _add_unit_trip_rows(m: pyo.ConcreteModel, groups: dict, integer_commitment: bool) -> dict:
    """Hourly N-1 rows ``n_minus_1[g, t]``: the trip of one unit of type g in step t.

    Returns the variable that says a unit of type g is exposed in step t, by ``(g, t)``.
    """
    if integer_commitment:
        m.type_online = pyo.Var(m.unit_types, m.T, within=pyo.Binary)
        keys = [(g, t) for g in groups for t in m.T]
        # units online <= most units x "type online"
        terms = [
            (1, [groups[g].units_online[t] for g, t in keys]),
            ([-groups[g].max_units for g, _ in keys], [m.type_online[key] for key in keys]),
        ]
        add_linear_rows(m, "type_online_link", (m.unit_types, m.T), terms, "<=")
        exposed = m.type_online
    else:
        exposed = {(g, t): m.type_built[g] for g in groups for t in m.T}
    # A unit of type g trips: one unit's available output x exposed[g, t] <= headroom of
    # all committed units (available output x units online - output) + storage reserve
    # + shortfall slack.
    keys = [(g, t) for g in groups for t in m.T]
    terms = [([groups[g].unit_available_mw[t] for g, t in keys], [exposed[key] for key in keys])]
    terms += _cover_terms(m, groups, [t for _, t in keys])
    add_linear_rows(m, "n_minus_1", (m.unit_types, m.T), terms, "<=")
    return exposed


def _add_heat_trip_rows(m: pyo.ConcreteModel, groups: dict, exposed: dict) -> None:
    """Hourly N-1 rows ``n_minus_1_heat[g, t]``: a tripped unit takes its heat with it.

    Heat-driven technologies (absorption chillers) use heat ``H_u`` of the ``H_r`` the
    online units give. When a unit of type g trips, it takes at most ``e_g`` (its heat at
    its available output), so the others still give at least ``H_r - e_g``, and at most
    ``max(0, H_u - H_r + e_g)`` of the heat used is lost. The electric load that heat
    relieved, ``rho`` per MW (the largest ``relief_per_heat``), must be served again: the
    electric chillers take the cooling back. So, besides ``n_minus_1``,
    ``a_g x_g + rho (H_u - H_r + e_g x_g) <= headroom + reserve + slack``. Safe: the
    survivors' extra output, and so their extra heat, is not counted.
    """
    reg = m.registry
    rho = max(reg.relief_per_heat)
    steps_all = list(m.T)
    keys = [(g, t) for g in groups if groups[g].unit_heat_mw is not None for t in steps_all]
    steps = [t for _, t in keys]
    lost = [groups[g].unit_available_mw[t] + rho * groups[g].unit_heat_mw[t] for g, t in keys]
    terms = [(lost, [exposed[key] for key in keys])]
    for sign, heat_terms in ((rho, reg.heat_used_mw), (-rho, reg.heat_recovered_mw)):
        for coefficient, x in heat_terms:
            per_step = np.broadcast_to(np.asarray(coefficient, dtype=float), (len(steps_all),))
            terms.append((sign * per_step[steps], [x[t] for t in steps]))
    terms += _cover_terms(m, groups, steps)
    add_linear_rows(m, "n_minus_1_heat", keys, terms, "<=")


def removal_patterns(max_units: list[int], k: int) -> list[tuple[int, ...]]:
    """Every way to take k units by type, at most ``max_units`` of a type, without repeats.

    For k = 1 these are "one unit of type g" in the order of the types.
    """
    patterns: list[tuple[int, ...]] = []
    for combo in itertools.combinations_with_replacement(range(len(max_units)), k):
        pattern = tuple(min(combo.count(i), most) for i, most in enumerate(max_units))
        if pattern not in patterns:
            patterns.append(pattern)
    return patterns


def _add_n_plus_k(m: pyo.ConcreteModel, groups: dict, k: int, firm: tuple, design_load_mw) -> None:
    """Add N+k with the k largest units out: one row per removal pattern (module docstring).

    ``m.type_built[g]`` is the flag "at least one unit of g"; for k >= 2,
    ``m.units_at_least[g, j]`` flags "at least j units of g" (j = 2..k). ``firm`` is
    (installed design output of the units, storage power held). [MW]
    """
    installed_mw, storage_mw = firm
    names = list(groups)
    flags = {(g, 1): m.type_built[g] for g in names}
    more = [(g, j) for g in names for j in range(2, min(k, groups[g].max_units) + 1)]
    if more:
        m.units_at_least = pyo.Var(more, within=pyo.Binary)
        # units built <= (j - 1) + (most units - j + 1) x "at least j units"
        m.units_at_least_link = pyo.Constraint(
            more,
            rule=lambda m, g, j: (
                groups[g].units_built
                <= (j - 1) + (groups[g].max_units - j + 1) * m.units_at_least[g, j]
            ),
        )
        flags.update({key: m.units_at_least[key] for key in more})
    patterns = removal_patterns([groups[g].max_units for g in names], k)
    rows = {_pattern_label(names, pattern, k): pattern for pattern in patterns}
    m.n_plus_k_patterns = pyo.Set(initialize=list(rows), ordered=True)

    def row(m, label):
        removed = sum(
            groups[g].unit_design_mw * flags[g, j]
            for g, r in zip(names, rows[label], strict=True)
            for j in range(1, r + 1)
        )
        return installed_mw - removed + storage_mw + m.nk_shortfall_mw >= design_load_mw

    m.n_plus_k = pyo.Constraint(m.n_plus_k_patterns, rule=row)


def _pattern_label(names: list[str], pattern: tuple[int, ...], k: int) -> str:
    """``g`` for k = 1, else ``2 x g + 1 x h`` (``none`` if no unit can be removed)."""
    if k == 1:
        return next((g for g, r in zip(names, pattern, strict=True) if r), "none")
    return " + ".join(f"{r} x {g}" for g, r in zip(names, pattern, strict=True) if r) or "none"


def _add_exposure_rows(m: pyo.ConcreteModel, groups: dict) -> None:
    """Hourly N-1 rows ``exposure_n_minus_1[e, t]``: registered exposure e is lost in step t.

    The grid connection trips: its import in the step must be replaced by the headroom of
    the committed units plus storage reserve (the same cover as for a unit trip), in every
    step, whatever the commitment form (an import of zero exposes nothing).
    """
    exposures = m.registry.contingency_exposures_mw
    m.exposures = pyo.RangeSet(0, len(exposures) - 1)
    keys = [(e, t) for e in m.exposures for t in m.T]
    # exposure[e, t] <= headroom + storage reserve + shortfall slack
    terms = [(1, [exposures[e][t] for e, t in keys])]
    terms += _cover_terms(m, groups, [t for _, t in keys])
    add_linear_rows(m, "exposure_n_minus_1", (m.exposures, m.T), terms, "<=")


def _add_load_step_rows(m: pyo.ConcreteModel, groups: dict, integer_commitment: bool) -> None:
    """Hourly load-step rows: what a trip drops at once, the survivors' steps pick up.

    A unit of type g that trips drops its output ``e_g = p_g / u_g`` (units of a type share
    load equally). At once, each survivor of type h takes at most
    ``min(s_h a_h, its headroom)`` (``s_h`` its load-step fraction, ``a_h`` its available
    output); battery reserve covers the rest (``_cover_terms``' reserve and slack). Rows:

    - ``e_g >= p_g / u_g`` exactly, with flags ``y[g, j, t] = [u_g >= j]`` (``u_g = sum_j
      y``) and ``w[g, j, t] <= min(e_g, a_g y[g, j, t])``: ``p_g <= sum_j w = u_g e_g``;
    - pickup of type h: ``z_h <= s_h a_h u_h`` and ``z_h <= a_h u_h - p_h`` (headroom);
      of the survivors of g when g trips: ``z'_g <= s_g a_g (u_g - y[g, 1])`` and
      ``z'_g <= a_g u_g - p_g - (a_g y[g, 1] - e_g)`` (the tripped unit's headroom goes);
    - ``e_g <= sum_{h != g} z_h + z'_g + reserve + slack`` for each g, and for each
      registered exposure (the grid import) ``exposure <= sum_h z_h + reserve + slack``.

    Exact for the integer commitment (the pickup of a type is the sum over its units when
    they share load equally); with commitment relaxed the flags are fractional, which
    makes these rows a relaxation there.
    """
    names = list(groups)
    steps = list(m.T)
    flags = [(g, j, t) for g in names for j in range(1, groups[g].max_units + 1) for t in steps]
    pairs = [(g, t) for g in names for t in steps]
    domain = pyo.Binary if integer_commitment else pyo.UnitInterval
    m.step_units_at_least = pyo.Var(flags, within=domain)
    m.step_share_mw = pyo.Var(flags, within=pyo.NonNegativeReals)
    m.trip_drop_mw = pyo.Var(
        pairs, within=pyo.NonNegativeReals, bounds=lambda m, g, t: (0, _avail(groups[g], t))
    )
    m.step_pickup_mw = pyo.Var(pairs, within=pyo.NonNegativeReals)
    m.survivor_pickup_mw = pyo.Var(pairs, within=pyo.NonNegativeReals)
    y, w = m.step_units_at_least, m.step_share_mw
    e, z, zs = m.trip_drop_mw, m.step_pickup_mw, m.survivor_pickup_mw

    def online(g, t):
        return groups[g].units_online[t]

    def power(g, t):
        return groups[g].power_mw[t]

    max_j = {g: groups[g].max_units for g in names}

    def minus_sum_over_flags(var) -> list[tuple]:
        """Terms ``-sum_j var[g, j, t]``, one row per (g, t) of ``pairs``."""
        return [
            (-1, [var[g, j, t] if j <= max_j[g] else None for g, t in pairs])
            for j in range(1, max(max_j.values()) + 1)
        ]

    # units online = sum_j y[g, j, t]
    terms = [(1, [online(g, t) for g, t in pairs]), *minus_sum_over_flags(y)]
    add_linear_rows(m, "step_units_link", pairs, terms, "==")
    # y[g, j + 1, t] <= y[g, j, t]
    upper = [(g, j, t) for g, j, t in flags if j > 1]
    terms = [(1, [y[key] for key in upper]), (-1, [y[g, j - 1, t] for g, j, t in upper])]
    add_linear_rows(m, "step_units_order", upper, terms, "<=")
    # w <= e and w <= a y
    add_linear_rows(
        m,
        "step_share_drop",
        flags,
        [(1, [w[k] for k in flags]), (-1, [e[g, t] for g, _, t in flags])],
        "<=",
    )
    add_linear_rows(
        m,
        "step_share_online",
        flags,
        [
            (1, [w[k] for k in flags]),
            ([-_avail(groups[g], t) for g, _, t in flags], [y[k] for k in flags]),
        ],
        "<=",
    )
    # p <= sum_j w  (so e >= p / u)
    terms = [(1, [power(g, t) for g, t in pairs]), *minus_sum_over_flags(w)]
    add_linear_rows(m, "trip_drop_bound", pairs, terms, "<=")
    step = [groups[g].load_step_fraction * _avail(groups[g], t) for g, t in pairs]
    avail = [_avail(groups[g], t) for g, t in pairs]
    u = [online(g, t) for g, t in pairs]
    p = [power(g, t) for g, t in pairs]
    y1 = [y[g, 1, t] for g, t in pairs]
    # z <= s a u ; z <= a u - p
    add_linear_rows(
        m, "step_pickup_step", pairs, [(1, [z[k] for k in pairs]), ([-v for v in step], u)], "<="
    )
    add_linear_rows(
        m,
        "step_pickup_headroom",
        pairs,
        [(1, [z[k] for k in pairs]), ([-v for v in avail], u), (1, p)],
        "<=",
    )
    # z' <= s a (u - y1) ; z' <= a u - p - a y1 + e
    add_linear_rows(
        m,
        "survivor_pickup_step",
        pairs,
        [(1, [zs[k] for k in pairs]), ([-v for v in step], u), (step, y1)],
        "<=",
    )
    add_linear_rows(
        m,
        "survivor_pickup_headroom",
        pairs,
        [
            (1, [zs[k] for k in pairs]),
            ([-v for v in avail], u),
            (1, p),
            (avail, y1),
            (-1, [e[k] for k in pairs]),
        ],
        "<=",
    )
    # e_g <= sum_{h != g} z_h + z'_g + reserve + slack
    terms = [(1, [e[k] for k in pairs]), (-1, [zs[k] for k in pairs])]
    terms += [(-1, [z[h, t] if h != g else None for g, t in pairs]) for h in names]
    terms += _reserve_terms(m, [t for _, t in pairs])
    add_linear_rows(m, "load_step", pairs, terms, "<=")
    exposures = m.registry.contingency_exposures_mw
    if exposures:
        keys = [(x, t) for x in range(len(exposures)) for t in steps]
        terms = [(1, [exposures[x][t] for x, t in keys])]
        terms += [(-1, [z[h, t] for _, t in keys]) for h in names]
        terms += _reserve_terms(m, [t for _, t in keys])
        add_linear_rows(m, "exposure_load_step", keys, terms, "<=")


def _avail(group, t) -> float:
    """Available output of one unit of a group in step t [MW]."""
    return float(group.unit_available_mw[t])


def _reserve_terms(m: pyo.ConcreteModel, steps: list, backed: bool = False) -> list[tuple]:
    """Terms of ``-(storage reserve + shortfall slack)``, one row per step given.

    ``backed``: the reserve that counts only while a spare unit can start
    (``backed_reserve_mw``, where the model has it); else storage's own reserve (what it
    gives at once, as a load step needs).
    """
    reserves = m.registry.contingency_reserve_mw
    if backed and hasattr(m, "backed_reserve_mw"):
        reserves = [m.backed_reserve_mw]
    terms = [(-1, [component[t] for t in steps]) for component in reserves]
    terms.append((-1, [m.n1_shortfall_mw[t] for t in steps]))
    return terms
