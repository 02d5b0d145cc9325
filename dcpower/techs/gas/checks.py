"""Independent checks of a gas unit type, from the run folder alone (no pyomo).

Commitment within the units built, output between minimum stable load and what the online
units can give at the hour's ambient, start-ups, ramping, part-load fuel, N+k and hourly N-1
contributions, limits in the outage windows and the backup fuel of a dual-fuel type.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from dcpower.techs.contract import Checker, Contingency, Firm, Windows
from dcpower.techs.gas.spec import GasTech, backup_tank_id
from dcpower.units import HOURS_PER_YEAR, MMBTU_PER_MWH

#: Units online at or above this count as committed (integer commitment read from CSV).
ONLINE_THRESHOLD = 0.5


def check(g: str, tech: GasTech, c: Checker) -> None:
    """Check commitment, output limits, start-ups and ramping of one gas unit type."""
    built = c.cap(g, "units")
    online = c.d(f"gas_units_online_{g}")
    power = c.d(f"gas_mw_{g}")
    starts = c.d(f"gas_startups_{g}")
    cf = c.p(f"gas_cf_{g}")
    unit = tech.unit_mw
    online_avail = online * unit * cf

    maintenance = c.d(f"gas_units_maintenance_{g}")
    c.hourly(
        f"gas {g} units online + in maintenance <= built",
        built - online - maintenance,
        built,
        "units",
        lambda i: f"{online[i]:.6g} online, {maintenance[i]:.6g} in maintenance, {built:.6g} built",
    )
    _check_maintenance(c, g, tech, built, maintenance)
    _check_heat(c, g, tech)
    c.single(
        f"gas {g} units built integral",
        -abs(built - round(built)) if math.isfinite(built) else float("nan"),
        1.0,
        "units",
        f"{built:.6g} units built",
    )
    if c.scenario.dispatch_commitment == "integer":
        c.hourly(
            f"gas {g} integer commitment",
            -np.abs(online - np.round(online)),
            1.0,
            "units",
            lambda i: f"{online[i]:.9g} units online",
        )
    c.hourly(
        f"gas {g} output <= online x unit_mw x gas_cf",
        online_avail - power,
        np.fmax(np.abs(online_avail), np.abs(power)),
        "MW",
        lambda i: f"output {power[i]:.6g} MW, online available {online_avail[i]:.6g} MW",
    )
    floor = tech.min_load_fraction * online_avail
    c.hourly(
        f"gas {g} output >= min stable load",
        power - floor,
        np.fmax(np.abs(floor), np.abs(power)),
        "MW",
        lambda i: (
            f"output {power[i]:.6g} MW, minimum {floor[i]:.6g} MW "
            f"({tech.min_load_fraction:g} x {online_avail[i]:.6g} MW online)"
        ),
    )
    online_prev = np.roll(online, 1)  # cyclic: the hour before the first is the last
    c.hourly(
        f"gas {g} start-ups >= units brought online",
        starts - (online - online_prev),
        np.fmax(np.abs(online), np.abs(online_prev)),
        "units",
        lambda i: f"{starts[i]:.6g} start-ups, online {online_prev[i]:.6g} -> {online[i]:.6g}",
    )
    _check_ramp(c, g, tech, power, online, starts)


def _check_maintenance(
    c: Checker, g: str, tech: GasTech, built: float, maintenance: np.ndarray
) -> None:
    """Each unit built gets its planned maintenance hours, in a full-year dispatch.

    Only over a dispatched year of 8760 one-hour rows (reduced horizons dispatch no
    maintenance): sum of units in maintenance over the hours >= units x
    ``maintenance_h_per_yr`` (rounded up to whole hours).
    """
    if tech.maintenance_h_per_yr <= 0 or c.n != HOURS_PER_YEAR or not math.isfinite(built):
        return
    need = round(built) * math.ceil(tech.maintenance_h_per_yr)
    done = float(np.nansum(maintenance))
    c.single(
        f"gas {g} planned maintenance done",
        done - need,
        max(need, 1.0),
        "unit-hours",
        f"{done:.6g} unit-hours in maintenance vs {round(built)} units x "
        f"{math.ceil(tech.maintenance_h_per_yr)} h",
    )


def _check_ramp(
    c: Checker, g: str, tech: GasTech, power: np.ndarray, online: np.ndarray, starts: np.ndarray
) -> None:
    """Hour-to-hour output change of online units within the ramp rate (where it can bind).

    Up: ``p[t] - p[t-1] <= r x unit_mw x u[t] + unit_mw x s[t]``; down:
    ``p[t-1] - p[t] <= r x unit_mw x u[t] + unit_mw x (s[t] - u[t] + u[t-1])``, r the
    share of the rating one unit ramps in an hour; units starting or stopping may jump.
    """
    share = tech.ramp_pct_per_min / 100 * 60
    if share >= 1.0:
        return
    unit = tech.unit_mw
    p_prev, u_prev = np.roll(power, 1), np.roll(online, 1)
    rise, fall = power - p_prev, p_prev - power
    up = share * unit * online + unit * starts
    down = share * unit * online + unit * (starts - online + u_prev)
    scale = np.fmax(np.abs(power), np.abs(p_prev))
    c.hourly(
        f"gas {g} ramp up",
        up - rise,
        scale,
        "MW",
        lambda i: f"output rises {rise[i]:.6g} MW, allowed {up[i]:.6g} MW",
    )
    c.hourly(
        f"gas {g} ramp down",
        down - fall,
        scale,
        "MW",
        lambda i: f"output falls {fall[i]:.6g} MW, allowed {down[i]:.6g} MW",
    )


def check_windows(g: str, tech: GasTech, c: Checker, windows: Windows) -> None:
    """Backup fuel of a dual-fuel type: part-load curve, and within the tank in each window.

    The tank is full at the start of every gas-outage window; the check names the hour
    in which the fuel burnt since the window started exceeds it.
    """
    if not tech.dual_fuel:
        return
    check, profile, rows = windows.check, windows.profile, windows.rows
    without_gas = windows.kinds == "gas"
    fuel = c.w(f"backup_fuel_mmbtu_per_h_{g}")
    on_curve = fuel_mmbtu_per_h(g, tech, c, column=c.w, factor=profile(f"heat_rate_factor_{g}"))
    recomputed = np.where(without_gas, on_curve, 0.0)
    check(
        f"{g} backup fuel use (part-load curve)",
        -np.abs(fuel - recomputed),
        np.fmax(np.abs(fuel), np.abs(recomputed)),
        "MMBtu/h",
        lambda i: f"backup fuel {fuel[i]:.6g} MMBtu/h, recomputed {recomputed[i]:.6g}",
    )
    tank = c.cap(backup_tank_id(g), "MMBtu", default=0.0)  # a tank row only if one is built
    burnt = pd.Series(fuel).groupby(rows["window"].to_numpy()).cumsum().to_numpy()
    check(
        f"{g} backup fuel within the tank",
        tank - burnt,
        np.fmax(tank, burnt),
        "MMBtu",
        lambda i: f"{burnt[i]:.6g} MMBtu burnt since the window began, tank {tank:.6g} MMBtu",
    )


def heat_mw(g: str, tech: GasTech, c: Checker) -> np.ndarray:
    """Return the heat the type's online units give: recoverable share x fuel [MW_th]."""
    return tech.heat_recovery_fraction * fuel_mmbtu_per_h(g, tech, c) / MMBTU_PER_MWH


