"""The summary of a run (``summary.json``), assembled from an in-memory result.

:func:`summarize` turns a :class:`~dcpower.results.Result` into the typed
:class:`~dcpower.run_folder.Summary` (headline figures per site and in total, the rules solved
under, the finance); :func:`save` writes a result's run folder with it. The result itself
stays the in-memory outcome of a run; this module reads it (and the finance reads the
result's tables as a :class:`~dcpower.run_folder.RunFolder`), so the summary depends on the
finance and the result on neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dcpower import techs, topology
from dcpower.availability import verdict
from dcpower.finance import finance_summary
from dcpower.optimization.build import COOLING_WATER
from dcpower.phasing import phase_folder, phase_scenario
from dcpower.profiles import design_basis, water_used_m3_per_yr
from dcpower.run_folder import (
    Emissions,
    Horizon,
    ReliabilitySummary,
    RunFolder,
    SiteSummary,
    Summary,
    Totals,
    check_run_folder,
    write_run_folder,
)
from dcpower.techs.contract import SiteRows

if TYPE_CHECKING:  # pragma: no cover
    from dcpower.results import Result, SiteResult
    from dcpower.scenario import Site


class _Capacities:
    """A site's sized capacities read as the technologies' ``firm`` hooks read them."""

    def __init__(self, capacities) -> None:
        rows = capacities.groupby(["technology", "unit"])["capacity"].sum()
        self._values = {key: float(value) for key, value in rows.items()}

    def cap(self, tech_id: str, unit: str, default: float | None = None) -> float:
        return self._values.get((tech_id, unit), 0.0 if default is None else default)


def _firms(site: SiteResult, scenario, point) -> tuple[list, _Capacities]:
    """Return what each technology of a solved site adds to N+k at its design point."""
    rules = scenario.site_reliability(site.site_id)
    caps = _Capacities(site.capacities)
    firms = []
    for tech_id in scenario.sites[site.site_id].technologies:
        spec = scenario.technologies[tech_id]
        factor = point.gas_available_factor.get(tech_id)
        firm = techs.of(spec).firm(tech_id, spec, caps, factor, rules)
        if firm is not None:
            firms.append((tech_id, firm))
    return firms, caps


def design_basis_of(site: SiteResult, scenario) -> dict:
    """Return the design basis of a solved site (``summary.json`` ``design_point``).

    The design inputs (``dcpower.profiles.DesignPoint``) with the plan's firm capacity at
    the design ambient, k largest units out, the auxiliaries of the units left and the
    margin (``dcpower.profiles.design_basis``). [MW]
    """
    point = site.design
    if point is None:
        return {}
    firms, _ = _firms(site, scenario, point)
    return design_basis(point, firms, scenario.site_reliability(site.site_id).redundancy_k)


def topology_of(site: SiteResult, scenario) -> dict:
    """Return the topology checklist of a solved site (``dcpower.topology.checklist``)."""
    point = site.design
    if point is None:
        return {}
    firms, caps = _firms(site, scenario, point)
    held = [
        fuel
        for tech_id in scenario.sites[site.site_id].technologies
        if (
            fuel := techs.of(scenario.technologies[tech_id]).on_site_fuel(
                tech_id, scenario.technologies[tech_id], caps
            )
        )
        is not None
    ]
    fuel_mmbtu = sum(mmbtu for mmbtu, _ in held)
    heat_rate = max((rate for _, rate in held), default=0.0)
    return topology.checklist(point, firms, fuel_mmbtu, heat_rate)


def supplied_mwh_per_yr(site: SiteResult) -> float:
    """Return the energy a site's plant supplies [MWh/yr].

    Its load less what heat-driven cooling relieves: what a renewable share is a share of.
    """
    return site.annual_mwh("load_mw") - site.annual_mwh(techs.LOAD_RELIEF.column)


def site_summary(site: SiteResult, scenario) -> SiteSummary:
    """Return the headline figures of one solved site (``summary.json`` ``sites.<site>``).

    Parameters
    ----------
    site : SiteResult
        The site's in-memory result.
    scenario : Scenario
        The scenario solved (CO2 of the fuel burnt, the site's reliability rules).
    """
    co2_kg_per_mmbtu = scenario.economics.co2_kg_per_mmbtu
    caps = site.capacities
    capacity = {
        key: float(caps.loc[(caps["kind"] == kind) & (caps["unit"] == unit), "capacity"].sum())
        for tech in techs.technologies()
        for key, (kind, unit) in tech.summary_capacity.items()
    }
    capacity["gas"] = site.gas_units
    capacity["gas_mw"] = sum(g["units"] * g["unit_mw"] for g in site.gas_units.values())
    load = site.annual_mwh("load_mw")
    generation = {
        key: site.annual_mwh(column)
        for tech in techs.technologies()
        for key, column in tech.summary_generation.items()
    }
    generation["grid"] = site.annual_mwh(techs.GRID_IMPORT.column)
    # Energy from fuel or the grid (what min_renewable_share does not count).
    fuel_or_grid = generation["grid"] + sum(
        generation[key]
        for tech in techs.technologies()
        if tech.resource == "thermal"
        for key in tech.summary_generation
    )
    supplied = supplied_mwh_per_yr(site)
    fuel = site.annual_mwh("fuel_mmbtu_per_h")
    cost = float(site.costs["usd_per_yr"].sum())
    objective = site.objective_usd_per_yr
    return SiteSummary(
        status=site.status,
        it_capacity_mw=site.it_capacity_mw,
        it_load_mw=float(site.profiles["it_load_mw"].mean()),
        peak_load_mw=float(site.profiles["load_mw"].max()),
        load_mwh_per_yr=load,
        capacity=capacity,
        generation_mwh_per_yr=generation,
        curtailment_mwh_per_yr=site.annual_mwh("curtailment_mw"),
        unserved_mwh_per_yr=site.annual_mwh("unserved_mw"),
        fuel_mmbtu_per_yr=fuel,
        co2_t_per_yr=fuel * co2_kg_per_mmbtu / 1000,
        # Share of the energy served not from fuel or the grid (as min_renewable_share
        # counts it).
        renewable_share=1 - fuel_or_grid / supplied if supplied else 0.0,
        capex_usd=float(sum(site.capex_usd.values())),
        cost_usd_per_yr=cost,
        lcoe_usd_per_mwh=cost / load if load else float("nan"),
        # The sizing model's own annual cost (on its steps; with commitment relaxed not a
        # lower bound: relaxed hourly N-1 covers every built type in every hour) and how
        # much the verified full-year dispatch costs more.
        sizing_cost_usd_per_yr=objective,
        dispatch_over_sizing_cost=cost / objective - 1 if objective else float("nan"),
        shortfalls=site.shortfalls,
        sizing_passes=site.sizing_passes,
        design_point=design_basis_of(site, scenario),
        gas_outage=site.outage_insurance.get("gas"),
        grid_outage=site.outage_insurance.get("grid"),
        weather_years=site.weather_years,
        water=water_of(site, scenario.sites[site.site_id], scenario.technologies),
    )


def generation_water_m3_per_yr(site: SiteResult, spec: Site, technologies: dict) -> dict:
    """Return the water each generating technology of a solved site consumed [m3/yr].

    ``Technology.water_m3_per_yr`` (a generator's output x its ``water_m3_per_mwh``, an
    absorption chiller's cooling x its tower's water); only those that used some.
    """
    rows = SiteRows(
        dispatch=site.dispatch,
        hourly=site.profiles.reindex(site.dispatch.index),
        capacities=site.capacities.set_index(["technology", "unit"])["capacity"].to_dict(),
    )
    out = {}
    for tech_id in spec.technologies:
        used = techs.of(technologies[tech_id]).water_m3_per_yr(tech_id, technologies[tech_id], rows)
        if used > 0:
            out[tech_id] = used
    return out


def water_of(site: SiteResult, spec: Site, technologies: dict) -> dict | None:
    """Return the water of a solved site (``summary.json`` ``sites.<id>.water``).

    ``m3_per_yr``: the cooling's, of the year's profiles, for the IT hosted;
    ``wue_l_per_kwh_it`` its water-usage effectiveness (The Green Grid: litres per kWh of
    IT energy); ``generation_m3_per_yr``: each generating technology's, from its output;
    ``total_m3_per_yr``: both, what ``limit_m3_per_yr`` bounds; ``usd_per_yr`` their cost
    in ``costs.csv``; ``energy_mwh_per_yr`` the electricity spent to supply them (None if
    not known). None if nothing uses water.
    """
    generation = generation_water_m3_per_yr(site, spec, technologies)
    cooled = "cooling_water_m3" in site.profiles
    if not cooled and not generation:
        return None
    hosted = site.it_capacity_mw / spec.data_center.it_capacity_mw
    m3 = water_used_m3_per_yr(site.profiles) * hosted if cooled else 0.0
    total = m3 + sum(generation.values())
    it_kwh = float(site.profiles["it_load_mw"].sum()) * hosted * 1000.0
    costs = site.costs
    paid = (costs["technology"] == COOLING_WATER) | (costs["component"] == "water")
    energy = spec.water_energy_kwh_per_m3
    return {
        "m3_per_yr": m3,
        "l_per_kwh_facility": spec.data_center.water_l_per_kwh,
        "wue_l_per_kwh_it": 1000.0 * m3 / it_kwh if it_kwh else None,
        "generation_m3_per_yr": generation,
        "total_m3_per_yr": total,
        "price_usd_per_m3": spec.water_price_usd_per_m3,
        "usd_per_yr": float(costs.loc[paid, "usd_per_yr"].sum()),
        "energy_kwh_per_m3": energy,
        "energy_mwh_per_yr": None if energy is None else total * energy / 1000.0,
        "limit_m3_per_yr": spec.water_limit_m3_per_yr,
    }


def phases_summary(result: Result) -> dict | None:
    """Return what each phase of a build-out adds, costs and runs at (``summary.json``).

    Returns
    -------
    dict or None
        Per phased site: ``source`` (of the phasing, or ESTIMATE), ``wacc``,
        ``project_life_yr``, ``level_cost_usd_per_yr`` (the
        phases' full-year annual costs weighted by their share of the project's
        discounted years: the present value of every year's cost as a level annual cost),
        ``sizing_level_cost_usd_per_yr`` (the same of the sizing model, its objective) and
        ``phases``: per phase its ``year``, ``it_capacity_mw``, ``weight``, ``status``,
        ``capacity`` (the plant, as ``sites.<site>.capacity``), ``added`` (by technology and
        unit, what the phase builds), ``capex_added_usd`` (overnight, of what it builds),
        ``capex_usd`` (of its whole plant), ``cost_usd_per_yr``, ``load_mwh_per_yr``,
        ``unserved_mwh_per_yr``, ``co2_t_per_yr`` (its plant dispatched over the year) and
        ``run_folder`` (where its plan is written and verified; ``.`` for the last, the
        run's own). None if no site is phased.
    """
    scenario = result.scenario
    out = {}
    for site_id, site in result.sites.items():
        if not site.phases:
            continue
        rows: list[dict] = []
        plant_before: dict[tuple, float] = {}
        capex_before: dict[str, float] = {}
        for index, phase in enumerate(site.phases):
            own = site_summary(phase, phase_scenario(scenario, site_id, index))
            plant = phase.capacities.groupby(["technology", "unit"])["capacity"].sum()
            added: dict[str, dict[str, float]] = {}
            for (tech_id, unit), value in plant.items():
                more = float(value) - plant_before.get((tech_id, unit), 0.0)
                if more > 1e-6:
                    added.setdefault(str(tech_id), {})[str(unit)] = more
            capex_added = sum(
                max(0.0, cost - capex_before.get(tech_id, 0.0))
                for tech_id, cost in phase.capex_usd.items()
            )
            last = index == len(site.phases) - 1
            rows.append(
                {
                    "year": phase.phase["year"],
                    "it_capacity_mw": phase.it_capacity_mw,
                    "weight": phase.phase["weight"],
                    "status": phase.status,
                    "capacity": own.capacity,
                    "added": added,
                    "capex_added_usd": capex_added,
                    "capex_usd": own.capex_usd,
                    "cost_usd_per_yr": own.cost_usd_per_yr,
                    "load_mwh_per_yr": own.load_mwh_per_yr,
                    "unserved_mwh_per_yr": own.unserved_mwh_per_yr,
                    "co2_t_per_yr": own.co2_t_per_yr,
                    "run_folder": "." if last else phase_folder(site_id, phase.phase["year"]),
                }
            )
            plant_before = {key: float(value) for key, value in plant.items()}
            capex_before = dict(phase.capex_usd)
        source = scenario.sites[site_id].data_center.phases_source
        out[site_id] = {
            "source": source or "ESTIMATE: the scenario's phasing, no source given",
            "wacc": scenario.economics.wacc,
            "project_life_yr": scenario.finance.project_life_yr,
            "level_cost_usd_per_yr": sum(r["weight"] * r["cost_usd_per_yr"] for r in rows),
            "sizing_level_cost_usd_per_yr": site.level_objective_usd_per_yr,
            "phases": rows,
        }
    return out or None


def criterion_verdicts(scenario, availability: dict | None) -> dict | None:
    """Return the LOLE criterion and, once simulated, each site's verdict (else None)."""
    rules = scenario.reliability
    bound = rules.criterion_lole_h_per_yr
    if bound is None:
        return None
    sites = (availability or {}).get("sites") or {}
    return {
        "max_lole_h_per_yr": bound,
        "statistic": rules.lole_statistic,
        "sites": {
            site_id: verdict(figures, bound, rules.lole_statistic)
            for site_id, figures in sites.items()
        },
    }


def summarize(result: Result, folder: RunFolder | None = None) -> Summary:
    """Return the summary of a run (the contents of ``summary.json``).

    Parameters
    ----------
    result : Result
        The in-memory outcome of ``dcpower.run``.
    folder : RunFolder, optional
        The result's tables (:meth:`RunFolder.from_result`) if already built; the finance
        reads them.
    """
    scenario = result.scenario
    sites = {site_id: site_summary(site, scenario) for site_id, site in result.sites.items()}
    solved = list(result.sites.values())
    any_site = solved[0]
    load = sum(s.load_mwh_per_yr for s in sites.values())
    cost = sum(s.cost_usd_per_yr for s in sites.values())
    commitment = scenario.dispatch_commitment
    kind = any_site.horizon_kind
    tables = folder if folder is not None else RunFolder.from_result(result)
    supplied = {site_id: supplied_mwh_per_yr(site) for site_id, site in result.sites.items()}
    return Summary(
        scenario=scenario.name,
        status=result.status,
        mip_gap=max(s.mip_gap for s in solved),
        horizon=Horizon(
            kind=kind,
            hours_modelled=any_site.hours_modelled,
            hours_verified=len(any_site.dispatch),
            block_hours=scenario.time.block_hours if kind == "blocks" else None,
            typical_periods={
                "n_periods": scenario.time.n_periods,
                "period_hours": scenario.time.period_hours,
                "extreme_periods": scenario.time.extreme_periods,
            }
            if kind == "typical_periods"
            else None,
        ),
        reliability=ReliabilitySummary(
            redundancy_k=scenario.reliability.redundancy_k,
            hourly_n_minus_1=scenario.reliability.hourly_n_minus_1,
            n_minus_1_form=(
                "largest online unit type (integer commitment)"
                if commitment == "integer"
                else "largest built unit type, every hour (commitment relaxed)"
            ),
            ride_through_min=scenario.reliability.ride_through_min,
            criterion=criterion_verdicts(scenario, result.availability),
            topology={
                "sites": {
                    site_id: topology_of(site, scenario) for site_id, site in result.sites.items()
                },
                "not_checked": topology.NOT_CHECKED,
            },
            redundancy_k_by_site={
                site_id: scenario.site_reliability(site_id).redundancy_k for site_id in result.sites
            },
            availability=result.availability,
            cost_of_reliability=result.reliability_curves,
        ),
        commitment={"sizing": scenario.solver.commitment, "dispatch": commitment},
        objective_usd_per_yr=sum(s.level_objective_usd_per_yr for s in solved),
        build_seconds=sum(s.build_seconds for s in solved),
        solve_seconds=sum(s.solve_seconds for s in solved),
        sites=sites,
        totals=Totals(
            capex_usd=sum(s.capex_usd for s in sites.values()),
            cost_usd_per_yr=cost,
            co2_t_per_yr=sum(s.co2_t_per_yr for s in sites.values()),
            load_mwh_per_yr=load,
            unserved_mwh_per_yr=sum(s.unserved_mwh_per_yr for s in sites.values()),
            lcoe_usd_per_mwh=cost / load if load else float("nan"),
        ),
        workload_shifting=result.workload,
        siting=result.siting,
        cooling=result.cooling,
        heat_recovery=result.heat_recovery,
        phases=phases_summary(result),
        emissions=Emissions(
            co2_cap_t_per_yr=scenario.emissions.co2_cap_t_per_yr,
            min_renewable_share=scenario.emissions.min_renewable_share,
            # The sites' shares weighted by the energy each plant supplies (each
            # 1 - (fuel + grid) / supplied, supplied = load - chiller relief): as the
            # limit over all sites counts it.
            renewable_share=sum(
                s.renewable_share * supplied[site_id] for site_id, s in sites.items()
            )
            / sum(supplied.values())
            if sum(supplied.values())
            else 0.0,
        ),
        finance=finance_summary(tables),
    )


def save(result: Result, directory: str | Path) -> Path:
    """Write a result's run folder atomically, with its summary (``Result.save``).

    Parameters
    ----------
    result : Result
        The in-memory outcome of ``dcpower.run``.
    directory : str or Path
        Target folder; an existing run folder (or empty folder) there is replaced.

    Returns
    -------
    Path
        The written folder.

    Raises
    ------
    DcpowerError
        If ``directory`` holds something other than a run folder; nothing is written then.
    """
    check_run_folder(directory)  # before the summary is assembled: fail fast
    folder = RunFolder.from_result(result)
    folder.summary = summarize(result, folder)
    return write_run_folder(folder, directory)
