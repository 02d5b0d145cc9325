"""Project finance of a sized plant: cash flows year by year, LCOE, NPV, IRR, debt, payback.

Reads a run folder (:class:`~dcpower.run_folder.RunFolder`: ``capacities.csv``,
``costs.csv``, ``dispatch.csv``, ``profiles.csv``, ``scenario.yaml``), saved or built in memory
from a result; never needs pyomo or a solver. Assumptions are the scenario's ``finance``
section (:class:`~dcpower.scenario.Finance`, defaults with sources in ``inputs/finance.csv``).

Conventions
-----------
- **Money is real USD** of the inputs' price basis, treated as money of the commercial
  operation date (COD, year 0). Nominal figures are real ones times ``(1 + inflation)**year``.
  Real flows are discounted at the scenario's real WACC (``economics.wacc``), nominal flows at
  the nominal WACC ``(1 + wacc) * (1 + inflation) - 1``.
- **Timeline**: construction years ``1 - C .. 0`` (C = ``len(capex_schedule)``), operation
  years ``1 .. project_life_yr``; every flow falls at the end of its year and NPVs are at the
  end of year 0 (COD). With one construction year, capex is spent at year 0 undiscounted.
- **Operating costs** of operation year 1 are the run's dispatched year (``costs.csv``:
  fuel, carbon, fixed and variable O&M, start-ups), escalated at the real rates of ``finance``.
  Capital is the overnight cost from ``capacities.csv`` and the scenario's technology costs
  (not the annualized ``capex`` rows of ``costs.csv``).
- **Replacements**: an asset whose lifetime is shorter than the project life (by default only
  the battery, 15 yr) is rebuilt at the end of each lifetime (rounded up to a whole year) at
  ``replacement_cost_fraction`` of its overnight cost; PV inverters are replaced every
  ``pv_inverter_replacement_year`` years at ``pv_inverter_replacement_share`` of PV capex.
- **Salvage** at the end of the last year: every asset (and replacement) is worth its cost
  times its remaining life over its lifetime (straight line).
- **PV degradation**: PV energy of operation year ``y`` is that of year 1 times
  ``(1 - pv_degradation_per_yr)**(y - 1)``. The lost energy is assumed made up by the site's
  gas units at their marginal cost (incremental heat rate x gas price, plus variable O&M and
  carbon), so the energy delivered stays that of year 1. A site without gas units cannot make
  it up: the energy delivered falls instead. Curtailed PV is not used to make it up
  (conservative).
- **Energy** is the energy delivered to the data center (load minus unserved), MWh/yr.
- **Revenue** (``revenue_basis``): the grid tariff applied to the hourly delivered load by
  local hour (day/night), a flat PPA price, or none.
- **Debt**: ``debt_share`` of each construction year's nominal capex is drawn at the end of
  that year; interest during construction is capitalized; the balance at COD is repaid as a
  nominal annuity over ``debt_tenor_yr``. CFADS = revenue - operating costs - replacements
  (nominal); DSCR = CFADS / debt service. Pre-tax throughout.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import numpy_financial as npf
import pandas as pd

from dcpower import techs
from dcpower.errors import DcpowerError
from dcpower.run_folder import SUMMARY_FILE, RunFolder, read_run_folder
from dcpower.scenario import Finance
from dcpower.tariff import time_of_day_price
from dcpower.techs.contract import Asset

#: Operating-cost components of ``costs.csv`` and the cash-flow column each one feeds.
OPEX_COLUMNS = {
    "fuel": "fuel_usd",
    "carbon": "carbon_usd",
    "fixed_om": "fixed_om_usd",
    "variable_om": "variable_om_usd",
    "startup": "startup_usd",
    "grid_energy": "grid_energy_usd",
    "backup_fuel": "backup_fuel_usd",
}

#: Columns of :func:`cash_flows` that add up across sites (the rest are recomputed).
ADDITIVE_COLUMNS = (
    "capex_usd",
    "replacement_usd",
    *OPEX_COLUMNS.values(),
    "salvage_usd",
    "total_cost_usd",
    "energy_mwh",
    "it_energy_mwh",
    "pv_mwh",
    "pv_makeup_mwh",
    "co2_t",
    "grid_cost_usd",
    "revenue_usd",
    "net_cash_flow_usd",
    "capex_usd_nominal",
    "cfads_usd_nominal",
    "debt_draw_usd_nominal",
    "interest_usd_nominal",
    "principal_usd_nominal",
    "debt_service_usd_nominal",
    "debt_balance_usd_nominal",
    "equity_cash_flow_usd_nominal",
)

_LOCAL_HOUR = re.compile(r"^\d{4}-\d{2}-\d{2}[T ](\d{2}):")


# --------------------------------------------------------------------------- basic formulas


def annuity_payment(principal: float, rate: float, years: int) -> float:
    """Level end-of-year payment that repays ``principal`` with interest over ``years``.

    Parameters
    ----------
    principal : float
        Amount borrowed at year 0. [USD]
    rate : float
        Interest rate per year. [1/yr]
    years : int
        Number of payments. [yr]

    Returns
    -------
    float
        Payment per year (positive). [USD/yr]
    """
    return float(-npf.pmt(rate, years, principal))


def discount_factors(rate: float, years: np.ndarray) -> np.ndarray:
    """Return ``(1 + rate) ** -year`` for end-of-year flows, NPV at the end of year 0."""
    return (1.0 + rate) ** -np.asarray(years, dtype=float)


def npv(rate: float, years: np.ndarray, flows: np.ndarray) -> float:
    """Return the net present value, at the end of year 0, of end-of-year flows [USD]."""
    return float(np.sum(np.asarray(flows, dtype=float) * discount_factors(rate, years)))


def irr(flows: np.ndarray) -> float | None:
    """Return the internal rate of return of consecutive yearly flows [1/yr], or None."""
    flows = np.asarray(flows, dtype=float)
    if not (np.any(flows > 0) and np.any(flows < 0)):
        return None
    value = float(npf.irr(flows))
    return value if np.isfinite(value) else None


def payback_year(years: np.ndarray, flows: np.ndarray) -> int | None:
    """First operation year (>= 1) by whose end the cumulative cash flow is no longer negative.

    Parameters
    ----------
    years : array
        Year of each flow (construction years <= 0, operation years >= 1).
    flows : array
        Net cash flow of each year, construction capex included. [USD]

    Returns
    -------
    int or None
        The payback year counted from the operation date, or None if never reached.
    """
    years = np.asarray(years)
    cumulative = np.cumsum(np.asarray(flows, dtype=float))
    reached = np.flatnonzero((years >= 1) & (cumulative >= -1e-9))
    return int(years[reached[0]]) if reached.size else None


def tariff_usd_per_mwh(local_hour: np.ndarray, finance: Finance) -> np.ndarray:
    """Return the grid tariff of each hour from its local clock hour [USD/MWh].

    The day rate applies to hours starting at ``grid_tariff_day_start_hour`` up to, not
    including, ``grid_tariff_day_end_hour`` (08:00-22:00 by default, 14 h); the night rate to
    the rest. AZN/kWh x 1000 / (AZN/USD) = USD/MWh.
    """
    azn_per_kwh = time_of_day_price(
        local_hour,
        finance.grid_tariff_day_azn_per_kwh,
        finance.grid_tariff_night_azn_per_kwh,
        finance.grid_tariff_day_start_hour,
        finance.grid_tariff_day_end_hour,
    )
    return azn_per_kwh * 1000.0 / finance.azn_per_usd


def local_hours(times: pd.Series) -> np.ndarray:
    """Local clock hour of ISO 8601 time stamps as written in the run folder (with UTC offset).

    The hour is read from the text itself, so it is the site's local time whatever the offset.
    """
    hours = []
    for text in times.astype(str):
        match = _LOCAL_HOUR.match(text)
        if match is None:
            raise DcpowerError(f"time '{text}': not an ISO 8601 time stamp (YYYY-MM-DDTHH:...)")
        hours.append(int(match.group(1)))
    return np.asarray(hours, dtype=int)


def grid_cost_usd(
    times: pd.Series, load_mw: np.ndarray, weight_h: np.ndarray, finance: Finance
) -> float:
    """Return the annual cost of buying a load from the grid at the day/night tariff [USD/yr].

    Parameters
    ----------
    times : pd.Series
        Local start time of each row (ISO 8601 text with UTC offset).
    load_mw : array
        Load of each row. [MW]
    weight_h : array
        Hours of the year each row stands for. [h]
    finance : Finance
        Tariff and exchange rate.
    """
    price = tariff_usd_per_mwh(local_hours(times), finance)
    return float(np.sum(price * np.asarray(load_mw, float) * np.asarray(weight_h, float)))


# --------------------------------------------------------------------------- reading a run


def read_run(source: str | Path | RunFolder) -> RunFolder:
    """Return the tables of a run folder (or the in-memory ones, as they are).

    A folder needs ``scenario.yaml``, ``capacities.csv``, ``costs.csv``, ``dispatch.csv`` and
    ``profiles.csv``; its ``summary.json`` is not read by the finance and may be absent.
    For a :class:`~dcpower.results.Result`, pass ``RunFolder.from_result(result)`` (see
    :mod:`dcpower.run_folder`).

    Raises
    ------
    DcpowerError
        If the folder lacks one of the files or one cannot be read.
    """
    if isinstance(source, RunFolder):
        return source
    return read_run_folder(source, optional=(SUMMARY_FILE,))


@dataclass
class SiteBasis:
    """Year-1 quantities of one site that the cash flows start from.

    Attributes
    ----------
    site_id : str
        Site id.
    assets : pd.DataFrame
        ``technology, kind, capex_usd, lifetime_yr``: overnight cost of what was built. [USD]
    opex_usd : dict
        Year-1 operating cost by ``costs.csv`` component (fuel, carbon, ...). [USD/yr]
    annual_cost_usd : float
        The run's annual cost (``costs.csv`` total, capex annualized). [USD/yr]
    energy_mwh : float
        Energy delivered to the data center (load minus unserved). [MWh/yr]
    it_energy_mwh : float
        IT energy of the data center. [MWh/yr]
    pv_mwh : float
        PV energy used (after curtailment). [MWh/yr]
    co2_t : float
        CO2 from the gas burnt. [t/yr]
    makeup_fuel_usd_per_mwh, makeup_carbon_usd_per_mwh, makeup_vom_usd_per_mwh : float
        Marginal cost of a MWh of gas output (zero if the site has no gas units). [USD/MWh]
    makeup_co2_t_per_mwh : float
        CO2 of a marginal MWh of gas output. [t/MWh]
    has_gas : bool
        Whether the site built gas units (which make up degraded PV energy).
    grid_cost_usd : float
        Delivered load bought from the grid at the tariff. [USD/yr]
    """

    site_id: str
    assets: pd.DataFrame
    opex_usd: dict
    annual_cost_usd: float
    energy_mwh: float
    it_energy_mwh: float
    pv_mwh: float
    co2_t: float
    makeup_fuel_usd_per_mwh: float
    makeup_carbon_usd_per_mwh: float
    makeup_vom_usd_per_mwh: float
    makeup_co2_t_per_mwh: float
    has_gas: bool
    grid_cost_usd: float


def site_basis(tables: RunFolder, site_id: str, finance: Finance) -> SiteBasis:
    """Collect the year-1 quantities of a site from a run's tables.

    Parameters
    ----------
    tables : RunFolder
        See :func:`read_run`.
    site_id : str
        A site of the run.
    finance : Finance
        Assumptions (for the grid tariff).

    Returns
    -------
    SiteBasis
    """
    scenario = tables.scenario
    site = scenario.sites[site_id]
    cut = tables.site(site_id)
    d, p, rows = cut.dispatch, cut.profiles, cut.rows
    built = [
        asset
        for tech_id in site.technologies
        for asset in techs.of(scenario.technologies[tech_id]).assets(
            tech_id, scenario.technologies[tech_id], rows, scenario
        )
    ]
    if site.development_capex_usd > 0:
        life = float(finance.project_life_yr)
        built.append(Asset("site_development", "site", site.development_capex_usd, life))
    assets = pd.DataFrame([asdict(a) for a in built], columns=[f.name for f in fields(Asset)])

    costs = cut.costs
    by_component = costs.groupby("component")["usd_per_yr"].sum()
    opex = {c: float(by_component.get(c, 0.0)) for c in OPEX_COLUMNS}

    w = d["weight_h"].to_numpy(float)
    served_mw = d["load_mw"].to_numpy(float)
    if "unserved_mw" in d:
        served_mw = served_mw - d["unserved_mw"].to_numpy(float)
    it = d[["time"]].merge(p[["time", "it_load_mw"]], on="time", how="left")["it_load_mw"]
    if it.isna().any():
        raise DcpowerError(f"site {site_id}: profiles.csv lacks it_load_mw for some dispatch hours")

    fuel_mmbtu = float(np.sum(d["fuel_mmbtu_per_h"].to_numpy(float) * w))
    co2_t_per_mmbtu = scenario.economics.co2_kg_per_mmbtu / 1000.0
    marginal = [
        m
        for tech_id in site.technologies
        if (
            m := techs.of(scenario.technologies[tech_id]).marginal_energy(
                tech_id, scenario.technologies[tech_id], rows
            )
        )
        is not None
    ]
    makeup = {"fuel": 0.0, "carbon": 0.0, "vom": 0.0, "co2": 0.0}
    if marginal:
        # Degraded PV energy is made up by the unit type that produced most.
        largest = max(marginal, key=lambda m: m.output_mwh_per_yr)
        mmbtu_per_mwh = largest.fuel_mmbtu_per_mwh
        makeup = {
            "fuel": site.gas_price_usd_per_mmbtu * mmbtu_per_mwh,
            "carbon": site.carbon_price_usd_per_t * co2_t_per_mmbtu * mmbtu_per_mwh,
            "vom": largest.vom_usd_per_mwh,
            "co2": co2_t_per_mmbtu * mmbtu_per_mwh,
        }
    degrading = [
        column
        for tech in techs.technologies()
        if tech.degrades
        for column in tech.summary_generation.values()
        if column in d
    ]
    return SiteBasis(
        site_id=site_id,
        assets=assets,
        opex_usd=opex,
        annual_cost_usd=float(costs["usd_per_yr"].sum()),
        energy_mwh=float(np.sum(served_mw * w)),
        it_energy_mwh=float(np.sum(it.to_numpy(float) * w)),
        pv_mwh=float(sum(np.sum(d[c].to_numpy(float) * w) for c in degrading)),
        co2_t=fuel_mmbtu * co2_t_per_mmbtu,
        makeup_fuel_usd_per_mwh=makeup["fuel"],
        makeup_carbon_usd_per_mwh=makeup["carbon"],
        makeup_vom_usd_per_mwh=makeup["vom"],
        makeup_co2_t_per_mwh=makeup["co2"],
        has_gas=bool(marginal),
        grid_cost_usd=grid_cost_usd(d["time"], served_mw, w, finance),
    )


# --------------------------------------------------------------------------- cash flows


def cash_flows(basis: SiteBasis, finance: Finance, wacc: float) -> pd.DataFrame:
    """Year-by-year cash flows of one site over construction and operation.

    Parameters
    ----------
    basis : SiteBasis
        Year-1 quantities (:func:`site_basis`).
    finance : Finance
        Assumptions.
    wacc : float
        Real weighted average cost of capital (for the discount-factor column). [1/yr]

    Returns
    -------
    pd.DataFrame
        One row per year (see the module conventions). ``year`` (construction <= 0 < operation),
        ``phase``; real USD: ``capex_usd, replacement_usd, fuel_usd, carbon_usd, fixed_om_usd,
        variable_om_usd, startup_usd, grid_energy_usd`` (energy imported over a grid
        connection), ``backup_fuel_usd`` (liquid fuel of gas-supply outages, expected per
        year, with its carbon cost), ``salvage_usd`` (a credit, positive), ``total_cost_usd``
        (capex + replacement + operating costs - salvage), ``grid_cost_usd`` (the delivered
        load bought at the grid tariff), ``revenue_usd``, ``net_cash_flow_usd`` (revenue -
        total cost); energy [MWh]: ``energy_mwh`` (delivered to the data center),
        ``it_energy_mwh``, ``pv_mwh``, ``pv_makeup_mwh`` (degraded PV energy made up by gas);
        ``co2_t`` [t]; ``inflation_index`` and ``discount_factor`` (real WACC) [-]; nominal USD:
        ``capex_usd_nominal, cfads_usd_nominal, debt_draw_usd_nominal, interest_usd_nominal``
        (capitalized during construction), ``principal_usd_nominal, debt_service_usd_nominal,
        debt_balance_usd_nominal`` (end of year), ``equity_cash_flow_usd_nominal``; ``dscr``
        [-] (NaN without debt service). ``attrs["units"]`` maps every column to its unit.
    """
    n_build = len(finance.capex_schedule)
    years = np.arange(1 - n_build, finance.project_life_yr + 1)
    op = years >= 1

    capex, replacement, salvage = _capital_flows(basis, finance, years)
    pv, makeup, energy = _delivered_energy(basis, finance, years, op)
    price = _escalation(finance.price_escalation_real, years, op)
    costs = _operating_costs(basis, finance, years, op, makeup, price)
    operating = (
        costs["fuel_usd"]
        + costs["carbon_usd"]
        + costs["fixed_om_usd"]
        + costs["variable_om_usd"]
        + costs["startup_usd"]
        + costs["grid_energy_usd"]
        + costs["backup_fuel_usd"]
    )
    total_cost = capex + replacement + operating - salvage
    grid, revenue = _revenue(basis, finance, energy, price)

    inflation = (1.0 + finance.inflation) ** years.astype(float)
    capex_nominal = capex * inflation
    cfads = (revenue - operating - replacement) * inflation * op
    debt = _debt_flows(finance, years, op, finance.debt_share * capex_nominal, cfads)
    equity = np.where(
        op,
        cfads - debt["debt_service_usd_nominal"] + salvage * inflation,
        debt["debt_draw_usd_nominal"] - capex_nominal,
    )

    flows = pd.DataFrame(
        {
            "year": years,
            "phase": np.where(op, "operation", "construction"),
            "capex_usd": capex,
            "replacement_usd": replacement,
            **costs,
            "salvage_usd": salvage,
            "total_cost_usd": total_cost,
            "energy_mwh": energy,
            "it_energy_mwh": np.where(op, basis.it_energy_mwh, 0.0),
            "pv_mwh": pv,
            "pv_makeup_mwh": makeup,
            "co2_t": np.where(op, basis.co2_t, 0.0) + makeup * basis.makeup_co2_t_per_mwh,
            "grid_cost_usd": grid,
            "revenue_usd": revenue,
            "net_cash_flow_usd": revenue - total_cost,
            "inflation_index": inflation,
            "discount_factor": discount_factors(wacc, years),
            "capex_usd_nominal": capex_nominal,
            "cfads_usd_nominal": cfads,
            **debt,
            "equity_cash_flow_usd_nominal": equity,
        }
    )
    flows.attrs["units"] = column_units(flows.columns)
    return flows


def _escalation(rate: float, years: np.ndarray, op: np.ndarray) -> np.ndarray:
    """Return the real escalation index [-] of each year: 1 in operation year 1, 0 before."""
    return np.where(op, (1.0 + rate) ** (years - 1.0), 0.0)


def _capital_flows(
    basis: SiteBasis, finance: Finance, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capital spent and recovered per year of ``years``.

    Returns
    -------
    capex, replacement, salvage : np.ndarray
        Overnight capex spread over the construction years, rebuilt assets and PV
        inverters, and the straight-line value left at the end of the last year (a credit,
        positive). [USD, real]
    """
    n_build = len(finance.capex_schedule)
    life = finance.project_life_yr
    at = {int(y): i for i, y in enumerate(years)}
    capex = np.zeros(len(years))
    capex[:n_build] = float(basis.assets["capex_usd"].sum()) * np.asarray(finance.capex_schedule)
    replacement = np.zeros(len(years))
    salvage = np.zeros(len(years))
    for asset in basis.assets.itertuples():
        cost, lifetime = float(asset.capex_usd), float(asset.lifetime_yr)
        if cost <= 0:
            continue
        vintages = _vintages(cost, lifetime, life, finance.replacement_cost_fraction)
        for year, rebuilt in vintages[1:]:
            replacement[at[year]] += rebuilt
        for built, value in vintages:
            remaining = lifetime - (life - built)
            salvage[at[life]] += value * max(remaining, 0.0) / lifetime
    _add_inverter_replacements(basis, finance, at, replacement, salvage)
    return capex, replacement, salvage


