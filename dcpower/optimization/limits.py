"""Annual emission limits of a site or of all sites, and the penalties of elastic slacks.

Every requirement carries a slack variable fixed at zero. To say why a scenario has no
plan, the slacks are released at these penalties (far above any real cost, so a slack is
used only where the requirement cannot be met) and their values say by how much.
"""

from __future__ import annotations

import pyomo.environ as pyo

from dcpower.techs.base import annual_sum

#: Penalties that make the elastic slacks the last resort when diagnosing infeasibility.
SHORTFALL_PENALTY_USD_PER_MWH = 1e5
SHORTFALL_PENALTY_USD_PER_MW = 1e8
#: Per tonne of CO2 over a cap, or MWh short of a renewable floor: far above any carbon
#: price, yet below the unserved-energy penalty per MWh of gas-fired output (a tonne is
#: 2-5 MWh), so a limit that cannot be met is reported as such, not as load dropped.
SHORTFALL_PENALTY_USD_PER_LIMIT_UNIT = 1e4


def add_emission_limits(
    m: pyo.Block,
    co2_cap_t_per_yr: float | None,
    min_renewable_share: float | None,
    sites: list[pyo.Block] | None = None,
) -> None:
    """Annual CO2 and fossil energy of a block's sites, and the limits on them.

    ``m.co2_t_per_yr`` sums what the technologies registered; ``m.fossil_mwh_per_yr`` the
    energy from fuel-burning units; ``m.demand_mwh_per_yr`` the energy served. A cap reads
    ``co2 <= cap``; a minimum renewable share ``fossil <= (1 - share) x demand`` (the share of
    the load not served from fuel). Each has an elastic slack, fixed at zero.

    Parameters
    ----------
    m : pyo.Block
        A site block, or (with ``sites``) a block of limits over several sites.
    co2_cap_t_per_yr : float or None
        Emission cap; none = no cap. [tCO2/yr]
    min_renewable_share : float or None
        Minimum share of the energy served that does not come from fuel; none = no floor. [-]
    sites : list of pyo.Block, optional
        Site blocks (already carrying these expressions) whose sum is limited; none = ``m``
        is a site block.
    """
    if sites is None:
        reg = m.registry
        m.co2_t_per_yr = pyo.Expression(expr=sum(reg.co2_t_per_yr.values()))
        m.fossil_mwh_per_yr = pyo.Expression(expr=sum(reg.fossil_mwh_per_yr.values()))
        # The energy the plant supplies: the load less what heat-driven cooling relieves.
        m.demand_mwh_per_yr = pyo.Expression(
            expr=annual_sum(m, m.demand_mw) - sum(reg.relief_mwh_per_yr.values())
        )
    else:
        m.co2_t_per_yr = pyo.Expression(expr=sum(b.co2_t_per_yr for b in sites))
        m.fossil_mwh_per_yr = pyo.Expression(expr=sum(b.fossil_mwh_per_yr for b in sites))
        m.demand_mwh_per_yr = pyo.Expression(expr=sum(b.demand_mwh_per_yr for b in sites))
    m.co2_excess_t = pyo.Var(within=pyo.NonNegativeReals)
    m.renewable_shortfall_mwh = pyo.Var(within=pyo.NonNegativeReals)
    if co2_cap_t_per_yr is not None:
        m.co2_cap_t_per_yr = co2_cap_t_per_yr
        m.co2_cap = pyo.Constraint(expr=m.co2_t_per_yr <= co2_cap_t_per_yr + m.co2_excess_t)
    if min_renewable_share is not None:
        m.min_renewable_share = min_renewable_share
        m.renewable_floor = pyo.Constraint(
            expr=m.fossil_mwh_per_yr
            <= (1 - min_renewable_share) * m.demand_mwh_per_yr + m.renewable_shortfall_mwh
        )


def emission_penalty(m: pyo.Block):
    """Return the penalty on the released emission slacks of a block [USD/yr]."""
    return SHORTFALL_PENALTY_USD_PER_LIMIT_UNIT * (m.co2_excess_t + m.renewable_shortfall_mwh)


def emission_shortfalls(m: pyo.Block) -> dict[str, str]:
    """Describe, after an elastic solve, an emission limit of a block that was not met."""
    found = {}
    excess = pyo.value(m.co2_excess_t)
    if excess > 1e-6:
        found["CO2 cap"] = (
            f"emissions {pyo.value(m.co2_t_per_yr):,.0f} tCO2/yr exceed the cap of "
            f"{m.co2_cap_t_per_yr:,.0f} by {excess:,.0f} tCO2/yr"
        )
    short = pyo.value(m.renewable_shortfall_mwh)
    if short > 1e-6:
        demand = pyo.value(m.demand_mwh_per_yr)
        reached = 1 - pyo.value(m.fossil_mwh_per_yr) / demand if demand > 0 else 0.0
        found["minimum renewable share"] = (
            f"{reached:.1%} of the energy served is not from fuel against the required "
            f"{m.min_renewable_share:.1%}: {short:,.0f} MWh/yr short"
        )
    return found
