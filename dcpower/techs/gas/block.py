"""Gas units of one catalogue type: integer units built, hourly commitment, part-load fuel.

Fuel follows a straight-line input-output curve: each committed unit burns a no-load share
of its full-load fuel, plus an incremental heat rate per MWh produced, both scaled by the
hour's ambient heat-rate factor. Available output per unit is the ISO rating times the
hour's ambient derating.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from dcpower.techs.base import (
    UnitGroup,
    add_linear_rows,
    annual_count,
    annual_sum,
    capital_recovery_factor,
    previous,
    values,
    window_values,
    zero_result,
)
from dcpower.techs.contract import Readback
from dcpower.techs.gas.spec import TANK_KIND, backup_tank_id
from dcpower.units import MMBTU_PER_MWH

if TYPE_CHECKING:  # pragma: no cover
    from dcpower.optimization.build import SiteInputs
    from dcpower.techs.gas.spec import GasTech


@dataclass(frozen=True, slots=True)
class BackupFuelTerms:
    """Liquid backup fuel of a dual-fuel unit type in gas-supply outage windows.

    Attributes
    ----------
    tank_capex_usd_per_mmbtu : float
        Overnight capital cost of tank capacity, HHV. [USD/MMBtu]
    tank_fom_fraction_per_yr : float
        Fixed O&M as a share of tank capex. [1/yr]
    tank_lifetime_yr : float
        Economic lifetime of the tank. [yr]
    fuel_cost_usd_per_mmbtu : float
        Liquid fuel price plus its carbon cost, HHV. [USD/MMBtu]
    events_per_yr : float
        Expected gas-supply interruptions per year; the windows share them equally. [1/yr]
    """

    tank_capex_usd_per_mmbtu: float
    tank_fom_fraction_per_yr: float
    tank_lifetime_yr: float
    fuel_cost_usd_per_mmbtu: float
    events_per_yr: float


@dataclass(frozen=True, slots=True)
class GasSiteTerms:
    """What a gas block needs to know about its site and run.

    Attributes
    ----------
    available_factor : np.ndarray
        Available output as a share of ISO rating, per time step. [-]
    heat_rate_factor : np.ndarray
        Heat rate relative to ISO, per time step. [-]
    design_factor : float
        Available output share at the site's design (hottest) temperature. [-]
    gas_price_usd_per_mmbtu : float
        Delivered gas price, HHV. [USD/MMBtu]
    carbon_price_usd_per_t : float
        Carbon price. [USD/tCO2]
    co2_t_per_mmbtu : float
        Emission factor, HHV. [tCO2/MMBtu]
    wacc : float
        Real discount rate. [1/yr]
    integer_commitment : bool
        Committed units integer (True) or continuous (False).
    max_units : int
        Upper bound on units built (the catalogue bound, tightened to what can be useful).
    backup : BackupFuelTerms or None
        Liquid backup fuel, for a dual-fuel type in a model with gas-supply outage windows.
    maintenance_units : np.ndarray or None
        Units out for planned maintenance per step (the full-year dispatch's). [-]
    """

    available_factor: np.ndarray
    heat_rate_factor: np.ndarray
    design_factor: float
    gas_price_usd_per_mmbtu: float
    carbon_price_usd_per_t: float
    co2_t_per_mmbtu: float
    wacc: float
    integer_commitment: bool
    max_units: int
    maintenance_units: np.ndarray | None = None
    backup: BackupFuelTerms | None = None


def site_terms(m: pyo.ConcreteModel, tech_id: str, tech: GasTech, inp: SiteInputs) -> GasSiteTerms:
    """Return what a gas block of one type needs from its site's inputs.

    Backup fuel applies to a dual-fuel type in a model with gas-supply outage windows.
    """
    windows = getattr(m, "outage_windows", None) or []
    has_gas_windows = any(window.kind == "gas" for window in windows)
    design_factor = inp.design_factor[tech_id]
    profile = inp.profiles[tech_id]
    return GasSiteTerms(
        available_factor=profile["available_factor"],
        heat_rate_factor=profile["heat_rate_factor"],
        design_factor=design_factor,
        gas_price_usd_per_mmbtu=inp.site.gas_price_usd_per_mmbtu,
        carbon_price_usd_per_t=inp.site.carbon_price_usd_per_t,
        co2_t_per_mmbtu=inp.economics.co2_kg_per_mmbtu / 1000,
        wacc=inp.economics.wacc,
        integer_commitment=inp.integer_commitment,
        maintenance_units=inp.maintenance_units.get(tech_id),
        max_units=useful_units(
            tech,
            min(design_factor, float(np.min(profile["available_factor"]))),
            max(inp.design_load_mw, float(np.max(inp.load_mw))),
            inp.reliability.redundancy_k,
        ),
        backup=(
            backup_terms(inp)
            if tech.dual_fuel and (has_gas_windows or inp.reliability.on_site_fuel_h > 0)
            else None
        ),
    )


def backup_terms(inp: SiteInputs) -> BackupFuelTerms:
    """Backup fuel costs of a site: tank, fuel price plus the site's carbon price."""
    fuel = inp.backup_fuel
    if fuel is None:
        raise ValueError(f"site '{inp.site_id}': dual-fuel gas units need SiteInputs.backup_fuel")
    return BackupFuelTerms(
        tank_capex_usd_per_mmbtu=fuel.tank_capex_usd_per_mmbtu,
        tank_fom_fraction_per_yr=fuel.tank_fom_fraction_per_yr,
        tank_lifetime_yr=fuel.tank_lifetime_yr,
        fuel_cost_usd_per_mmbtu=fuel.fuel_price_usd_per_mmbtu
        + inp.site.carbon_price_usd_per_t * fuel.co2_kg_per_mmbtu / 1000,
        events_per_yr=inp.reliability.gas_outage_events_per_yr,
    )


def useful_units(tech: GasTech, design_factor: float, design_load_mw: float, k: int) -> int:
    """Most units of one type a least-cost plan can use.

    Enough to carry the larger of the design load and the hourly peak alone at the lowest
    net output share (design ambient or hottest hour), plus the redundant ones (at least
    one, for hourly N-1).

    Any further unit of the same type only adds cost, so this bound is exact; it tightens the
    "type is built" big-M rows, which speeds up the MIP a great deal.
    """
    carry = math.ceil(design_load_mw / (tech.unit_mw * design_factor) - 1e-9)
    return min(tech.max_units, carry + max(k, 1))


def add_block(m: pyo.ConcreteModel, tech_id: str, tech: GasTech, site: GasSiteTerms) -> pyo.Block:
    """Add one gas unit type: number built, hourly commitment, output, fuel, start-ups.

    Parameters
    ----------
    m : pyo.ConcreteModel
        Site model (set ``T``, ``duration_h``, ``weight_h``, registry).
    tech_id : str
        Unit type id, used as block name and cost label.
    tech : GasTech
        Unit rating, costs and performance.
    site : GasSiteTerms
        Ambient factors, fuel and carbon prices, commitment mode.
    """
    b = pyo.Block()
    m.add_component(tech_id, b)
    avail_mw = tech.unit_mw * np.asarray(site.available_factor, dtype=float)
    hr_factor = np.asarray(site.heat_rate_factor, dtype=float)
    online_domain = pyo.NonNegativeIntegers if site.integer_commitment else pyo.NonNegativeReals
    _add_commitment(m, b, tech, site, avail_mw, online_domain)
    # In outage windows the units run where gas flows (grid outages), and a dual-fuel type
    # with a backup tank also in gas-supply outages.
    running = []
    if hasattr(m, "OW"):
        running = list(m.OW) if site.backup is not None else m.outage_available["gas"]
    if running:
        _add_outage_operation(m, b, tech, avail_mw, online_domain, site.max_units, running)
    fuel_curve = _fuel_curve(tech)
    no_load_mmbtu_per_h, incremental_mmbtu_per_mwh = fuel_curve
    b.fuel_mmbtu_per_h = pyo.Expression(
        m.T,
        rule=lambda b, t: (
            float(hr_factor[t])
            * (no_load_mmbtu_per_h * b.units_online[t] + incremental_mmbtu_per_mwh * b.power_mw[t])
        ),
    )
    _register_costs(m, b, tech_id, tech, site, outage_power=bool(running))
    if site.backup is not None:
        _add_backup_fuel(m, b, tech_id, tech, site, hr_factor, fuel_curve)
    unit_heat_mw = None
    if tech.heat_recovery_fraction > 0:
        # Heat [MW_th] = recoverable share x fuel [MMBtu/h] / MMBtu per MWh.
        heat_per_fuel = tech.heat_recovery_fraction * hr_factor / MMBTU_PER_MWH
        m.registry.heat_recovered_mw += [
            (heat_per_fuel * no_load_mmbtu_per_h, b.units_online),
            (heat_per_fuel * incremental_mmbtu_per_mwh, b.power_mw),
        ]
        unit_heat_mw = heat_per_fuel * (no_load_mmbtu_per_h + incremental_mmbtu_per_mwh * avail_mw)
    m.registry.unit_groups.append(
        UnitGroup(
            name=tech_id,
            units_built=b.units_built,
            units_online=b.units_online,
            power_mw=b.power_mw,
            unit_available_mw=avail_mw,
            unit_design_mw=tech.unit_mw * site.design_factor,
            max_units=site.max_units,
            load_step_fraction=tech.load_step_fraction,
            start_time_min=tech.start_time_min,
            burns_liquid_fuel=tech.dual_fuel,
            maintenance_units=b.maintenance_units,
            unit_heat_mw=unit_heat_mw,
        )
    )
    return b


def _add_commitment(
    m: pyo.ConcreteModel,
    b: pyo.Block,
    tech: GasTech,
    site: GasSiteTerms,
    avail_mw: np.ndarray,
    online_domain: pyo.Set,
) -> None:
    """Add the units built, units online and their output per step, start-ups, ramp limits.

    Parameters
    ----------
    avail_mw : np.ndarray
        Available output of one unit per step. [MW]
    online_domain : pyo.Set
        Domain of the committed units (integer or relaxed).
    """
    b.units_built = pyo.Var(within=pyo.NonNegativeIntegers, bounds=(0, site.max_units))
    b.units_online = pyo.Var(m.T, within=online_domain, bounds=(0, site.max_units))
    b.power_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    b.startups = pyo.Var(m.T, within=pyo.NonNegativeReals)

    online, power = list(b.units_online.values()), list(b.power_mw.values())
    online_before = [online[previous(m, t)] for t in m.T]
    # units online <= units built - units in planned maintenance
    out = np.zeros(len(online)) if site.maintenance_units is None else site.maintenance_units
    b.maintenance_units = np.asarray(out, dtype=float)
    add_linear_rows(
        b,
        "online_le_built",
        m.T,
        [(1, online), (-1, b.units_built)],
        "<=",
        rhs=-b.maintenance_units,
    )
    add_linear_rows(b, "power_max", m.T, [(1, power), (-avail_mw, online)], "<=")
    if tech.min_load_fraction > 0:
        # power >= minimum load x available output x units online
        min_mw = tech.min_load_fraction * avail_mw
        add_linear_rows(b, "power_min", m.T, [(min_mw, online), (-1, power)], "<=")
    # startups >= units online - units online the step before
    startups = list(b.startups.values())
    terms = [(1, online), (-1, online_before), (-1, startups)]
    add_linear_rows(b, "startup_count", m.T, terms, "<=")
    _add_ramp_limits(m, b, tech)


def _fuel_curve(tech: GasTech) -> tuple[float, float]:
    """Straight-line fuel curve of one unit on gas at ISO conditions.

    Returns
    -------
    no_load_mmbtu_per_h : float
        Fuel of a committed unit at no output. [MMBtu/h]
    incremental_mmbtu_per_mwh : float
        Fuel per MWh produced on top. [MMBtu/MWh]
    """
    no_load_mmbtu_per_h = (
        tech.no_load_fuel_fraction * tech.heat_rate_full_load_mmbtu_per_mwh * tech.unit_mw
    )
    incremental_mmbtu_per_mwh = (
        1 - tech.no_load_fuel_fraction
    ) * tech.heat_rate_full_load_mmbtu_per_mwh
    return no_load_mmbtu_per_h, incremental_mmbtu_per_mwh


def _register_costs(
    m: pyo.ConcreteModel,
    b: pyo.Block,
    tech_id: str,
    tech: GasTech,
    site: GasSiteTerms,
    *,
    outage_power: bool,
) -> None:
    """Add the block's output, sizing, capex, annual costs and emissions to the registry.

    ``outage_power``: whether the units also run in outage windows (their output there
    counts in the windows' balance).
    """
    unit_mw = tech.unit_mw
    annual_fuel_mmbtu = annual_sum(m, b.fuel_mmbtu_per_h)
    annuity = capital_recovery_factor(site.wacc, tech.lifetime_yr)
    reg = m.registry
    reg.injections_mw.append(b.power_mw)
    if outage_power:
        reg.outage_injections_mw.append(b.outage_power_mw)
    cost = reg.cost_usd_per_yr
    reg.sizing[f"{tech_id}.units_built"] = b.units_built
    reg.capex_usd[tech_id] = 1e3 * tech.capex_usd_per_kw * unit_mw * b.units_built
    cost[(tech_id, "capex")] = annuity * reg.capex_usd[tech_id]
    cost[(tech_id, "fixed_om")] = 1e3 * tech.fom_usd_per_kw_yr * unit_mw * b.units_built
    reg.fossil_mwh_per_yr[tech_id] = annual_sum(m, b.power_mw)
    if tech.water_m3_per_mwh > 0:
        reg.water_m3_per_yr[tech_id] = tech.water_m3_per_mwh * reg.fossil_mwh_per_yr[tech_id]
    cost[(tech_id, "variable_om")] = tech.vom_usd_per_mwh * reg.fossil_mwh_per_yr[tech_id]
    cost[(tech_id, "fuel")] = site.gas_price_usd_per_mmbtu * annual_fuel_mmbtu
    reg.co2_t_per_yr[tech_id] = site.co2_t_per_mmbtu * annual_fuel_mmbtu
    cost[(tech_id, "carbon")] = site.carbon_price_usd_per_t * reg.co2_t_per_yr[tech_id]
    cost[(tech_id, "startup")] = (
        tech.startup_cost_usd_per_mw * unit_mw * annual_count(m, b.startups)
    )


def _add_backup_fuel(
    m: pyo.ConcreteModel,
    b: pyo.Block,
    tech_id: str,
    tech: GasTech,
    site: GasSiteTerms,
    hr_factor: np.ndarray,
    fuel_curve: tuple[float, float],
) -> None:
    """Liquid fuel tank of a dual-fuel type, full at the start of each gas-supply outage.

    Registered in ``m.registry.fuel_tanks`` (with the type's full-load heat rate) for the
    on-site fuel requirement (``reliability.on_site_fuel_h``), which may ask for a tank
    without any gas-outage window.

    The fuel burnt in each gas-outage window (``fuel_curve``: the part-load curve on gas,
    no-load fuel per unit [MMBtu/h] and incremental heat rate [MMBtu/MWh]) must fit in the
    tank, whose size the model chooses, or that the scenario fixes in hours of full load of
    the built units. The fuel of the windows is costed at the expected number of
    interruptions per year, shared equally by the windows.
    """
    backup = site.backup
    step = getattr(m, "outage_step", None)
    windows = getattr(m, "OW", None) or []
    pairs = [(w, k) for w, k in windows if m.outage_windows[w].kind == "gas"]
    gas_windows = sorted({w for w, _ in pairs})
    no_load_mmbtu_per_h, incremental_mmbtu_per_mwh = fuel_curve
    b.tank_mmbtu = pyo.Var(within=pyo.NonNegativeReals, doc="backup fuel held, HHV [MMBtu]")
    b.outage_backup_fuel_mmbtu_per_h = pyo.Expression(
        pairs,
        rule=lambda b, w, k: (
            float(hr_factor[step[w, k]])
            * (
                no_load_mmbtu_per_h * b.outage_units_online[w, k]
                + incremental_mmbtu_per_mwh * b.outage_power_mw[w, k]
            )
        ),
    )
    burnt = {
        w: sum(
            m.duration_h[step[p]] * b.outage_backup_fuel_mmbtu_per_h[p] for p in pairs if p[0] == w
        )
        for w in gas_windows
    }
    # The tank is refilled between events, so each window starts with it full.
    b.tank_limit = pyo.Constraint(gas_windows, rule=lambda b, w: burnt[w] <= b.tank_mmbtu)
    if tech.backup_fuel_hours is not None:
        b.tank_size = pyo.Constraint(
            expr=b.tank_mmbtu
            == tech.backup_fuel_hours
            * tech.heat_rate_full_load_mmbtu_per_mwh
            * tech.unit_mw
            * b.units_built
        )
    reg = m.registry
    tank_id = backup_tank_id(tech_id)
    reg.sizing[f"{tech_id}.tank_mmbtu"] = b.tank_mmbtu
    reg.resized_in_dispatch.add(f"{tech_id}.tank_mmbtu")
    reg.capex_usd[tank_id] = backup.tank_capex_usd_per_mmbtu * b.tank_mmbtu
    annuity = capital_recovery_factor(site.wacc, backup.tank_lifetime_yr)
    reg.cost_usd_per_yr[(tank_id, "capex")] = annuity * reg.capex_usd[tank_id]
    reg.cost_usd_per_yr[(tank_id, "fixed_om")] = (
        backup.tank_fom_fraction_per_yr * reg.capex_usd[tank_id]
    )
    reg.fuel_tanks.append((b.tank_mmbtu, tech.heat_rate_full_load_mmbtu_per_mwh))
    if gas_windows:
        reg.cost_usd_per_yr[(tech_id, "backup_fuel")] = (
            backup.events_per_yr / len(gas_windows) * backup.fuel_cost_usd_per_mmbtu
        ) * sum(burnt.values())


def _add_outage_operation(
    m: pyo.ConcreteModel,
    b: pyo.Block,
    tech: GasTech,
    avail_mw: np.ndarray,
    online_domain: pyo.Set,
    max_units: int,
    running: list[tuple[int, int]],
) -> None:
    """Operate the units in the outage-window steps in which they run.

    Grid outages, and gas-supply outages for a dual-fuel type with a backup tank. Within
    the units built: committed units, output between minimum load and available output.
    Only backup fuel is costed in windows (an outage is rare next to the year's dispatch).
    """
    step = m.outage_step
    b.outage_units_online = pyo.Var(running, within=online_domain, bounds=(0, max_units))
    b.outage_power_mw = pyo.Var(running, within=pyo.NonNegativeReals)
    b.outage_online_le_built = pyo.Constraint(
        running, rule=lambda b, w, k: b.outage_units_online[w, k] <= b.units_built
    )
    b.outage_power_max = pyo.Constraint(
        running,
        rule=lambda b, w, k: (
            b.outage_power_mw[w, k] <= float(avail_mw[step[w, k]]) * b.outage_units_online[w, k]
        ),
    )
    if tech.min_load_fraction > 0:
        b.outage_power_min = pyo.Constraint(
            running,
            rule=lambda b, w, k: (
                b.outage_power_mw[w, k]
                >= tech.min_load_fraction
                * float(avail_mw[step[w, k]])
                * b.outage_units_online[w, k]
            ),
        )


def _add_ramp_limits(m: pyo.ConcreteModel, b: pyo.Block, tech: GasTech) -> None:
    """Limit step-to-step output changes of online units; units starting or stopping may jump.

    Rows are only written where they can bind (a unit able to ramp its full rating within
    a step needs none), which keeps hourly engine and aeroderivative models lean.
    """
    ramp_share = {t: tech.ramp_pct_per_min / 100 * 60 * float(m.duration_h[t]) for t in m.T}
    steps = [t for t in m.T if ramp_share[t] < 1.0]
    if not steps:
        return
    unit_mw = tech.unit_mw
    p, u, s = b.power_mw, b.units_online, b.startups
    before = [previous(m, t) for t in steps]
    ramp_mw = [ramp_share[t] * unit_mw for t in steps]
    power, power_before = [p[t] for t in steps], [p[t] for t in before]
    online, online_before = [u[t] for t in steps], [u[t] for t in before]
    startups = [s[t] for t in steps]
    # power - power before <= ramp x units online + unit rating x startups
    up = [(1, power), (-1, power_before), (np.negative(ramp_mw), online), (-unit_mw, startups)]
    add_linear_rows(b, "ramp_up", steps, up, "<=")
    # power before - power <= ramp x units online + unit rating x shutdowns, where
    # shutdowns = startups - units online + units online before
    down = [
        (1, power_before),
        (-1, power),
        (np.negative(ramp_mw), online),
        (-unit_mw, startups),
        (unit_mw, online),
        (-unit_mw, online_before),
    ]
    add_linear_rows(b, "ramp_down", steps, down, "<=")


CAPACITY_KEYS = ("units", "tank_mmbtu")
DISPATCH_COLUMNS = ("power_mw", "units_online", "startups", "fuel_mmbtu_per_h")


def read(b: pyo.Block | None, tech_id: str, tech: GasTech, index: pd.Index) -> Readback:
    """Units built and hourly operation of a solved gas block.

    ``b`` None stands for a unit type not built and left out of the model.

    Returns
    -------
    Readback
        Capacities: ``MW`` and ``units`` of the type, and the backup fuel tank [MMBtu HHV]
        if it has one; columns ``gas_mw_<id>`` [MW], ``gas_units_online_<id>`` [-],
        ``gas_startups_<id>`` [-], ``heat_recovered_mw_<id>`` (recoverable share x fuel)
        [MW_th]; totals ``gas_mw``, ``gas_units_online``, ``fuel_mmbtu_per_h`` [MMBtu/h HHV],
        ``heat_recovered_mw`` [MW_th].
    """
    if b is None:
        units, tank_mmbtu = 0, 0.0
        _, dispatch = zero_result(CAPACITY_KEYS, DISPATCH_COLUMNS, index)
    else:
        tank = b.component("tank_mmbtu")
        units = round(float(pyo.value(b.units_built)))
        tank_mmbtu = 0.0 if tank is None else float(values(tank)[0])
        dispatch = pd.DataFrame(
            {column: values(b.component(column)) for column in DISPATCH_COLUMNS}, index=index
        )
    capacities = [
        (tech_id, "gas", units * tech.unit_mw, "MW"),
        (tech_id, "gas", units, "units"),
    ]
    if tank_mmbtu > 0:
        capacities.append((backup_tank_id(tech_id), TANK_KIND, tank_mmbtu, "MMBtu"))
    power = dispatch["power_mw"].to_numpy()
    online = dispatch["units_online"].to_numpy()
    planned = getattr(b, "maintenance_units", None) if b is not None else None
    maintenance = np.zeros(len(index)) if planned is None else np.asarray(planned, dtype=float)
    fuel = dispatch["fuel_mmbtu_per_h"].to_numpy()
    heat = tech.heat_recovery_fraction * fuel / MMBTU_PER_MWH
    return Readback(
        capacities=capacities,
        columns={
            f"gas_mw_{tech_id}": power,
            f"gas_units_online_{tech_id}": online,
            f"gas_startups_{tech_id}": dispatch["startups"].to_numpy(),
            f"gas_units_maintenance_{tech_id}": maintenance,
            f"heat_recovered_mw_{tech_id}": heat,
        },
        totals={
            "gas_mw": power,
            "gas_units_online": online,
            "gas_units_maintenance": maintenance,
            "fuel_mmbtu_per_h": fuel,
            "heat_recovered_mw": heat,
        },
        unit_group={"units": units, "unit_mw": tech.unit_mw},
    )


def read_outage(b: pyo.Block | None, tech_id: str, pairs: list) -> Readback:
    """Operation in each outage-window step; zeros where the units do not run (no gas).

    Returns
    -------
    Readback
        Columns ``gas_mw_<id>`` [MW], ``gas_units_online_<id>`` [-] and
        ``backup_fuel_mmbtu_per_h_<id>`` (liquid fuel in gas-supply outages) [MMBtu/h HHV];
        totals ``gas_mw`` and ``gas_units_online``.
    """
    d = {
        column: window_values(None if b is None else b.component(f"outage_{column}"), pairs)
        for column in ("power_mw", "units_online", "backup_fuel_mmbtu_per_h")
    }
    return Readback(
        columns={
            f"gas_mw_{tech_id}": d["power_mw"],
            f"gas_units_online_{tech_id}": d["units_online"],
            f"backup_fuel_mmbtu_per_h_{tech_id}": d["backup_fuel_mmbtu_per_h"],
        },
        totals={"gas_mw": d["power_mw"], "gas_units_online": d["units_online"]},
    )