def _vintages(
    cost: float, lifetime: float, life: int, replacement_fraction: float
) -> list[tuple[int, float]]:
    """List an asset built by COD and its rebuilds at the end of each lifetime in the project life.

    Parameters
    ----------
    cost : float
        Overnight cost. [USD]
    lifetime : float
        Asset lifetime; a rebuild falls at the end of the year it runs out in. [yr]
    life : int
        Project life. [yr]
    replacement_fraction : float
        Cost of a rebuild as a share of ``cost``. [-]

    Returns
    -------
    list of (int, float)
        ``(year built, cost)`` of the original (year 0) and of each rebuild. [yr, USD]
    """
    vintages = [(0, cost)]
    k = 1
    while (year := math.ceil(k * lifetime - 1e-9)) < life:
        vintages.append((year, cost * replacement_fraction))
        k += 1
    return vintages


def _add_inverter_replacements(
    basis: SiteBasis,
    finance: Finance,
    at: dict[int, int],
    replacement: np.ndarray,
    salvage: np.ndarray,
) -> None:
    """Add the periodic PV inverter replacements [USD] and their salvage, in place."""
    life = finance.project_life_yr
    degrading = [tech.kind for tech in techs.technologies() if tech.degrades]
    pv_capex = float(basis.assets.loc[basis.assets["kind"].isin(degrading), "capex_usd"].sum())
    every = finance.pv_inverter_replacement_year
    inverter = finance.pv_inverter_replacement_share * pv_capex
    if inverter > 0:
        for year in range(every, life, every):
            replacement[at[year]] += inverter
            salvage[at[life]] += inverter * max(every - (life - year), 0) / every


