"""Reliability requirements: installed N+k and hourly N-1, built from registered unit groups.

Both read only what technology blocks registered (unit groups, storage reserve, and for
hourly N-1 the exposures: supply that may be lost at once, the grid import), so any
dispatchable unit type or storage technology takes part without changes here.
"""

from __future__ import annotations

import pyomo.environ as pyo

from dcpower.scenario import Reliability
from dcpower.techs.base import add_linear_rows


def add_reliability(
    m: pyo.ConcreteModel, rules: Reliability, peak_load_mw, integer_commitment: bool
) -> None:
    """Add N+k at the design point and, if asked, hourly N-1 to a site model.

    N+k (k >= 1): with the k largest units out, the gas capacity left at the site's hottest
    hour, plus the storage power that can be held for ``n_plus_k_storage_hours`` (if that
    is positive), covers the peak load. Removing k units of the largest *built* type is
    exact when that type has at least k units, and conservative otherwise. With k = 0 there
    is no installed-redundancy row.

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
    peak_load_mw : float or pyomo expression
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
        m.n_plus_k = pyo.Constraint(expr=firm_storage + m.nk_shortfall_mw >= peak_load_mw)
    elif rules.redundancy_k > 0:
        k = rules.redundancy_k
        m.n_plus_k = pyo.Constraint(
            m.unit_types,
            rule=lambda m, g: (
                installed_design_mw
                - k * groups[g].unit_design_mw * m.type_built[g]
                + firm_storage
                + m.nk_shortfall_mw
                >= peak_load_mw
            ),
        )

    if not rules.hourly_n_minus_1:
        return
    if groups:
        _add_unit_trip_rows(m, groups, integer_commitment)
    if reg.contingency_exposures_mw:
        _add_exposure_rows(m, groups)


def _cover_terms(m: pyo.ConcreteModel, groups: dict, steps: list) -> list[tuple]:
    """Terms of ``-(headroom + storage reserve + shortfall slack)``, one row per step given.

    Headroom: all committed units' available output x units online - output.
    """
    terms = []
    for group in groups.values():
        online, power = list(group.units_online.values()), list(group.power_mw.values())
        terms.append((-group.unit_available_mw[steps], [online[t] for t in steps]))
        terms.append((1, [power[t] for t in steps]))
    for component in m.registry.contingency_reserve_mw:
        terms.append((-1, [component[t] for t in steps]))
    terms.append((-1, [m.n1_shortfall_mw[t] for t in steps]))
    return terms


def _add_unit_trip_rows(m: pyo.ConcreteModel, groups: dict, integer_commitment: bool) -> None:
    """Hourly N-1 rows ``n_minus_1[g, t]``: the trip of one unit of type g in step t."""
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
