"""Charts of a run folder, each a pure function from run-folder tables to a matplotlib Figure.

Every function takes the tables as written in a run folder (pandas DataFrames read from
``capacities.csv``, ``costs.csv``, ``dispatch.csv``, or the cash flows of
:func:`dcpower.finance.site_cash_flows`) and returns a :class:`matplotlib.figure.Figure` built
directly on the non-interactive Agg canvas (:class:`FigureCanvasAgg`): no ``pyplot``, no
``matplotlib.use``, so no global figure or backend state changes and no display is needed.
Every axis carries its unit. Colors come from one dict, :data:`PALETTE`, so a source has the
same color on every chart.

Time stamps in ``dispatch.csv`` are ISO 8601 with the site's UTC offset; charts show the
site's local clock time (the text before the offset).
"""

from __future__ import annotations

import io

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from dcpower import techs
from dcpower.techs import GRID_IMPORT

#: One color per series that is not a technology's, cost component and cash-flow item;
#: each technology's colour, name and stack order are its own (``Technology.display``).
PALETTE: dict[str, str] = {
    # series of the site, not of one technology
    "grid": "#5E9C76",
    "battery_charge": "#C9A3E0",
    "curtailment": "#F6DC8A",
    "unserved": "#E4002B",
    "load": "#111111",
    "net_load": "#D1495B",
    "soc": "#7B3FA0",
    # cost components (costs.csv) and cash-flow items
    "capex": "#2F4B7C",
    "fixed_om": "#7A8B99",
    "variable_om": "#B8C4CE",
    "fuel": "#E07B39",
    "carbon": "#4D4D4D",
    "startup": "#C44E52",
    "grid_energy": "#5E9C76",
    "water": "#3A8DDE",
    "replacement": "#5C7FB8",
    "operating": "#E07B39",
    "revenue": "#2E8B57",
    "salvage": "#8FC9A3",
    "cumulative": "#111111",
}

#: Display names of the site's series and cost components.
LABELS: dict[str, str] = {
    "grid": "Grid import",
    "battery_charge": "Storage charging",
    "unserved": "Unserved",
    "capex": "Capital (annualized)",
    "fixed_om": "Fixed O&M",
    "variable_om": "Variable O&M",
    "fuel": "Fuel",
    "carbon": "Carbon",
    "startup": "Start-ups",
    "grid_energy": "Grid energy",
    "backup_fuel": "Backup fuel",
    "water": "Cooling water",
}

#: Order of ``costs.csv`` components in the cost chart (others follow).
COST_COMPONENTS = (
    "capex",
    "fixed_om",
    "variable_om",
    "fuel",
    "carbon",
    "startup",
    "grid_energy",
    "water",
)

#: Stack position of the grid import among the technologies' (``Display.order``).
GRID_ORDER = 30


def stack() -> list[tuple[str, str, str, bool]]:
    """Series stacked above zero in the dispatch and energy charts, bottom to top.

    Returns
    -------
    list of (column, label, colour, always)
        A summed dispatch column per registered technology's generation (storage: its
        discharge), and the grid import; ``always`` shows a firm (thermal) series even when
        it is zero.
    """
    entries = {
        GRID_IMPORT.column: (GRID_ORDER, LABELS["grid"], PALETTE["grid"], False),
    }
    for tech in techs.technologies():
        for column in tech.summary_generation.values():
            entry = (tech.display.order, tech.display.name, tech.display.colour)
            entries.setdefault(column, (*entry, tech.resource == "thermal"))
    ordered = sorted(entries.items(), key=lambda item: item[1][0])
    return [(column, label, colour, always) for column, (_, label, colour, always) in ordered]


WEEK_H = 168
DPI = 150

_MUSD = FuncFormatter(lambda v, _pos: f"{v:,.0f}")


# --------------------------------------------------------------------------- helpers


def _figure(width: float = 10.0, height: float = 4.8) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _style(ax) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)


def site_label(site_id: str) -> str:
    """Display name of a site id (``aktau`` -> ``Aktau``)."""
    return site_id.replace("_", " ").title()


def tech_label(tech_id: str) -> str:
    """Display name of a technology id (``recip_engine`` -> ``recip engine``)."""
    return tech_id.replace("_", " ")


