"""The dcpower site model rewritten in linopy, to time dcpower's build and hand-over against it.

Not part of dcpower (linopy is an optional benchmark dependency: ``pip install linopy``).
:func:`build_linopy_site` takes the same :class:`dcpower.optimization.build.SiteInputs` as
:func:`dcpower.optimization.build.build_site_model` and writes, row for row, the model that
dcpower builds with **hourly commitment relaxed** (``integer_commitment=False``) and
capacities free:

- energy balance (``build.py``);
- PV / wind: capacity, output <= capacity factor x capacity (``techs/renewable.py``);
- battery: energy and power sized, charge / discharge <= power, SOC between floor and energy,
  cyclic SOC balance, contingency reserve (power and energy at both ends of the step) and,
  if ``n_plus_k_storage_hours`` > 0, firm power for N+k (``techs/battery/block.py``);
- gas unit types: integer units built (bounded by ``techs.gas.block.useful_units``), continuous
  units online, online <= built, output between minimum load and available output, start-ups,
  ramp rows where they can bind, fuel with no-load and incremental heat rate
  (``techs/gas/block.py``);
- reliability: binary "type built", N+k at the design point and the safe form of hourly N-1
  (``optimization/reliability.py``);
- the same objective (annualized capex, fixed and variable O&M, fuel, carbon, start-ups).

What differs from dcpower's matrix: dcpower's elastic slacks (``unserved_mw``,
``n1_shortfall_mw``, ``nk_shortfall_mw``) are fixed at zero and therefore dropped by pyomo's
standard-form compiler; here they are simply not written. The integer commitment form
(``type_online`` binaries) is not mirrored. Both are handed to HiGHS without names.
"""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from dcpower.optimization.build import SiteInputs
from dcpower.techs.base import capital_recovery_factor
from dcpower.techs.battery import BatteryTech
from dcpower.techs.gas import GasTech
from dcpower.techs.gas.block import useful_units
from dcpower.techs.pv import PVTech
from dcpower.techs.wind import WindTech


def _upper(bound: float | None) -> float:
    """A variable's upper bound for linopy (None = unbounded)."""
    return np.inf if bound is None else float(bound)


