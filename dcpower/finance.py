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
- **Revenue** (``revenue_basis``): by default the *required tariff*, the flat real price
  per MWh delivered at which the equity IRR (nominal, after tax) meets
  ``target_equity_irr_nominal``, found per site by root-finding on the equity cash flow;
  or the site's comparison grid tariff on the hourly delivered load (day/night), a flat PPA
  price, or none. The grid tariff always stays as a comparison line where the site has one.
- **Tax** (each site's ``money``): income tax on nominal profit = revenue - operating costs
  - tax depreciation - interest, losses carried forward for the country's years (oldest
  first). Tax depreciation by asset class (equipment; structures = site development),
  declining balance or straight line at the country's rates, from the year after an asset
  enters service (the construction capex at COD, at its nominal cost); at the end, the
  salvage less the tax value left is taxed. Interest during construction is capitalized into
  the debt, not depreciated (slightly conservative).
- **Debt**: drawn in proportion to each construction year's nominal capex, interest during
  construction capitalized. Its size at COD is the smaller of what the target DSCR
  supports - debt service ``max(CFADS, 0) / target_dscr_min`` in each year of the tenor
  (sculpted), discounted at the interest rate - and ``max_gearing`` of the capex with its
  capitalized interest. CFADS = revenue - operating costs - replacements - tax (nominal);
  DSCR = CFADS / debt service. Tax and debt depend on each other through the interest;
  they are iterated to a fixed point.
- **Equity** cash flow (nominal): the capex not borrowed in construction years; CFADS -
  debt service (+ salvage in the last year) in operation.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from pathlib import Path

import numpy as np
import numpy_financial as npf
import pandas as pd
from scipy.optimize import brentq

from dcpower import techs
from dcpower.errors import DcpowerError
from dcpower.run_folder import SUMMARY_FILE, RunFolder, read_run_folder
from dcpower.scenario import ComparisonTariff, Finance, SiteMoney
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
    "water": "water_usd",
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
    "ebitda_usd_nominal",
    "tax_depreciation_usd_nominal",
    "taxable_income_usd_nominal",
    "tax_usd_nominal",
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


def tariff_usd_per_mwh(local_hour: np.ndarray, tariff: ComparisonTariff) -> np.ndarray:
    """Return a time-of-day tariff's price of each hour from its local clock hour [USD/MWh].

    The day price applies to hours starting at ``day_start_hour`` up to, not including,
    ``day_end_hour`` (08:00-22:00 for the Azerbaijani data-center tariff, 14 h); the night
    price to the rest.
    """
    return time_of_day_price(
        local_hour,
        tariff.day_price_usd_per_mwh,
        tariff.night_price_usd_per_mwh,
        tariff.day_start_hour,
        tariff.day_end_hour,
    )


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
    times: pd.Series, load_mw: np.ndarray, weight_h: np.ndarray, tariff: ComparisonTariff
) -> float:
    """Return the annual cost of buying a load from the grid at a time-of-day tariff [USD/yr].

    Parameters
    ----------
    times : pd.Series
        Local start time of each row (ISO 8601 text with UTC offset).
    load_mw : array
        Load of each row. [MW]
    weight_h : array
        Hours of the year each row stands for. [h]
    tariff : ComparisonTariff
        Day and night prices and hours.
    """
    price = tariff_usd_per_mwh(local_hours(times), tariff)
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
    grid_cost_usd : float or None
        Delivered load bought from the grid at the site's comparison tariff; None where no
        tariff is known for the site. [USD/yr]
    money : SiteMoney
        The site's currency, exchange rate and tax (default: none known, pre-tax, USD).
    later_phases : list of (int, SiteBasis)
        A site built in phases (this basis is its first phase's): each later phase's
        basis with the operation year from which it runs. Its capital added is spent at
        the end of the year before, its quantities replace these from that year.
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
    grid_cost_usd: float | None
    money: SiteMoney = field(default_factory=SiteMoney)
    later_phases: list[tuple[int, SiteBasis]] = field(default_factory=list)

    def stages(self) -> list[tuple[int, SiteBasis]]:
        """Return ``(first operation year, basis)`` of each phase, (one if built at once)."""
        return [(1, self), *self.later_phases]

    def yearly(self, years: np.ndarray, quantity: str | Callable[[SiteBasis], float]) -> np.ndarray:
        """Return a year-1 quantity per year of ``years``: the phase's in effect, 0 before COD.

        ``quantity`` names an attribute, or gives it of a basis (``lambda b: ...``).
        """
        value = attrgetter(quantity) if isinstance(quantity, str) else quantity
        out = np.zeros(len(years))
        for start, stage in self.stages():
            out[years >= start] = float(value(stage))
        return out


def site_basis(tables: RunFolder, site_id: str, finance: Finance) -> SiteBasis:
    """Collect the year-1 quantities of a site from a run's tables, of every phase if phased.

    A site built in phases (``data_center.phases``) gets its first phase's basis, from the
    phase's run folder (:meth:`RunFolder.phase`), with each later phase's in
    ``later_phases``, from the year the phase comes online (the first phase's year is
    operation year 1); the run folder itself holds the last.

    Parameters
    ----------
    tables : RunFolder
        See :func:`read_run`.
    site_id : str
        A site of the run.
    finance : Finance
        Assumptions (for the project life of site development).

    Returns
    -------
    SiteBasis
    """
    basis = _plant_basis(tables, site_id, finance)
    phases = tables.scenario.sites[site_id].data_center.phases
    if not phases:
        return basis
    earlier = [_plant_basis(tables.phase(site_id, p.year), site_id, finance) for p in phases[:-1]]
    first, *later = [*earlier, basis]
    first.later_phases = [
        (phase.year - phases[0].year + 1, stage)
        for phase, stage in zip(phases[1:], later, strict=True)
    ]
    return first


def _plant_basis(tables: RunFolder, site_id: str, finance: Finance) -> SiteBasis:
    """Collect the year-1 quantities of the plant of one run folder (one phase), as above."""
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
        grid_cost_usd=(
            grid_cost_usd(d["time"], served_mw, w, site.money.comparison_tariff)
            if site.money.comparison_tariff is not None
            else None
        ),
        money=site.money,
    )