def local_time(times: pd.Series) -> pd.Series:
    """Local clock time of the run folder's ISO 8601 time stamps (offset dropped)."""
    return pd.to_datetime(times.astype(str).str.slice(0, 19), format="%Y-%m-%dT%H:%M:%S")


def sites_of(table: pd.DataFrame) -> list[str]:
    """Site ids of a table in order of first appearance."""
    return list(dict.fromkeys(table["site"].astype(str)))


def site_dispatch(dispatch: pd.DataFrame, site: str) -> pd.DataFrame:
    """Rows of one site, in time order, with a ``local_time`` column and zero-filled gaps."""
    d = dispatch[dispatch["site"] == site].copy()
    d["local_time"] = local_time(d["time"])
    d = d.sort_values("local_time").reset_index(drop=True)
    for col in (*techs.dispatch_totals(), "unserved_mw"):
        if col not in d:
            d[col] = 0.0
    if "weight_h" not in d:
        d["weight_h"] = 1.0
    return d


def to_png(fig: Figure, dpi: int = DPI) -> bytes:
    """Render a figure to PNG bytes (no metadata beyond the image)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


# --------------------------------------------------------------------------- capacities


def capacity_by_source(capacities: pd.DataFrame, site: str) -> dict[str, dict]:
    """Built capacity of a site by registered technology kind.

    Returns
    -------
    dict
        Per kind (display order): ``mw`` [MW], ``mwh`` [MWh] and ``units``: list of
        ``(technology, units, unit_mw)`` of the types built as whole units.
    """
    c = capacities[capacities["site"] == site]
    out = {}
    for tech in techs.technologies():
        rows = c[c["kind"] == tech.kind]
        units = []
        for tech_id, group in rows.groupby("technology", sort=False):
            by_unit = group.groupby("unit")["capacity"].sum()
            n, mw = float(by_unit.get("units", 0.0)), float(by_unit.get("MW", 0.0))
            if n > 0 and mw > 0:
                units.append((str(tech_id), round(n), mw / n))
        out[tech.kind] = {
            "mw": float(rows.loc[rows["unit"] == "MW", "capacity"].sum()),
            "mwh": float(rows.loc[rows["unit"] == "MWh", "capacity"].sum()),
            "units": units,
        }
    return out


def _capacity_note(cap: dict) -> str:
    """Bar label: units x rating, or MW and MWh of storage, or MW."""
    if cap["units"]:
        return "\n".join(f"{n}×{mw:.1f}" for _t, n, mw in cap["units"])
    if cap["mwh"] > 0:
        return f"{cap['mw']:.0f} MW\n{cap['mwh']:.0f} MWh"
    return f"{cap['mw']:.0f}"


def capacity_mix(capacities: pd.DataFrame) -> Figure:
    """Installed capacity per site: grouped bars of each technology kind's power [MW].

    Parameters
    ----------
    capacities : pd.DataFrame
        ``capacities.csv`` (``site, technology, kind, capacity, unit``).
    """
    sites = sites_of(capacities)
    by_site = {site: capacity_by_source(capacities, site) for site in sites}
    shown = [
        tech
        for tech in techs.technologies()
        if tech.resource == "thermal" or any(by_site[s][tech.kind]["mw"] > 0 for s in sites)
    ]
    fig = _figure(10, 4.8)
    ax = fig.add_subplot()
    width = 0.8 / max(len(shown), 1)
    x = np.arange(len(sites))
    top = 0.0
    for i, tech in enumerate(shown):
        caps = [by_site[site][tech.kind] for site in sites]
        values = [cap["mw"] for cap in caps]
        xs = x + (i - (len(shown) - 1) / 2) * width
        whole_units = tech.resource == "thermal"
        ax.bar(
            xs,
            values,
            width * 0.92,
            color=tech.display.colour,
            label=tech.display.name + (" (MW; units × MW)" if whole_units else " (MW)"),
        )
        for xi, v, cap in zip(xs, values, caps, strict=True):
            ax.annotate(
                _capacity_note(cap) if (cap["mw"] > 0 or not whole_units) else "0",
                (xi, v),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )
        top = max(top, max(values, default=0.0))
    ax.set_xticks(x, [site_label(s) for s in sites])
    ax.set_ylabel("Installed capacity [MW]")
    ax.set_ylim(0, max(top * 1.25, 1.0))
    ax.set_title("Capacity mix per site")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    _style(ax)
    return fig


# --------------------------------------------------------------------------- weeks


def renewable_available_mw(d: pd.DataFrame) -> np.ndarray:
    """Variable renewable output (PV, wind, ...) available before curtailment of each row [MW]."""
    available = d["curtailment_mw"].to_numpy(float).copy()
    for column in {
        column
        for tech in techs.technologies()
        if tech.resource == "variable"
        for column in tech.summary_generation.values()
    }:
        available += d[column].to_numpy(float)
    return available


def pick_weeks(dispatch: pd.DataFrame, site: str) -> dict[str, tuple[int, int]]:
    """Row ranges ``[start, stop)`` of the weeks to chart, from the site's dispatched hours.

    ``peak_load``: the seven days (starting at local midnight where the hours allow) around
    the hour of highest load. ``low_renewable``: the seven days, starting at local midnight,
    with the least PV and wind energy available (used plus curtailed); left out if the site
    built no PV or wind. A run with fewer than 168 dispatched hours (a short window) gives
    its whole window.

    Parameters
    ----------
    dispatch : pd.DataFrame
        ``dispatch.csv``.
    site : str
        Site id.

    Returns
    -------
    dict
        Week name to ``(start, stop)`` row positions of :func:`site_dispatch` of the site.
    """
    d = site_dispatch(dispatch, site)
    n = len(d)
    if n == 0:
        return {}
    length = min(WEEK_H, n)
    # candidate starts: local midnights (every hour if the run has none that fit)
    starts = np.flatnonzero(d["local_time"].dt.hour.to_numpy() == 0)
    starts = starts[starts + length <= n]
    if starts.size == 0:
        starts = np.arange(0, n - length + 1)
    weeks: dict[str, tuple[int, int]] = {}
    peak = int(np.argmax(d["load_mw"].to_numpy(float)))
    containing = starts[(starts <= peak) & (starts + length > peak)]
    if containing.size:
        centre = containing[np.argmin(np.abs(containing + length / 2 - peak))]
    else:
        centre = starts[np.argmin(np.abs(starts + length / 2 - peak))]
    weeks["peak_load"] = (int(centre), int(centre) + length)
    available = renewable_available_mw(d)
    if available.sum() > 0:
        cumulative = np.concatenate([[0.0], np.cumsum(available)])
        energy = cumulative[starts + length] - cumulative[starts]
        low = int(starts[int(np.argmin(energy))])
        weeks["low_renewable"] = (low, low + length)
    return weeks


def _stack_with_unserved() -> list[tuple[str, str, str, bool]]:
    """Return the stacked series (:func:`stack`) topped by unserved load."""
    return [*stack(), ("unserved_mw", LABELS["unserved"], PALETTE["unserved"], False)]


def _stairs(t: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hour-average values drawn as steps: x with one extra hour at the end."""
    x = np.append(t, t[-1] + np.timedelta64(1, "h"))
    y = np.append(values, values[-1])
    return x, y