def _delivered_energy(
    basis: SiteBasis, finance: Finance, years: np.ndarray, op: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PV energy as it degrades, the gas energy that makes it up, and the energy delivered.

    Returns
    -------
    pv, makeup, energy : np.ndarray
        Per year; ``makeup`` is 0 at a site without gas units, whose delivered energy falls
        instead. [MWh]
    """
    degradation = np.where(op, (1.0 - finance.pv_degradation_per_yr) ** (years - 1.0), 0.0)
    pv = basis.pv_mwh * degradation
    lost = np.where(op, basis.pv_mwh - pv, 0.0)
    makeup = lost if basis.has_gas else np.zeros(len(years))
    energy = np.where(op, basis.energy_mwh, 0.0) - (lost - makeup)
    return pv, makeup, energy


def _operating_costs(
    basis: SiteBasis,
    finance: Finance,
    years: np.ndarray,
    op: np.ndarray,
    makeup: np.ndarray,
    price: np.ndarray,
) -> dict[str, np.ndarray]:
    """Escalate year-1 operating costs [USD, real] over the years; add the PV make-up's gas.

    Parameters
    ----------
    makeup : np.ndarray
        Degraded PV energy made up by gas, per year. [MWh]
    price : np.ndarray
        Escalation index of the tariff. [-]

    Returns
    -------
    dict of np.ndarray
        The cash-flow columns ``fuel_usd, carbon_usd, fixed_om_usd, variable_om_usd,
        startup_usd, grid_energy_usd, backup_fuel_usd``, in that order.
    """
    opex = basis.opex_usd
    fuel_escalation = _escalation(finance.fuel_escalation_real, years, op)
    carbon_escalation = _escalation(finance.carbon_price_escalation_real, years, op)
    om = _escalation(finance.om_escalation_real, years, op)
    return {
        "fuel_usd": (opex["fuel"] * op + makeup * basis.makeup_fuel_usd_per_mwh) * fuel_escalation,
        "carbon_usd": (opex["carbon"] * op + makeup * basis.makeup_carbon_usd_per_mwh)
        * carbon_escalation,
        "fixed_om_usd": opex["fixed_om"] * om,
        "variable_om_usd": (opex["variable_om"] * op + makeup * basis.makeup_vom_usd_per_mwh) * om,
        "startup_usd": opex["startup"] * om,
        # Energy imported over a grid connection follows the tariff's real path.
        "grid_energy_usd": opex["grid_energy"] * price,
        "backup_fuel_usd": opex["backup_fuel"] * fuel_escalation,
    }


def _revenue(
    basis: SiteBasis, finance: Finance, energy: np.ndarray, price: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Price the delivered load at the grid tariff, and as ``finance.revenue_basis`` says.

    Returns
    -------
    grid, revenue : np.ndarray
        Per year. [USD, real]
    """
    zeros = np.zeros(len(energy))
    share = energy / basis.energy_mwh if basis.energy_mwh > 0 else zeros
    grid = basis.grid_cost_usd * price * share
    if finance.revenue_basis == "grid_tariff":
        revenue = grid
    elif finance.revenue_basis == "ppa":
        revenue = float(finance.ppa_usd_per_mwh or 0.0) * energy * price
    else:
        revenue = zeros
    return grid, revenue


def _debt_flows(
    finance: Finance, years: np.ndarray, op: np.ndarray, draw: np.ndarray, cfads: np.ndarray
) -> dict[str, np.ndarray]:
    """Debt drawn in construction (interest capitalized), then repaid as a nominal annuity.

    Parameters
    ----------
    years, op : np.ndarray
        Each year (construction <= 0 < operation) and whether it is an operation year.
    draw : np.ndarray
        Debt drawn at the end of each year. [USD, nominal]
    cfads : np.ndarray
        Cash flow available for debt service. [USD, nominal]

    Returns
    -------
    dict of np.ndarray
        The cash-flow columns ``debt_draw_usd_nominal, interest_usd_nominal,
        principal_usd_nominal, debt_service_usd_nominal, debt_balance_usd_nominal`` (end of
        year) [USD, nominal] and ``dscr`` [-] (NaN without debt service), in that order.
    """
    rate = finance.debt_interest_rate
    interest, principal, service, balance = (np.zeros(len(years)) for _ in range(4))
    owed = 0.0
    for i in range(len(finance.capex_schedule)):
        interest[i] = owed * rate
        owed += interest[i] + draw[i]
        balance[i] = owed
    payment = annuity_payment(owed, rate, finance.debt_tenor_yr) if owed > 0 else 0.0
    for i in np.flatnonzero(op):
        if years[i] <= finance.debt_tenor_yr and owed > 0:
            interest[i] = owed * rate
            principal[i] = payment - interest[i]
            service[i] = payment
            owed = max(owed - principal[i], 0.0)
        balance[i] = owed
    with np.errstate(divide="ignore", invalid="ignore"):
        dscr = np.where(service > 0, cfads / np.where(service > 0, service, 1.0), np.nan)
    return {
        "debt_draw_usd_nominal": draw,
        "interest_usd_nominal": interest,
        "principal_usd_nominal": principal,
        "debt_service_usd_nominal": service,
        "debt_balance_usd_nominal": balance,
        "dscr": dscr,
    }


def column_units(columns) -> dict[str, str]:
    """Return the unit of each cash-flow column, from its name."""
    units = {}
    for c in columns:
        if c.endswith("_usd_nominal"):
            units[c] = "USD nominal"
        elif c.endswith("_usd"):
            units[c] = "USD real (price basis of the inputs, year 0 = COD)"
        elif c.endswith("_mwh"):
            units[c] = "MWh"
        elif c.endswith("_t"):
            units[c] = "tCO2"
        elif c == "year":
            units[c] = "year from the operation date (<= 0: construction)"
        else:
            units[c] = "-"
    return units


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Sum the cash flows of several sites (same finance timeline); DSCR is recomputed."""
    first = frames[0]
    total = first.copy()
    for column in ADDITIVE_COLUMNS:
        total[column] = sum(f[column].to_numpy() for f in frames)
    service = total["debt_service_usd_nominal"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        total["dscr"] = np.where(
            service > 0, total["cfads_usd_nominal"] / np.where(service > 0, service, 1.0), np.nan
        )
    total.attrs["units"] = dict(first.attrs.get("units", {}))
    return total


# --------------------------------------------------------------------------- metrics


def metrics(flows: pd.DataFrame, finance: Finance, wacc: float) -> dict:
    """Headline figures of a cash-flow table (one site, or sites combined).

    Parameters
    ----------
    flows : pd.DataFrame
        From :func:`cash_flows` (or :func:`combine`).
    finance : Finance
        Assumptions (inflation, revenue basis, project life).
    wacc : float
        Real WACC. [1/yr]

    Returns
    -------
    dict
        ``npv_cost_usd`` (real, at the real WACC, at COD), ``lcoe_usd_per_mwh_real`` and
        ``_nominal`` (discounted costs / discounted energy delivered), ``levelized_cost_usd_
        per_yr`` (NPV of costs as an annuity over the project life), ``cost_usd_per_mwh_it_
        levelized``, lifetime carbon intensity, ``npv_savings_vs_grid_usd``; with revenue:
        ``npv_project_usd``, project IRR real and nominal, equity IRR nominal and real,
        ``payback_year``, debt at COD, DSCR by year and its minimum. None where undefined.
    """
    years = flows["year"].to_numpy()
    nominal_wacc = (1.0 + wacc) * (1.0 + finance.inflation) - 1.0
    inflation = flows["inflation_index"].to_numpy()
    cost = flows["total_cost_usd"].to_numpy()
    energy = flows["energy_mwh"].to_numpy()
    it = flows["it_energy_mwh"].to_numpy()
    npv_cost = npv(wacc, years, cost)
    npv_energy = npv(wacc, years, energy)
    npv_energy_nominal = npv(nominal_wacc, years, energy)
    npv_cost_nominal = npv(nominal_wacc, years, cost * inflation)
    npv_it = npv(wacc, years, it)
    out = {
        "npv_cost_usd": npv_cost,
        "lcoe_usd_per_mwh_real": _ratio(npv_cost, npv_energy),
        "lcoe_usd_per_mwh_nominal": _ratio(npv_cost_nominal, npv_energy_nominal),
        "levelized_cost_usd_per_yr": annuity_payment(npv_cost, wacc, finance.project_life_yr),
        "cost_usd_per_mwh_it_levelized": _ratio(npv_cost, npv_it),
        "carbon_intensity_g_per_kwh_it_lifetime": _ratio(
            1e3 * flows["co2_t"].sum(), float(it.sum())
        ),
        "replacement_usd_total": float(flows["replacement_usd"].sum()),
        "salvage_usd": float(flows["salvage_usd"].sum()),
        "pv_makeup_mwh_total": float(flows["pv_makeup_mwh"].sum()),
        "npv_savings_vs_grid_usd": npv(wacc, years, flows["grid_cost_usd"].to_numpy()) - npv_cost,
    }
    debt = float(flows.loc[flows["year"] <= 0, "debt_balance_usd_nominal"].iloc[-1])
    service = flows["debt_service_usd_nominal"].to_numpy()
    out["debt_usd_nominal"] = debt
    out["debt_service_usd_per_yr_nominal"] = float(service.max()) if service.size else 0.0
    revenue_given = finance.revenue_basis != "none"
    net = flows["net_cash_flow_usd"].to_numpy()
    out["revenue_usd_per_yr"] = float(flows.loc[flows["year"] == 1, "revenue_usd"].sum())
    out["npv_project_usd"] = npv(wacc, years, net) if revenue_given else None
    out["project_irr_real"] = irr(net) if revenue_given else None
    out["project_irr_nominal"] = irr(net * inflation) if revenue_given else None
    equity_irr = irr(flows["equity_cash_flow_usd_nominal"].to_numpy()) if revenue_given else None
    out["equity_irr_nominal"] = equity_irr
    out["equity_irr_real"] = (
        (1.0 + equity_irr) / (1.0 + finance.inflation) - 1.0 if equity_irr is not None else None
    )
    out["payback_year"] = payback_year(years, net) if revenue_given else None
    with_debt = flows[flows["debt_service_usd_nominal"] > 0]
    dscr = {int(y): float(v) for y, v in zip(with_debt["year"], with_debt["dscr"], strict=True)}
    out["dscr_by_year"] = dscr if revenue_given else {}
    out["dscr_min"] = min(dscr.values()) if (dscr and revenue_given) else None
    return out


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


def _year1_figures(bases: list[SiteBasis]) -> dict:
    """Figures of the dispatched year (operation year 1), summed over the given sites."""
    annual_cost = sum(b.annual_cost_usd for b in bases)
    energy = sum(b.energy_mwh for b in bases)
    it = sum(b.it_energy_mwh for b in bases)
    co2 = sum(b.co2_t for b in bases)
    grid = sum(b.grid_cost_usd for b in bases)
    return {
        "capex_usd": float(sum(b.assets["capex_usd"].sum() for b in bases)),
        "energy_mwh_per_yr": energy,
        "it_energy_mwh_per_yr": it,
        "annual_cost_usd_per_yr": annual_cost,
        "cost_usd_per_mwh_it": _ratio(annual_cost, it),
        "co2_t_per_yr": co2,
        "carbon_intensity_g_per_kwh_it": _ratio(1e3 * co2, it),
        "grid_cost_usd_per_yr": grid,
        "grid_price_usd_per_mwh": _ratio(grid, energy),
        "savings_vs_grid_usd_per_yr": grid - annual_cost,
    }


# --------------------------------------------------------------------------- the summary


def site_cash_flows(
    source: str | Path | RunFolder, finance: Finance | None = None
) -> dict[str, pd.DataFrame]:
    """Cash-flow table of every site of a run (see :func:`cash_flows`).

    Parameters
    ----------
    source : str, Path or RunFolder
        A run folder, saved or in memory.
    finance : Finance, optional
        Assumptions; default: the run scenario's ``finance`` section.
    """
    tables = read_run(source)
    finance = finance if finance is not None else tables.scenario.finance
    wacc = tables.scenario.economics.wacc
    return {
        s: cash_flows(site_basis(tables, s, finance), finance, wacc) for s in tables.scenario.sites
    }


def finance_summary(source: str | Path | RunFolder, finance: Finance | None = None) -> dict:
    """Financial figures of a run, ready to put under ``summary.json`` ``"finance"``.

    Parameters
    ----------
    source : str, Path or RunFolder
        A run folder, saved (as ``dcpower run`` writes it) or in memory.
    finance : Finance, optional
        Assumptions; default: the run scenario's ``finance`` section.

    Returns
    -------
    dict
        ``conventions`` (text), ``wacc_real``, ``wacc_nominal``, ``assumptions`` (the Finance
        fields), ``sites`` (per site: year-1 figures such as ``cost_usd_per_mwh_it``,
        ``carbon_intensity_g_per_kwh_it``, ``savings_vs_grid_usd_per_yr`` = grid cost of the
        delivered load minus the run's annual cost, plus everything of :func:`metrics`) and
        ``totals`` (the same over all sites, from the summed cash flows). Plain JSON types;
        undefined figures are None.
    """
    tables = read_run(source)
    finance = finance if finance is not None else tables.scenario.finance
    wacc = tables.scenario.economics.wacc
    sites, bases, frames = {}, [], []
    for site_id in tables.scenario.sites:
        basis = site_basis(tables, site_id, finance)
        flows = cash_flows(basis, finance, wacc)
        figures = _year1_figures([basis])
        figures["capex_by_technology_usd"] = dict(
            zip(basis.assets["technology"], basis.assets["capex_usd"], strict=True)
        )
        figures.update(metrics(flows, finance, wacc))
        figures["savings_vs_grid_levelized_usd_per_yr"] = (
            figures["grid_cost_usd_per_yr"] - figures["levelized_cost_usd_per_yr"]
        )
        sites[site_id] = figures
        bases.append(basis)
        frames.append(flows)
    totals = _year1_figures(bases)
    totals.update(metrics(combine(frames), finance, wacc))
    totals["savings_vs_grid_levelized_usd_per_yr"] = (
        totals["grid_cost_usd_per_yr"] - totals["levelized_cost_usd_per_yr"]
    )
    summary = {
        "conventions": (
            "Real USD of the inputs' price basis, year 0 = commercial operation date; nominal = "
            "real x (1 + inflation)^year. End-of-year flows, NPV at year 0, real WACC for real "
            "flows. Pre-tax. Degraded PV energy made up by gas at its marginal cost. Revenue: "
            f"{finance.revenue_basis}."
        ),
        "wacc_real": wacc,
        "wacc_nominal": (1.0 + wacc) * (1.0 + finance.inflation) - 1.0,
        "assumptions": finance.model_dump(mode="json"),
        "sites": sites,
        "totals": totals,
    }
    return _plain(summary)


def _plain(value):
    """Plain JSON types: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(summary: dict) -> str:
    """Return the finance summary as JSON text."""
    return json.dumps(summary, indent=2)