# --------------------------------------------------------------------------- cash flows


#: Asset kinds depreciated for tax as buildings and structures; the rest is equipment.
STRUCTURE_KINDS = ("site",)


def cash_flows(
    basis: SiteBasis, finance: Finance, wacc: float, price_usd_per_mwh: float | None = None
) -> pd.DataFrame:
    """Year-by-year cash flows of one site over construction and operation.

    Parameters
    ----------
    basis : SiteBasis
        Year-1 quantities (:func:`site_basis`), with the site's money (tax).
    finance : Finance
        Assumptions.
    wacc : float
        Real weighted average cost of capital (for the discount-factor column). [1/yr]
    price_usd_per_mwh : float, optional
        Flat real price of the energy delivered; default as ``finance.revenue_basis`` says:
        the required tariff (:func:`required_tariff`), the PPA price, or none (grid tariff
        or no revenue). [USD/MWh]

    Returns
    -------
    pd.DataFrame
        One row per year (see the module conventions). ``year`` (construction <= 0 < operation),
        ``phase``; real USD: ``capex_usd, replacement_usd, fuel_usd, carbon_usd, fixed_om_usd,
        variable_om_usd, startup_usd, grid_energy_usd`` (energy imported over a grid
        connection), ``backup_fuel_usd`` (liquid fuel of gas-supply outages, expected per
        year, with its carbon cost), ``salvage_usd`` (a credit, positive), ``total_cost_usd``
        (capex + replacement + operating costs - salvage), ``grid_cost_usd`` (the delivered
        load bought at the site's comparison tariff; 0 without one), ``revenue_usd``,
        ``net_cash_flow_usd`` (revenue - total cost, pre-tax); energy [MWh]: ``energy_mwh``
        (delivered to the data center), ``it_energy_mwh``, ``pv_mwh``, ``pv_makeup_mwh``
        (degraded PV energy made up by gas); ``co2_t`` [t]; ``inflation_index`` and
        ``discount_factor`` (real WACC) [-]; nominal USD: ``capex_usd_nominal,
        ebitda_usd_nominal, tax_depreciation_usd_nominal, taxable_income_usd_nominal``
        (after interest and losses carried forward), ``tax_usd_nominal,
        cfads_usd_nominal`` (after tax), ``debt_draw_usd_nominal, interest_usd_nominal``
        (capitalized during construction), ``principal_usd_nominal,
        debt_service_usd_nominal, debt_balance_usd_nominal`` (end of year),
        ``equity_cash_flow_usd_nominal``; ``dscr`` [-] (NaN without debt service).
        ``attrs["units"]`` maps every column to its unit; ``attrs["price_usd_per_mwh"]`` is
        the flat price used (None for the grid tariff or no revenue).
    """
    if price_usd_per_mwh is None:
        if finance.revenue_basis == "required_tariff":
            price_usd_per_mwh = required_tariff(basis, finance, wacc)
        elif finance.revenue_basis == "ppa":
            price_usd_per_mwh = float(finance.ppa_usd_per_mwh or 0.0)
    n_build = len(finance.capex_schedule)
    years = np.arange(1 - n_build, finance.project_life_yr + 1)
    op = years >= 1

    capex, replacement, salvage, structures = _capital_flows(basis, finance, years)
    pv, makeup, energy = _delivered_energy(basis, finance, years, op)
    escalation = _escalation(finance.price_escalation_real, years, op)
    costs = _operating_costs(basis, finance, years, op, makeup, escalation)
    operating = sum(costs.values())
    total_cost = capex + replacement + operating - salvage
    grid, revenue = _revenue(basis, finance, years, energy, escalation, price_usd_per_mwh)

    inflation = (1.0 + finance.inflation) ** years.astype(float)
    capex_nominal = capex * inflation
    ebitda = (revenue - operating) * inflation * op
    depreciation, residual = _tax_depreciation(
        basis.money, years, inflation, capex, replacement, structures
    )
    after_tax = _debt_and_tax(
        basis.money,
        finance,
        years,
        capex_nominal,
        ebitda,
        replacement * inflation * op,
        depreciation,
        salvage[-1] * inflation[-1] - residual,
    )
    # A later phase's capital, spent in an operation year, is paid by equity.
    equity = np.where(
        op,
        after_tax["cfads_usd_nominal"]
        - after_tax["debt_service_usd_nominal"]
        + salvage * inflation
        - capex_nominal,
        after_tax["debt_draw_usd_nominal"] - capex_nominal,
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
            "it_energy_mwh": basis.yearly(years, "it_energy_mwh"),
            "pv_mwh": pv,
            "pv_makeup_mwh": makeup,
            "co2_t": basis.yearly(years, "co2_t")
            + makeup * basis.yearly(years, "makeup_co2_t_per_mwh"),
            "grid_cost_usd": grid,
            "revenue_usd": revenue,
            "net_cash_flow_usd": revenue - total_cost,
            "inflation_index": inflation,
            "discount_factor": discount_factors(wacc, years),
            "capex_usd_nominal": capex_nominal,
            "ebitda_usd_nominal": ebitda,
            "tax_depreciation_usd_nominal": depreciation,
            **after_tax,
            "equity_cash_flow_usd_nominal": equity,
        }
    )
    flows.attrs["units"] = column_units(flows.columns)
    flows.attrs["price_usd_per_mwh"] = price_usd_per_mwh
    return flows