def dispatch_week(dispatch: pd.DataFrame, site: str, week: tuple[int, int], title: str) -> Figure:
    """Hourly dispatch of a week: stacked PV, wind, gas and battery discharge; load line.

    Battery charging is drawn below zero, unserved energy (if any) in red on top.

    Parameters
    ----------
    dispatch : pd.DataFrame
        ``dispatch.csv``.
    site : str
        Site id.
    week : tuple of int
        ``(start, stop)`` rows of the site (see :func:`pick_weeks`).
    title : str
        Chart title.
    """
    d = site_dispatch(dispatch, site).iloc[week[0] : week[1]]
    t = d["local_time"].to_numpy("datetime64[ns]")
    fig = _figure(10, 4.6)
    ax = fig.add_subplot()
    bottom = np.zeros(len(d))
    for column, label, colour, always in _stack_with_unserved():
        values = d[column].to_numpy(float)
        if not always and not np.any(values > 1e-6):
            continue
        x, lo = _stairs(t, bottom)
        _, hi = _stairs(t, bottom + values)
        ax.fill_between(x, lo, hi, step="post", color=colour, label=label, linewidth=0)
        bottom = bottom + values
    charge = d["battery_charge_mw"].to_numpy(float)
    if np.any(charge > 1e-6):
        x, y = _stairs(t, -charge)
        ax.fill_between(
            x,
            0,
            y,
            step="post",
            color=PALETTE["battery_charge"],
            label=LABELS["battery_charge"],
            linewidth=0,
        )
        ax.axhline(0, color="#444444", linewidth=0.6)
    x, y = _stairs(t, d["load_mw"].to_numpy(float))
    ax.step(x, y, where="post", color=PALETTE["load"], linewidth=1.4, label="Load")
    ax.set_ylabel("Power [MW]")
    ax.set_xlabel("Local time at the site")
    ax.set_xlim(x[0], x[-1])
    if len(d) > 72:
        ax.xaxis.set_major_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b"))
    else:
        ax.xaxis.set_major_locator(mdates.HourLocator(byhour=[0, 6, 12, 18]))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %H:%M"))
    ax.tick_params(axis="x", labelsize=8)
    ymax = float(max(bottom.max(initial=0.0), d["load_mw"].max()))
    ax.set_ylim(bottom=min(-charge.max(initial=0.0) * 1.1, 0.0), top=ymax * 1.12)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    _style(ax)
    return fig


