"""What ties sites together in one model: workload moved over the fiber, shared limits.

Aktau and Baku are linked by a data cable, not a power line: what can move between them
is computing work. A share of each site's IT load (batch or training jobs) may run at the
other site in the same hour, up to the receiving site's installed IT capacity and the
link's limit; moved IT load draws the receiving site's PUE. Without any of this, sites
share nothing and are solved as separate models.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from dcpower.optimization.limits import add_emission_limits, emission_penalty, emission_shortfalls


@dataclass(frozen=True)
class Coupling:
    """What ties the sites of one model together.

    Attributes
    ----------
    flexible_share : float
        Share of each site's IT load that may move to another site in any hour. [-]
    link_capacity_mw_it : float or None
        Most IT load moved into or out of a site in any hour; none = no limit. [MW]
    co2_cap_t_per_yr : float or None
        Emission cap over all sites; none = no cap. [tCO2/yr]
    min_renewable_share : float or None
        Minimum share of the energy served at all sites not from fuel; none = no floor. [-]
    it_demand_mw : float or None
        IT capacity to place over candidate sites (each with ``SiteInputs.hosting``);
        none = each site hosts its data center as given. [MW]
    """

    flexible_share: float = 0.0
    link_capacity_mw_it: float | None = None
    co2_cap_t_per_yr: float | None = None
    min_renewable_share: float | None = None
    it_demand_mw: float | None = None

    @property
    def shifts(self) -> bool:
        """Whether workload moves between sites."""
        return self.flexible_share > 0

    @property
    def active(self) -> bool:
        """Whether the sites must be solved as one model."""
        return self.shifts or any(
            v is not None
            for v in (self.co2_cap_t_per_yr, self.min_renewable_share, self.it_demand_mw)
        )


def add_coupling(m: pyo.ConcreteModel, inputs: list, coupling: Coupling):
    """Add the rows that tie the site blocks ``m.site`` together.

    Workload shifting, per site s and step t (``it_shift_mw`` = net IT load moved in):

    - ``it_shift[s, t] >= -flexible_share x it_load[s, t]`` (only the flexible share leaves);
    - ``it_load[s, t] + it_shift[s, t] <= it_capacity[s]`` (the receiving halls' capacity);
    - ``|it_shift[s, t]| <= link_capacity`` (if the link is limited);
    - ``sum over s of it_shift[s, t] = 0`` (work is moved, not dropped or deferred).

    Parameters
    ----------
    m : pyo.ConcreteModel
        Model with one block per site in ``m.site``.
    inputs : list of SiteInputs
        The sites' inputs, on the same time steps.
    coupling : Coupling

    Returns
    -------
    pyomo expression
        Penalty of the system-wide elastic slacks, for the objective. [USD/yr]
    """
    # Sites tie together year by year (year y of every site; one year: all sites).
    by_year: dict[int, list[pyo.Block]] = {}
    for inp in inputs:
        by_year.setdefault(inp.stage, []).append(m.site[inp.block_name])
    if coupling.shifts:
        _add_workload_shifting(m, inputs, coupling, by_year)
    if coupling.it_demand_mw is not None:
        if any(inp.hosting is None for inp in inputs):
            raise ValueError("placing an IT demand needs every site to be a candidate (hosting)")
        m.it_demand_met = pyo.Constraint(
            expr=sum(b.hosted_it_mw for b in m.site.values()) == coupling.it_demand_mw
        )
    m.limits = pyo.Block(sorted(by_year))
    for year, sites in by_year.items():
        add_emission_limits(
            m.limits[year], coupling.co2_cap_t_per_yr, coupling.min_renewable_share, sites=sites
        )
        for slack in (m.limits[year].co2_excess_t, m.limits[year].renewable_shortfall_mwh):
            slack.fix(0.0)  # released only to say why there is no plan
    return sum(emission_penalty(b) for b in m.limits.values())


def _add_workload_shifting(
    m: pyo.ConcreteModel, inputs: list, coupling: Coupling, by_year: dict[int, list[pyo.Block]]
) -> None:
    lengths = {len(inp.load_mw) for inp in inputs}
    if len(lengths) != 1:
        raise ValueError(f"coupled sites need the same time steps, got lengths {sorted(lengths)}")
    if any(inp.it_load_mw is None or inp.pue is None for inp in inputs):
        raise ValueError("workload shifting needs it_load_mw and pue for every site")
    for inp in inputs:
        _add_shift_limits(m.site[inp.block_name], coupling)
    first = m.site[inputs[0].block_name]
    m.work_conserved = pyo.Constraint(
        sorted(by_year),
        first.T,
        rule=lambda m, y, t: sum(b.it_shift_mw[t] for b in by_year[y]) == 0,
    )


def _add_shift_limits(b: pyo.Block, coupling: Coupling) -> None:
    """Bound the IT load moved into or out of one site (see :func:`add_coupling`)."""
    share, link = coupling.flexible_share, coupling.link_capacity_mw_it
    b.shift_out_limit = pyo.Constraint(
        b.T, rule=lambda b, t: b.it_shift_mw[t] >= -share * b.it_load_mw[t]
    )
    b.it_capacity_limit = pyo.Constraint(
        b.T, rule=lambda b, t: b.it_load_mw[t] + b.it_shift_mw[t] <= b.it_capacity_mw
    )
    if link is not None:
        for t in b.T:
            b.it_shift_mw[t].setlb(-link)
            b.it_shift_mw[t].setub(link)


def coupling_shortfalls(m: pyo.ConcreteModel) -> dict[str, str]:
    """Describe, after an elastic solve, each limit over all sites that was not met."""
    several = len(m.limits) > 1
    return {
        (f"all sites, weather year {year}: {name}" if several else f"all sites: {name}"): text
        for year, b in m.limits.items()
        for name, text in emission_shortfalls(b).items()
    }