def required_tariff(basis: SiteBasis, finance: Finance, wacc: float) -> float | None:
    """Flat real price of the delivered energy at which the equity IRR meets its target.

    The equity cash flow's NPV at ``finance.target_equity_irr_nominal`` rises with the price
    (more revenue, after tax, and more debt the DSCR allows), so its root is found by
    bracketing and Brent's method.

    Parameters
    ----------
    basis : SiteBasis
        Year-1 quantities of the site.
    finance : Finance
        Assumptions (target equity IRR, debt, tax timing).
    wacc : float
        Real WACC (only for the discount-factor column). [1/yr]

    Returns
    -------
    float or None
        The required tariff [USD/MWh, real, of the price basis]; None if the site delivers
        no energy. 0 if the equity IRR meets the target without revenue.
    """
    if basis.energy_mwh <= 0:
        return None
    target = finance.target_equity_irr_nominal

    def equity_npv(price: float) -> float:
        flows = cash_flows(basis, finance, wacc, price)
        return npv(target, flows["year"].to_numpy(), flows["equity_cash_flow_usd_nominal"])

    if equity_npv(0.0) >= 0:
        return 0.0
    high = 100.0
    while equity_npv(high) < 0:
        high *= 2.0
        if high > 1e7:
            return None
    return float(brentq(equity_npv, 0.0, high, xtol=1e-9, rtol=1e-12))


def _escalation(rate: float, years: np.ndarray, op: np.ndarray) -> np.ndarray:
    """Return the real escalation index [-] of each year: 1 in operation year 1, 0 before."""
    return np.where(op, (1.0 + rate) ** (years - 1.0), 0.0)