# --------------------------------------------------------------------------- energy


def monthly_energy(dispatch: pd.DataFrame, site: str) -> Figure:
    """Energy by source and month [GWh]: stacked bars, charging below zero, load marker.

    Sums the dispatched hours of each month (MW x 1 h); a window run has only its own hours.
    """
    d = site_dispatch(dispatch, site)
    month = d["local_time"].dt.month.to_numpy()
    series = _stack_with_unserved()
    frame = pd.DataFrame({column: d[column].to_numpy(float) for column, *_ in series})
    frame["battery_charge"] = d["battery_charge_mw"].to_numpy(float)
    frame["load"] = d["load_mw"].to_numpy(float)
    # all twelve months on the axis (a window run fills only its own)
    gwh = frame.groupby(month).sum().reindex(range(1, 13), fill_value=0.0) / 1000.0
    labels = [pd.Timestamp(2001, m, 1).strftime("%b") for m in gwh.index]
    x = np.arange(len(gwh))
    fig = _figure(10, 4.6)
    ax = fig.add_subplot()
    bottom = np.zeros(len(gwh))
    for column, label, colour, always in series:
        values = gwh[column].to_numpy()
        if not always and not np.any(values > 1e-9):
            continue
        ax.bar(x, values, 0.75, bottom=bottom, color=colour, label=label)
        bottom = bottom + values
    charge = gwh["battery_charge"].to_numpy()
    if np.any(charge > 1e-9):
        ax.bar(x, -charge, 0.75, color=PALETTE["battery_charge"], label=LABELS["battery_charge"])
        ax.axhline(0, color="#444444", linewidth=0.6)
    has = gwh["load"].to_numpy() > 0
    ax.scatter(
        x[has],
        gwh["load"].to_numpy()[has],
        marker="_",
        s=500,
        color=PALETTE["load"],
        label="Load",
        zorder=3,
    )
    ax.set_xticks(x, labels)
    ax.set_ylabel("Energy [GWh per month]")
    ax.set_xlabel("Month (local time)")
    ax.set_title(f"{site_label(site)}: monthly energy by source")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    _style(ax)
    return fig


def duration_curves(dispatch: pd.DataFrame) -> Figure:
    """Load and net-load duration curves per site [MW over hours of the year].

    Net load = load minus the PV and wind output available (before curtailment); below zero
    the renewables exceed the load. Each row counts for its ``weight_h`` hours of the year.
    """
    sites = sites_of(dispatch)
    fig = _figure(10, 4.2)
    axes = fig.subplots(1, len(sites), sharey=True, squeeze=False)[0]
    for ax, site in zip(axes, sites, strict=True):
        d = site_dispatch(dispatch, site)
        w = d["weight_h"].to_numpy(float)
        load = d["load_mw"].to_numpy(float)
        net = load - renewable_available_mw(d)
        for values, key, label, style in (
            (load, "load", "Load", "-"),
            (net, "net_load", "Net load", "--"),
        ):
            order = np.argsort(-values, kind="stable")
            hours = np.concatenate([[0.0], np.cumsum(w[order])])
            y = np.append(values[order], values[order][-1])
            ax.step(
                hours,
                y,
                where="post",
                color=PALETTE[key],
                linestyle=style,
                linewidth=1.6,
                label=label,
            )
        ax.axhline(0, color="#888888", linewidth=0.6)
        ax.set_xlim(0, max(float(w.sum()), 1.0))
        ax.set_xlabel("Hours of the year at or above [h]")
        ax.set_title(site_label(site))
        _style(ax)
    axes[0].set_ylabel("Power [MW]")
    axes[-1].legend(loc="lower left", frameon=False, fontsize=9)
    fig.suptitle("Load and net-load duration curves (net load = load − PV − wind available)")
    return fig