def build_linopy_site(inp: SiteInputs) -> linopy.Model:
    """Build the relaxed-commitment sizing and dispatch model of one site in linopy.

    Parameters
    ----------
    inp : SiteInputs
        As for :func:`dcpower.optimization.build.build_site_model`.

    Returns
    -------
    linopy.Model
        Minimizes the annual cost [USD/yr].
    """
    if inp.integer_commitment:
        raise ValueError("only the relaxed-commitment model is mirrored in linopy")
    m = linopy.Model(force_dim_names=True)
    n = len(inp.load_mw)
    time = pd.RangeIndex(n, name="t")

    def series(values) -> xr.DataArray:
        return xr.DataArray(np.asarray(values, dtype=float), coords=[time])

    duration = series(inp.duration_h)
    weight = series(inp.weight_h)
    occurrences = series(inp.weight_h / inp.duration_h)
    wacc = inp.economics.wacc
    rules = inp.reliability
    ride_through_h = rules.ride_through_min / 60

    def prev(var):
        """The variable at the previous step (cyclic, like ``techs.base.previous``)."""
        return var.roll(t=1)

    injections, withdrawals, costs = [], [], []
    groups = {}  # gas type -> (built, online, power, avail_mw, design_mw, max_units)
    reserves, firm = [], []
    for tech_id, tech in inp.technologies.items():
        if isinstance(tech, PVTech | WindTech):
            capex = tech.capex_usd_per_kw_ac if isinstance(tech, PVTech) else tech.capex_usd_per_kw
            cap = m.add_variables(lower=0, upper=_upper(tech.max_mw), name=f"{tech_id}_capacity_mw")
            power = m.add_variables(lower=0, coords=[time], name=f"{tech_id}_power_mw")
            cf = series(inp.profiles[tech_id]["cf"])
            m.add_constraints(power - cf * cap <= 0, name=f"{tech_id}_resource_limit")
            injections.append(power)
            annuity = capital_recovery_factor(wacc, tech.lifetime_yr)
            costs.append((annuity * 1e3 * capex + 1e3 * tech.fom_usd_per_kw_yr) * cap)
        elif isinstance(tech, BatteryTech):
            energy = m.add_variables(
                lower=0, upper=_upper(tech.max_mwh), name=f"{tech_id}_energy_mwh"
            )
            pw = m.add_variables(lower=0, name=f"{tech_id}_power_mw")
            ch = m.add_variables(lower=0, coords=[time], name=f"{tech_id}_charge_mw")
            dis = m.add_variables(lower=0, coords=[time], name=f"{tech_id}_discharge_mw")
            soc = m.add_variables(lower=0, coords=[time], name=f"{tech_id}_soc_mwh")
            eta_c, eta_d, floor = tech.eta_charge, tech.eta_discharge, tech.min_soc_fraction
            m.add_constraints(ch - pw <= 0, name=f"{tech_id}_charge_limit")
            m.add_constraints(dis - pw <= 0, name=f"{tech_id}_discharge_limit")
            m.add_constraints(soc - energy <= 0, name=f"{tech_id}_soc_max")
            m.add_constraints(soc - floor * energy >= 0, name=f"{tech_id}_soc_min")
            m.add_constraints(
                soc - prev(soc) - duration * eta_c * ch + (duration / eta_d) * dis == 0,
                name=f"{tech_id}_soc_balance",
            )
            if rules.hourly_n_minus_1:
                res = m.add_variables(lower=0, coords=[time], name=f"{tech_id}_reserve_mw")
                m.add_constraints(res - pw + dis - ch <= 0, name=f"{tech_id}_reserve_power")
                for end, level in (("end", soc), ("start", prev(soc))):
                    m.add_constraints(
                        ride_through_h * res - eta_d * level + eta_d * floor * energy <= 0,
                        name=f"{tech_id}_reserve_energy_{end}",
                    )
                reserves.append(res)
            if rules.n_plus_k_storage_hours > 0:
                fm = m.add_variables(lower=0, name=f"{tech_id}_firm_mw")
                m.add_constraints(fm - pw <= 0, name=f"{tech_id}_firm_power")
                m.add_constraints(
                    rules.n_plus_k_storage_hours * fm - eta_d * (1 - floor) * energy <= 0,
                    name=f"{tech_id}_firm_energy",
                )
                firm.append(fm)
            injections.append(dis)
            withdrawals.append(ch)
            annuity = capital_recovery_factor(wacc, tech.lifetime_yr)
            costs.append(
                (
                    annuity * 1e3 * tech.capex_energy_usd_per_kwh
                    + 1e3 * tech.fom_energy_usd_per_kwh_yr
                )
                * energy
                + (annuity * 1e3 * tech.capex_power_usd_per_kw + 1e3 * tech.fom_power_usd_per_kw_yr)
                * pw
            )
        elif isinstance(tech, GasTech):
            design = inp.design_factor[tech_id]
            max_units = useful_units(tech, design, inp.peak_load_mw, rules.redundancy_k)
            unit_mw = tech.unit_mw
            avail = unit_mw * series(inp.profiles[tech_id]["available_factor"])
            hr = series(inp.profiles[tech_id]["heat_rate_factor"])
            built = m.add_variables(
                lower=0, upper=max_units, integer=True, name=f"{tech_id}_units_built"
            )
            online = m.add_variables(
                lower=0, upper=max_units, coords=[time], name=f"{tech_id}_units_online"
            )
            power = m.add_variables(lower=0, coords=[time], name=f"{tech_id}_power_mw")
            starts = m.add_variables(lower=0, coords=[time], name=f"{tech_id}_startups")
            m.add_constraints(online - built <= 0, name=f"{tech_id}_online_le_built")
            m.add_constraints(power - avail * online <= 0, name=f"{tech_id}_power_max")
            if tech.min_load_fraction > 0:
                m.add_constraints(
                    power - tech.min_load_fraction * avail * online >= 0,
                    name=f"{tech_id}_power_min",
                )
            m.add_constraints(starts - online + prev(online) >= 0, name=f"{tech_id}_startup_count")
            ramp_share = tech.ramp_pct_per_min / 100 * 60 * np.asarray(inp.duration_h, float)
            steps = np.flatnonzero(ramp_share < 1.0)
            if len(steps):
                share = series(ramp_share)
                up = power - prev(power) - share * unit_mw * online - unit_mw * starts <= 0
                down = (
                    prev(power)
                    - power
                    - share * unit_mw * online
                    - unit_mw * (starts - online + prev(online))
                    <= 0
                )
                mask = series(ramp_share < 1.0).astype(bool)
                m.add_constraints(up, name=f"{tech_id}_ramp_up", mask=mask)
                m.add_constraints(down, name=f"{tech_id}_ramp_down", mask=mask)
            no_load = tech.no_load_fuel_fraction * tech.heat_rate_full_load_mmbtu_per_mwh * unit_mw
            incremental = (1 - tech.no_load_fuel_fraction) * tech.heat_rate_full_load_mmbtu_per_mwh
            price = inp.site.gas_price_usd_per_mmbtu + (
                inp.site.carbon_price_usd_per_t * inp.economics.co2_kg_per_mmbtu / 1000
            )
            annuity = capital_recovery_factor(wacc, tech.lifetime_yr)
            costs.append(
                (annuity * 1e3 * tech.capex_usd_per_kw + 1e3 * tech.fom_usd_per_kw_yr)
                * unit_mw
                * built
            )
            costs.append(
                (weight * (tech.vom_usd_per_mwh + price * hr * incremental) * power).sum()
                + (weight * price * hr * no_load * online).sum()
                + (tech.startup_cost_usd_per_mw * unit_mw * occurrences * starts).sum()
            )
            injections.append(power)
            groups[tech_id] = (built, online, power, avail, unit_mw * design, max_units)

    balance = sum(injections) - sum(withdrawals) if withdrawals else sum(injections)
    m.add_constraints(balance == series(inp.load_mw), name="balance")

    k = rules.redundancy_k
    type_built = {}
    if groups and (k > 0 or rules.hourly_n_minus_1):
        for g, (built, _, _, _, _, max_units) in groups.items():
            type_built[g] = m.add_variables(binary=True, name=f"type_built_{g}")
            m.add_constraints(built - max_units * type_built[g] <= 0, name=f"type_built_link_{g}")
    if k > 0 and groups:
        installed = sum(design * built for built, _, _, _, design, _ in groups.values())
        for g, (_, _, _, _, design, _) in groups.items():
            lhs = installed - k * design * type_built[g] + (sum(firm) if firm else 0)
            m.add_constraints(lhs >= inp.peak_load_mw, name=f"n_plus_k_{g}")
    if rules.hourly_n_minus_1 and groups:
        headroom = sum(avail * online - power for _, online, power, avail, _, _ in groups.values())
        if reserves:
            headroom = headroom + sum(reserves)
        for g, (_, _, _, avail, _, _) in groups.items():
            m.add_constraints(headroom - avail * type_built[g] >= 0, name=f"n_minus_1_{g}")

    m.add_objective(sum(c if isinstance(c, linopy.LinearExpression) else 1 * c for c in costs))
    return m