def _capital_flows(
    basis: SiteBasis, finance: Finance, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Capital spent and recovered per year of ``years``.

    The first phase's plant (the whole plant of a site built at once) is spent over the
    construction years; a later phase's additions (each asset's cost above the phase
    before's) at the end of the operation year before the phase comes online. Each asset
    is rebuilt at the end of its lifetime and worth its straight-line value left at the end.

    Returns
    -------
    capex, replacement, salvage : np.ndarray
        Overnight capex (construction years and later phases), rebuilt assets and PV
        inverters, and the straight-line value left at the end of the last year (a credit,
        positive). [USD, real]
    structures : dict of np.ndarray
        The ``capex`` and ``replacement`` of buildings and structures (asset kinds in
        :data:`STRUCTURE_KINDS`), for tax depreciation. [USD, real]
    """
    n_build = len(finance.capex_schedule)
    life = finance.project_life_yr
    at = {int(y): i for i, y in enumerate(years)}
    schedule = np.zeros(len(years))
    schedule[:n_build] = finance.capex_schedule
    capex = np.zeros(len(years))
    replacement = np.zeros(len(years))
    salvage = np.zeros(len(years))
    structures = {"capex": np.zeros(len(years)), "replacement": np.zeros(len(years))}
    before: dict[str, float] = {}
    pv_before = 0.0
    for start, stage in basis.stages():
        built_in = 0 if start == 1 else start - 1
        spent = schedule if start == 1 else np.where(years == built_in, 1.0, 0.0)
        for asset in stage.assets.itertuples():
            cost = float(asset.capex_usd) - before.get(asset.technology, 0.0)
            if cost <= 0:
                continue
            capex += cost * spent
            if asset.kind in STRUCTURE_KINDS:
                structures["capex"] += cost * spent
            lifetime = float(asset.lifetime_yr)
            vintages = _vintages(cost, lifetime, life - built_in, finance.replacement_cost_fraction)
            for year, rebuilt in vintages[1:]:
                replacement[at[built_in + year]] += rebuilt
                if asset.kind in STRUCTURE_KINDS:
                    structures["replacement"][at[built_in + year]] += rebuilt
            for built, value in vintages:
                remaining = lifetime - (life - built_in - built)
                salvage[at[life]] += value * max(remaining, 0.0) / lifetime
        before = dict(zip(stage.assets["technology"], stage.assets["capex_usd"], strict=True))
        pv_usd = _pv_capex_usd(stage)
        _add_inverter_replacements(pv_usd - pv_before, finance, at, replacement, salvage, built_in)
        pv_before = pv_usd
    return capex, replacement, salvage, structures


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


def _pv_capex_usd(stage: SiteBasis) -> float:
    """Return the overnight cost of a plant's degrading (PV) assets [USD]."""
    degrading = [tech.kind for tech in techs.technologies() if tech.degrades]
    return float(stage.assets.loc[stage.assets["kind"].isin(degrading), "capex_usd"].sum())


def _add_inverter_replacements(
    pv_capex_usd: float,
    finance: Finance,
    at: dict[int, int],
    replacement: np.ndarray,
    salvage: np.ndarray,
    built_in: int = 0,
) -> None:
    """Add the periodic inverter replacements [USD] of PV built in a year, and their salvage.

    ``pv_capex_usd`` is the PV's overnight cost [USD], ``built_in`` the year it is built
    (0 = COD); replacements fall every ``pv_inverter_replacement_year`` years from then.
    """
    life = finance.project_life_yr
    every = finance.pv_inverter_replacement_year
    inverter = finance.pv_inverter_replacement_share * max(pv_capex_usd, 0.0)
    if inverter > 0:
        for year in range(built_in + every, life, every):
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
    # PV a later phase adds degrades from COD too (slightly conservative).
    degradation = np.where(op, (1.0 - finance.pv_degradation_per_yr) ** (years - 1.0), 0.0)
    first_year_pv = basis.yearly(years, "pv_mwh")
    pv = first_year_pv * degradation
    lost = np.where(op, first_year_pv - pv, 0.0)
    makeup = np.where(basis.yearly(years, "has_gas") > 0, lost, 0.0)
    energy = basis.yearly(years, "energy_mwh") - (lost - makeup)
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
        startup_usd, grid_energy_usd, backup_fuel_usd, water_usd``, in that order.
    """
    opex = {c: basis.yearly(years, lambda b, c=c: b.opex_usd[c]) for c in OPEX_COLUMNS}
    fuel_escalation = _escalation(finance.fuel_escalation_real, years, op)
    carbon_escalation = _escalation(finance.carbon_price_escalation_real, years, op)
    om = _escalation(finance.om_escalation_real, years, op)
    fuel, carbon, vom = (
        basis.yearly(years, f"makeup_{name}_usd_per_mwh") for name in ("fuel", "carbon", "vom")
    )
    return {
        "fuel_usd": (opex["fuel"] + makeup * fuel) * fuel_escalation,
        "carbon_usd": (opex["carbon"] + makeup * carbon) * carbon_escalation,
        "fixed_om_usd": opex["fixed_om"] * om,
        "variable_om_usd": (opex["variable_om"] + makeup * vom) * om,
        "startup_usd": opex["startup"] * om,
        # Energy imported over a grid connection follows the tariff's real path.
        "grid_energy_usd": opex["grid_energy"] * price,
        "backup_fuel_usd": opex["backup_fuel"] * fuel_escalation,
        # The cooling water's tariff, held at its real level as O&M is.
        "water_usd": opex["water"] * om,
    }


def _revenue(
    basis: SiteBasis,
    finance: Finance,
    years: np.ndarray,
    energy: np.ndarray,
    escalation: np.ndarray,
    price_usd_per_mwh: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Price the delivered load at the comparison tariff, and as the revenue basis says.

    Parameters
    ----------
    price_usd_per_mwh : float or None
        Flat real price (required tariff or PPA); None: the grid tariff or no revenue.

    Returns
    -------
    grid, revenue : np.ndarray
        Per year; ``grid`` is 0 at a site without a comparison tariff. [USD, real]
    """
    zeros = np.zeros(len(energy))
    # The comparison tariff's cost of each phase's year-1 load, scaled as the energy falls.
    base = basis.yearly(years, "energy_mwh")
    share = np.divide(energy, base, out=zeros.copy(), where=base > 0)
    grid = basis.yearly(years, lambda b: b.grid_cost_usd or 0.0) * escalation * share
    if price_usd_per_mwh is not None:
        return grid, price_usd_per_mwh * energy * escalation
    return grid, grid if finance.revenue_basis == "grid_tariff" else zeros


def tax_depreciation(placed: np.ndarray, rate: float, method: str) -> tuple[np.ndarray, float]:
    """Tax depreciation of capital placed in service year by year.

    Capital placed in service in year ``i`` (its end) is depreciated from year ``i + 1``:
    by ``rate`` x its cost until written off (straight line), or by ``rate`` x what is left
    of it (declining balance).

    Parameters
    ----------
    placed : np.ndarray
        Capital placed in service at the end of each year. [USD, nominal]
    rate : float
        Depreciation rate. [1/yr]
    method : {"straight_line", "declining_balance"}

    Returns
    -------
    depreciation : np.ndarray
        Deduction per year. [USD, nominal]
    residual : float
        Tax value left after the last year. [USD, nominal]
    """
    depreciation = np.zeros(len(placed))
    left = np.zeros(len(placed))  # tax value left of each vintage
    for year in range(len(placed)):
        if method == "straight_line":
            charge = np.minimum(rate * np.asarray(placed, float), left)
        else:
            charge = rate * left
        depreciation[year] = charge.sum()
        left -= charge
        left[year] += placed[year]
    return depreciation, float(left.sum())


def income_tax(taxable: np.ndarray, rate: float, carryforward_yr: int | None) -> np.ndarray:
    """Income tax per year, with losses carried forward (oldest first) and none carried back.

    Parameters
    ----------
    taxable : np.ndarray
        Taxable income of each year before losses; negative is a loss. [USD, nominal]
    rate : float
        Income tax rate. [-]
    carryforward_yr : int or None
        Years a loss may be set against later profits; None = without limit.

    Returns
    -------
    np.ndarray
        Tax paid per year (never negative). [USD, nominal]
    """
    tax = np.zeros(len(taxable))
    losses: list[list[float]] = []  # [year of the loss, amount left]
    for year, income in enumerate(np.asarray(taxable, float)):
        if income < 0:
            losses.append([year, -income])
            continue
        for loss in losses:
            if carryforward_yr is not None and year - loss[0] > carryforward_yr:
                loss[1] = 0.0
            used = min(loss[1], income)
            loss[1] -= used
            income -= used
        losses = [loss for loss in losses if loss[1] > 0]
        tax[year] = rate * income
    return tax


def sculpted_debt(
    cfads: np.ndarray, years: np.ndarray, rate: float, dscr: float, tenor_yr: int
) -> tuple[float, np.ndarray]:
    """Debt that a target DSCR supports, repaid in step with the cash flow (sculpted).

    Debt service in operation years ``1 .. tenor_yr`` is ``max(CFADS, 0) / dscr``; the debt
    at the operation date (year 0) is that service discounted at the interest rate, so it is
    repaid exactly by the end of the tenor.

    Parameters
    ----------
    cfads : np.ndarray
        Cash flow available for debt service of each year. [USD, nominal]
    years : np.ndarray
        Year of each entry (operation years >= 1).
    rate : float
        Interest rate. [1/yr]
    dscr : float
        Target debt service cover ratio. [-]
    tenor_yr : int
        Repayment period. [yr]

    Returns
    -------
    debt : float
        Debt at the operation date. [USD, nominal]
    service : np.ndarray
        Debt service of each year. [USD, nominal]
    """
    repaying = (years >= 1) & (years <= tenor_yr)
    service = np.where(repaying, np.maximum(np.asarray(cfads, float), 0.0) / dscr, 0.0)
    return float(np.sum(service * discount_factors(rate, years))), service


def _tax_depreciation(
    money: SiteMoney,
    years: np.ndarray,
    inflation: np.ndarray,
    capex: np.ndarray,
    replacement: np.ndarray,
    structures: dict[str, np.ndarray],
) -> tuple[np.ndarray, float]:
    """Tax depreciation of equipment and of structures at the site's rates.

    The construction capex enters service at COD (year 0) at its nominal cost; a later
    phase's capex and each replacement at the end of its year.

    Returns
    -------
    depreciation : np.ndarray
        Per year. [USD, nominal]
    residual : float
        Tax value left at the end of the project. [USD, nominal]
    """
    cod = int(np.flatnonzero(years == 0)[0])

    def placed(built: np.ndarray, rebuilt: np.ndarray) -> np.ndarray:
        nominal = (rebuilt + np.where(years > 0, built, 0.0)) * inflation
        nominal[cod] += float(np.sum(np.where(years <= 0, built, 0.0) * inflation))
        return nominal

    method = money.tax_depreciation_method
    equipment, left_equipment = tax_depreciation(
        placed(capex - structures["capex"], replacement - structures["replacement"]),
        money.tax_depreciation_rate_equipment,
        method,
    )
    built, left_built = tax_depreciation(
        placed(structures["capex"], structures["replacement"]),
        money.tax_depreciation_rate_structures,
        method,
    )
    return equipment + built, left_equipment + left_built


def _debt_and_tax(
    money: SiteMoney,
    finance: Finance,
    years: np.ndarray,
    capex_nominal: np.ndarray,
    ebitda: np.ndarray,
    replacement: np.ndarray,
    depreciation: np.ndarray,
    disposal_gain: float,
) -> dict[str, np.ndarray]:
    """Income tax, CFADS and sculpted debt, solved together (interest is deductible).

    Debt is drawn in proportion to each construction year's capex, interest during
    construction capitalized; its size at COD is the smaller of what the target DSCR
    supports (:func:`sculpted_debt`) and ``max_gearing`` of the capex with its capitalized
    interest. Tax depends on the interest and the debt on the after-tax CFADS: the two are
    iterated to a fixed point (a cent).

    Parameters
    ----------
    ebitda : np.ndarray
        Revenue minus operating costs, operation years. [USD, nominal]
    replacement : np.ndarray
        Replacement capex of operation years, paid from the cash flow. [USD, nominal]
    depreciation : np.ndarray
        Tax depreciation. [USD, nominal]
    disposal_gain : float
        Salvage minus the tax value left, taxed in the last year. [USD, nominal]

    Returns
    -------
    dict of np.ndarray
        ``taxable_income_usd_nominal, tax_usd_nominal, cfads_usd_nominal,
        debt_draw_usd_nominal, interest_usd_nominal, principal_usd_nominal,
        debt_service_usd_nominal, debt_balance_usd_nominal`` [USD, nominal] and ``dscr`` [-].
    """
    rate = finance.debt_interest_rate
    op = years >= 1
    build = ~op
    # Debt at COD per unit of gearing: each year's draw grows with capitalized interest.
    capacity = float(np.sum(capex_nominal[build] * (1.0 + rate) ** (-years[build])))
    tax_rate = money.corporate_tax_rate or 0.0
    interest = np.zeros(len(years))
    for _ in range(200):
        taxable = np.where(op, ebitda - depreciation - interest, 0.0)
        taxable[-1] += disposal_gain
        tax = income_tax(taxable, tax_rate, money.tax_loss_carryforward_yr)
        cfads = np.where(op, ebitda - replacement - tax, 0.0)
        supported, service = sculpted_debt(
            cfads, years, rate, finance.target_dscr_min, finance.debt_tenor_yr
        )
        debt = min(supported, finance.max_gearing * capacity)
        if supported > 0:
            service = service * (debt / supported)
        flows = _debt_schedule(
            years, capex_nominal, debt / capacity if capacity else 0.0, rate, service
        )
        if np.allclose(flows["interest_usd_nominal"], interest, rtol=0.0, atol=1e-2):
            break
        interest = flows["interest_usd_nominal"]
    return {
        "taxable_income_usd_nominal": taxable,
        "tax_usd_nominal": tax,
        "cfads_usd_nominal": cfads,
        **flows,
        "dscr": debt_service_cover(cfads, service),
    }


def debt_service_cover(cfads: np.ndarray, service: np.ndarray) -> np.ndarray:
    """Return the debt service cover ratio of each year, NaN without debt service [-]."""
    paying = service > 0
    return np.divide(cfads, service, out=np.full(len(service), np.nan), where=paying)


def _debt_schedule(
    years: np.ndarray, capex_nominal: np.ndarray, gearing: float, rate: float, service: np.ndarray
) -> dict[str, np.ndarray]:
    """Draws (``gearing`` x capex), capitalized interest, then the given service repays it."""
    n = len(years)
    draw, interest, principal, balance = (np.zeros(n) for _ in range(4))
    owed = 0.0
    for i, year in enumerate(years):
        interest[i] = owed * rate
        if year <= 0:
            draw[i] = gearing * capex_nominal[i]
            owed += interest[i] + draw[i]
        else:
            principal[i] = service[i] - interest[i]
            owed -= principal[i]
            if abs(owed) < 1e-6:
                owed = 0.0
        balance[i] = owed
    return {
        "debt_draw_usd_nominal": draw,
        "interest_usd_nominal": interest,
        "principal_usd_nominal": principal,
        "debt_service_usd_nominal": service,
        "debt_balance_usd_nominal": balance,
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
    total["dscr"] = debt_service_cover(
        total["cfads_usd_nominal"].to_numpy(), total["debt_service_usd_nominal"].to_numpy()
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
    out["dscr_avg"] = (
        float(with_debt["cfads_usd_nominal"].sum() / with_debt["debt_service_usd_nominal"].sum())
        if (dscr and revenue_given)
        else None
    )
    out["gearing"] = _ratio(
        float(flows["debt_draw_usd_nominal"].sum()), float(flows["capex_usd_nominal"].sum())
    )
    out["tax_usd_nominal_total"] = float(flows["tax_usd_nominal"].sum())
    return out


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


#: Figures that compare with a grid tariff: None where a site has no tariff.
GRID_FIGURES = (
    "grid_cost_usd_per_yr",
    "grid_price_usd_per_mwh",
    "savings_vs_grid_usd_per_yr",
    "savings_vs_grid_levelized_usd_per_yr",
    "npv_savings_vs_grid_usd",
)


def _year1_figures(bases: list[SiteBasis]) -> dict:
    """Figures of the dispatched year (operation year 1), summed over the given sites."""
    annual_cost = sum(b.annual_cost_usd for b in bases)
    energy = sum(b.energy_mwh for b in bases)
    it = sum(b.it_energy_mwh for b in bases)
    co2 = sum(b.co2_t for b in bases)
    grid = sum(b.grid_cost_usd or 0.0 for b in bases)
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


def _figures(bases: list[SiteBasis], flows: pd.DataFrame, finance: Finance, wacc: float) -> dict:
    """Year-1 figures and :func:`metrics` of one site or of sites combined."""
    figures = _year1_figures(bases)
    # Overnight capital of the whole plant: every phase's, if built in phases.
    figures["capex_usd"] = float(flows["capex_usd"].sum())
    figures.update(metrics(flows, finance, wacc))
    figures["savings_vs_grid_levelized_usd_per_yr"] = (
        figures["grid_cost_usd_per_yr"] - figures["levelized_cost_usd_per_yr"]
    )
    if any(b.grid_cost_usd is None for b in bases):
        figures.update(dict.fromkeys(GRID_FIGURES))
    year1 = flows[flows["year"] == 1]
    figures["price_usd_per_mwh"] = _ratio(
        float(year1["revenue_usd"].sum()), float(year1["energy_mwh"].sum())
    )
    return figures


def _site_money(basis: SiteBasis, flows: pd.DataFrame, finance: Finance) -> dict:
    """Return a site's currency, tax and required tariff; ``notes`` say what is not known."""
    money = basis.money
    price = flows.attrs.get("price_usd_per_mwh")
    required = price if finance.revenue_basis == "required_tariff" else None
    notes = []
    if money.country is None:
        notes.append("no country given: figures in USD, no tax, no grid tariff")
    if money.corporate_tax_rate is None:
        notes.append("no corporate tax rate known: cash flows are pre-tax")
    if money.comparison_tariff is None:
        notes.append(
            "no grid tariff known for this site: no comparison with the grid"
            + (
                ", and no revenue (revenue_basis grid_tariff)"
                if finance.revenue_basis == "grid_tariff"
                else ""
            )
        )
    return {
        "country": money.country,
        "currency": money.currency,
        "local_per_usd": money.local_per_usd,
        "exchange_rate_date": money.exchange_rate_date,
        "tax_rate": money.corporate_tax_rate,
        "tax_depreciation_method": money.tax_depreciation_method,
        "comparison_tariff": (
            money.comparison_tariff.tariff if money.comparison_tariff is not None else None
        ),
        "required_tariff_usd_per_mwh": required,
        "required_tariff_local_per_kwh": (
            required * money.local_per_usd / 1000.0 if required is not None else None
        ),
        "notes": notes,
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
        fields), ``sites`` (per site: its money (``currency``, ``tax_rate``,
        ``required_tariff_usd_per_mwh`` and in local currency per kWh, ``notes`` on what is
        not known), ``equity_irr`` (nominal), ``min_dscr``, year-1 figures such as
        ``cost_usd_per_mwh_it``, ``savings_vs_grid_usd_per_yr`` = grid cost of the delivered
        load minus the run's annual cost (None without a tariff), plus everything of
        :func:`metrics`) and ``totals`` (the same over all sites, from the summed cash
        flows). Plain JSON types; undefined figures are None.
    """
    tables = read_run(source)
    finance = finance if finance is not None else tables.scenario.finance
    wacc = tables.scenario.economics.wacc
    sites, bases, frames = {}, [], []
    for site_id in tables.scenario.sites:
        basis = site_basis(tables, site_id, finance)
        flows = cash_flows(basis, finance, wacc)
        figures = _site_money(basis, flows, finance)
        figures.update(_figures([basis], flows, finance, wacc))
        figures["price_basis_year"] = tables.scenario.economics.price_basis_year
        figures["equity_irr"] = figures["equity_irr_nominal"]
        figures["min_dscr"] = figures["dscr_min"]
        plant = basis.stages()[-1][1]  # the plant complete (the last phase's)
        figures["capex_by_technology_usd"] = dict(
            zip(plant.assets["technology"], plant.assets["capex_usd"], strict=True)
        )
        sites[site_id] = figures
        bases.append(basis)
        frames.append(flows)
    totals = _figures(bases, combine(frames), finance, wacc)
    summary = {
        "conventions": (
            f"Real USD of {tables.scenario.economics.price_basis_year} (the price basis), year 0 "
            "= commercial operation date; nominal = "
            "real x (1 + inflation)^year. End-of-year flows, NPV at year 0, real WACC for real "
            "flows. Income tax on nominal profit (each site's country: rate, tax depreciation, "
            "losses carried forward; interest deductible); debt sized by the target DSCR with "
            "a sculpted repayment, within the maximum gearing. Project IRR and NPV are "
            "pre-tax and unlevered; the equity IRR is after tax and debt, nominal. Degraded "
            "PV energy made up by gas at its marginal cost. Revenue: "
            f"{finance.revenue_basis}."
        ),
        "price_basis_year": tables.scenario.economics.price_basis_year,
        "cost_basis": tables.scenario.economics.cost_basis,
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