def _storage_mwh(capacities: pd.DataFrame, site: str) -> float:
    """Energy capacity of all storage built at a site [MWh]."""
    return sum(cap["mwh"] for cap in capacity_by_source(capacities, site).values())


def battery_soc(dispatch: pd.DataFrame, capacities: pd.DataFrame) -> Figure | None:
    """Battery state of charge over the dispatched hours per site with a battery [MWh].

    Runs longer than 31 days show the daily range (min to max) and the daily mean; shorter
    ones show every hour. Returns None if no site built a battery.
    """
    sites = [s for s in sites_of(capacities) if _storage_mwh(capacities, s) > 0]
    if not sites:
        return None
    fig = _figure(10, 2.6 + 1.8 * len(sites))
    axes = fig.subplots(len(sites), 1, squeeze=False)[:, 0]
    for ax, site in zip(axes, sites, strict=True):
        d = site_dispatch(dispatch, site)
        mwh = _storage_mwh(capacities, site)
        if len(d) > 31 * 24:
            daily = d.set_index("local_time")["battery_soc_mwh"].resample("D")
            lo, hi, mean = daily.min(), daily.max(), daily.mean()
            t = lo.index.to_numpy("datetime64[ns]")
            ax.fill_between(
                t, lo, hi, color=PALETTE["battery_charge"], linewidth=0, label="Daily min–max"
            )
            ax.plot(t, mean, color=PALETTE["soc"], linewidth=1.0, label="Daily mean")
            ax.set_xlim(t[0], t[-1] + np.timedelta64(1, "D"))
            ax.xaxis.set_major_locator(mdates.MonthLocator())
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
        else:
            t = d["local_time"].to_numpy("datetime64[ns]")
            ax.plot(
                t, d["battery_soc_mwh"], color=PALETTE["soc"], linewidth=1.2, label="End of hour"
            )
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %H:%M"))
            ax.tick_params(axis="x", labelsize=8)
        ax.axhline(mwh, color="#444444", linestyle="--", linewidth=0.8, label=f"{mwh:.0f} MWh")
        ax.set_ylim(0, mwh * 1.08)
        ax.set_ylabel("State of charge [MWh]")
        ax.set_title(f"{site_label(site)}: battery state of charge", fontsize=10)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
        _style(ax)
    axes[-1].set_xlabel("Local time at the site")
    return fig


# --------------------------------------------------------------------------- money