def _check_heat(c: Checker, g: str, tech: GasTech) -> None:
    """Check the heat recovered column: the recoverable share of the part-load fuel."""
    stated = c.d(f"heat_recovered_mw_{g}")
    heat = heat_mw(g, tech, c)
    scale = np.fmax(np.abs(heat), 1.0)
    c.hourly(
        f"gas {g} heat recovered = {tech.heat_recovery_fraction:g} x fuel",
        -np.abs(stated - heat),
        scale,
        "MW_th",
        lambda i: f"{stated[i]:.6g} MW_th stated vs {heat[i]:.6g} MW_th recomputed",
    )


def fuel_mmbtu_per_h(g: str, tech: GasTech, c: Checker, column=None, factor=None) -> np.ndarray:
    """Fuel of the type's dispatch by its part-load curve at the hour's heat-rate factor.

    ``heat_rate_factor x (no-load fuel x units online + incremental rate x output)``.
    ``column`` reads the dispatch (default) or the window steps; ``factor`` is the heat-rate
    factor on those rows (default: profiles on the dispatch hours). [MMBtu/h]
    """
    column = c.d if column is None else column
    factor = c.p(f"heat_rate_factor_{g}") if factor is None else factor
    return part_load_fuel(tech, factor, column(f"gas_units_online_{g}"), column(f"gas_mw_{g}"))