def cost_breakdown(costs: pd.DataFrame) -> Figure:
    """Annual cost per site stacked by component [million USD per year] (``costs.csv``)."""
    sites = sites_of(costs)
    table = costs.groupby(["site", "component"])["usd_per_yr"].sum().unstack(fill_value=0.0) / 1e6
    table = table.reindex(sites)
    components = [c for c in COST_COMPONENTS if c in table] + [
        c for c in table.columns if c not in COST_COMPONENTS
    ]
    fig = _figure(10, 4.8)
    ax = fig.add_subplot()
    x = np.arange(len(sites))
    bottom = np.zeros(len(sites))
    for component in components:
        values = table[component].to_numpy(float)
        if not np.any(np.abs(values) > 1e-9):
            continue
        ax.bar(
            x,
            values,
            0.55,
            bottom=bottom,
            color=PALETTE.get(component, "#999999"),
            label=LABELS.get(component, tech_label(component)),
        )
        bottom = bottom + values
    for xi, total in zip(x, table.sum(axis=1).to_numpy(float), strict=True):
        ax.annotate(
            f"{total:,.1f}",
            (xi, total),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    ax.set_xticks(x, [site_label(s) for s in sites])
    ax.set_ylabel("Annual cost [million USD/yr]")
    ax.set_ylim(0, max(float(bottom.max(initial=0.0)) * 1.15, 1.0))
    ax.set_title("Annual cost by component (capital annualized at the WACC)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    _style(ax)
    return fig


def cash_flow(flows: dict[str, pd.DataFrame]) -> Figure:
    """Yearly cash flow per site [million USD, real]: bars and cumulative net line.

    Capital (construction and replacements) and operating costs below zero, revenue and
    salvage above; the line is the cumulative net cash flow.

    Parameters
    ----------
    flows : dict
        Site id to its table from :func:`dcpower.finance.site_cash_flows`.
    """
    sites = list(flows)
    fig = _figure(10, 1.2 + 2.8 * len(sites))
    axes = fig.subplots(len(sites), 1, squeeze=False, sharex=True)[:, 0]
    opex_cols = [
        "fuel_usd",
        "carbon_usd",
        "fixed_om_usd",
        "variable_om_usd",
        "startup_usd",
        "grid_energy_usd",
        "backup_fuel_usd",
        "water_usd",
    ]
    for ax, site in zip(axes, sites, strict=True):
        f = flows[site]
        years = f["year"].to_numpy()
        capital = -(f["capex_usd"] + f["replacement_usd"]).to_numpy(float) / 1e6
        operating = -f[[c for c in opex_cols if c in f]].sum(axis=1).to_numpy(float) / 1e6
        revenue = f["revenue_usd"].to_numpy(float) / 1e6
        salvage = f["salvage_usd"].to_numpy(float) / 1e6
        ax.bar(years, capital, 0.75, color=PALETTE["capex"], label="Capital and replacements")
        ax.bar(
            years, operating, 0.75, bottom=capital, color=PALETTE["operating"], label="Operating"
        )
        ax.bar(years, revenue, 0.75, color=PALETTE["revenue"], label="Revenue")
        if np.any(salvage > 1e-9):
            ax.bar(years, salvage, 0.75, bottom=revenue, color=PALETTE["salvage"], label="Salvage")
        cumulative = np.cumsum(f["net_cash_flow_usd"].to_numpy(float)) / 1e6
        ax.plot(
            years,
            cumulative,
            color=PALETTE["cumulative"],
            marker="o",
            markersize=2.5,
            linewidth=1.4,
            label="Cumulative net",
        )
        ax.axhline(0, color="#444444", linewidth=0.6)
        ax.axvline(0.5, color="#AAAAAA", linestyle=":", linewidth=0.8)
        ax.set_ylabel("Cash flow [million USD, real]")
        ax.yaxis.set_major_formatter(_MUSD)
        ax.set_title(f"{site_label(site)}: yearly cash flow", fontsize=10)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
        _style(ax)
    axes[-1].set_xlabel("Year from commercial operation (≤ 0: construction)")
    return fig


# --------------------------------------------------------------------------- build-out


def _phase_mw(phase: dict, tech) -> float:
    """Return a phase's plant capacity of one technology kind [MW] (summary ``capacity``)."""
    if tech.resource == "thermal":
        return float(phase["capacity"].get("gas_mw") or 0.0)
    return sum(
        float(phase["capacity"].get(key) or 0.0)
        for key, (_kind, unit) in tech.summary_capacity.items()
        if unit == "MW"
    )


def build_out(phases: dict) -> Figure:
    """Capacity by source against the phases' years, with the IT capacity, per phased site.

    Parameters
    ----------
    phases : dict
        ``summary.json`` ``phases`` (:func:`dcpower.run_summary.phases_summary`).
    """
    sites = list(phases)
    fig = _figure(10, 4.2 * len(sites))
    for row, site in enumerate(sites, start=1):
        ax = fig.add_subplot(len(sites), 1, row)
        steps = phases[site]["phases"]
        years = [str(phase["year"]) for phase in steps]
        x = np.arange(len(steps))
        bottom = np.zeros(len(steps))
        for tech in techs.technologies():
            values = np.array([_phase_mw(phase, tech) for phase in steps])
            if not np.any(values > 0):
                continue
            ax.bar(
                x, values, 0.55, bottom=bottom, color=tech.display.colour, label=tech.display.name
            )
            bottom = bottom + values
        ax.plot(
            x,
            [phase["it_capacity_mw"] for phase in steps],
            color="black",
            marker="o",
            label="IT capacity",
        )
        ax.set_xticks(x, years)
        ax.set_ylabel("Capacity [MW]")
        ax.set_ylim(0, max(float(bottom.max(initial=0.0)) * 1.15, 1.0))
        ax.set_title(f"{site_label(site)}: plant by phase")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
        _style(ax)
    return fig