def part_load_fuel(tech: GasTech, factor, online, power_mw) -> np.ndarray:
    """Fuel of ``online`` units giving ``power_mw`` on the straight-line part-load curve.

    ``factor x (no-load fuel x units online + incremental heat rate x output)``, with the
    heat-rate ``factor`` of the hour. [MMBtu/h]
    """
    full = tech.heat_rate_full_load_mmbtu_per_mwh
    nl = tech.no_load_fuel_fraction
    return factor * (nl * full * tech.unit_mw * online + (1 - nl) * full * power_mw)


def firm(g: str, tech: GasTech, c: Checker, design_factor: float | None) -> Firm:
    """All units built at their output at the design point; each unit may be one of those out."""
    units = c.cap(g, "units")
    design_mw = tech.unit_mw * (design_factor if design_factor is not None else 1.0)
    return Firm(
        firm_mw=units * design_mw,
        units_mw=(design_mw,) * (max(round(units), 0) if np.isfinite(units) else 0),
        text=f"{units:g} x {g} at {design_mw:.4g} MW",
    )


def contingency(
    g: str, tech: GasTech, c: Checker, integer: bool, ride_through_min: float = 0.0
) -> Contingency:
    """Headroom of the online units, the unit that may trip, and their load steps per hour.

    Exposed: with integer commitment the hours with a unit online; with relaxed commitment
    the type in every hour once built (the largest online unit is not known). Load steps:
    online units share the output equally, so a tripped unit drops ``p / u``; each online
    unit takes at once ``min(load_step_fraction x available, available - p / u)``.
    """
    online = c.d(f"gas_units_online_{g}")
    power = c.d(f"gas_mw_{g}")
    unit_avail = tech.unit_mw * c.p(f"gas_cf_{g}")
    exposed = online >= ONLINE_THRESHOLD if integer else np.full(c.n, c.cap(g, "units") > 0)
    running = online >= ONLINE_THRESHOLD
    drop = np.where(running, power / np.where(running, online, 1.0), 0.0)
    per_unit_step = np.fmin(tech.load_step_fraction * unit_avail, unit_avail - drop)
    heat = heat_mw(g, tech, c)
    if integer:  # the unit that trips gives its share of the type's heat (equal shares)
        heat_at_risk = np.where(running, heat / np.where(running, online, 1.0), 0.0)
    else:  # a unit at its available output, as the model's safe form takes it
        unit_fuel = part_load_fuel(tech, c.p(f"heat_rate_factor_{g}"), 1.0, unit_avail)
        unit_heat = tech.heat_recovery_fraction * unit_fuel / MMBTU_PER_MWH
        heat_at_risk = np.where(exposed, unit_heat, 0.0)
    return Contingency(
        headroom_mw=online * unit_avail - power,
        at_risk_mw=np.where(exposed, unit_avail, 0.0),
        heat_mw=heat,
        heat_at_risk_mw=heat_at_risk,
        step_mw=np.where(running, online * per_unit_step, 0.0),
        drop_mw=drop,
        survivors_step_mw=np.where(running, (online - 1) * per_unit_step, 0.0),
        step_limited=tech.load_step_fraction < 1,
        spare_units=(
            c.cap(g, "units") - online if tech.start_time_min <= ride_through_min else np.zeros(c.n)
        ),
    )


def window_limits(g: str, tech: GasTech, c: Checker, windows: Windows) -> dict:
    """Units online within those built, output within what they give at the ambient."""
    online = c.w(f"gas_units_online_{g}")
    return {
        f"gas_units_online_{g}": (online, np.full(len(online), c.cap(g, "units"))),
        f"gas_mw_{g}": (
            c.w(f"gas_mw_{g}"),
            online * tech.unit_mw * windows.profile(f"gas_cf_{g}"),
        ),
    }


def summary_pairs(g: str, tech: GasTech, c: Checker, capacity: dict) -> list[tuple]:
    """Units and unit rating of the type in summary.json against capacities.csv."""
    entry = capacity.get("gas", {}).get(g, {})
    return [
        (f"gas.{g}.units", entry.get("units"), c.cap(g, "units")),
        (f"gas.{g}.unit_mw", entry.get("unit_mw"), tech.unit_mw),
    ]
