"""Charts of a sweep table: tornado, spider and distribution of one output column."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dcpower.sweep.point import METRICS, SOLVED

#: Colour of the low end of a tornado bar (and the first spider line).
LOW_COLOUR = "#3A86C8"


def output_label(column: str) -> tuple[str, float]:
    """Axis label of a table column (``total.cost_usd_per_yr``) and its scale for charts."""
    prefix, _, metric = column.partition(".")
    where = "hub" if prefix == "total" else prefix.replace("_", " ").title()
    if metric in METRICS:
        name, unit, scale = METRICS[metric]
        return f"{where} {name} [{unit}]", scale
    if metric.startswith("gas_units."):
        return f"{where} {metric.split('.', 1)[1].replace('_', ' ')} units [-]", 1.0
    return column, 1.0


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _ok(table: pd.DataFrame, output: str) -> pd.DataFrame:
    if output not in table or "status" not in table:
        return table.iloc[0:0]
    values = pd.to_numeric(table[output], errors="coerce")
    return table[table["status"].isin(SOLVED) & values.notna()]


def _base_output(table: pd.DataFrame, output: str) -> float | None:
    ok = _ok(table, output)
    base = ok[ok["varied"].fillna("") == ""]
    return None if base.empty else float(base[output].iloc[0])


def _one_at_a_time(table: pd.DataFrame, path: str) -> pd.DataFrame:
    return table[table["varied"].fillna("") == path]


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=150, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _no_chart(fig, text: str):
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def _numeric_order(values: pd.Series) -> list[int]:
    """Row positions sorted by input value (numbers), or in table order (other values)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all():
        return list(np.argsort(numbers.to_numpy(), kind="stable"))
    return list(range(len(values)))


def tornado_chart(table: pd.DataFrame, paths: list[str], output: str):
    """Tornado chart: the output at each path's lowest and highest value, the others at base.

    Parameters
    ----------
    table : pd.DataFrame
        The sweep table (rows of one-at-a-time points: ``varied`` is one path or empty).
    paths : list of str
        The varied paths.
    output : str
        The output column.

    Returns
    -------
    matplotlib.figure.Figure
        Bars from the base output to the output at the low (first) and high (last) value,
        largest swing on top; paths without a solved point are named under the chart.
    """
    from dcpower.report.figures import PALETTE

    label, scale = output_label(output)
    base = _base_output(table, output)
    bars, missing = _tornado_bars(table, paths, output)
    fig = _figure(9.0, 1.2 + 0.55 * max(len(bars), 1))
    if base is None or not bars:
        return _no_chart(
            fig, "no solved base point: a tornado needs one_at_a_time (or base values in the grid)"
        )
    # Largest swing on top (barh draws from the bottom up).
    bars.sort(key=lambda b: max(abs(b[1][output] - base), abs(b[2][output] - base)))
    ax = fig.add_subplot()
    ticks = []
    for y, (path, low, high, failed) in enumerate(bars):
        for row, color, name in (
            (low, LOW_COLOUR, "lowest value"),
            (high, PALETTE["fuel"], "highest value"),
        ):
            delta = (float(row[output]) - base) * scale
            ax.barh(y, delta, left=base * scale, height=0.6, color=color, label=name)
        text = f"{path}\n{_fmt(low[path])} / {_fmt(high[path])}"
        ticks.append(text + (f" ({failed} failed)" if failed else ""))
    ax.set_yticks(range(len(bars)), ticks, fontsize=8)
    ax.axvline(base * scale, color=PALETTE["load"], linewidth=1.0)
    handles, names = ax.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), loc="lower right", fontsize=8, frameon=False)
    ax.set_xlabel(f"{label}; base {base * scale:,.4g}")
    ax.set_title(f"Sensitivity of {label} (one input at a time)", fontsize=10, loc="left")
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    if missing:
        fig.text(0.01, 0.005, "no solved point: " + "; ".join(missing), fontsize=7, color="#666")
    return fig


def _tornado_bars(table: pd.DataFrame, paths: list[str], output: str) -> tuple[list, list]:
    """Return the bars of a tornado chart and the paths without a solved point.

    A bar is ``(path, row at the lowest value, row at the highest value, failed points)``;
    a path without a solved point is named with the statuses of its points.
    """
    bars, missing = [], []
    for path in paths:
        rows = _one_at_a_time(table, path)
        ok = _ok(rows, output)
        if ok.empty:
            if not rows.empty:
                missing.append(f"{path} ({', '.join(sorted(set(rows['status'].astype(str))))})")
            continue
        order = _numeric_order(ok[path])
        low, high = ok.iloc[order[0]], ok.iloc[order[-1]]
        failed = len(rows) - len(ok)
        bars.append((path, low, high, failed))
    return bars, missing


def spider_chart(table: pd.DataFrame, paths: list[str], base_values: dict, output: str):
    """Spider chart: the output against the relative change of each numeric input.

    Parameters
    ----------
    table : pd.DataFrame
        The sweep table.
    paths : list of str
        The varied paths; those with a non-numeric or zero base value are left out.
    base_values : dict
        Base value of each path.
    output : str
        The output column.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from dcpower.report.figures import PALETTE

    label, scale = output_label(output)
    base = _base_output(table, output)
    fig = _figure(9.0, 5.0)
    lines = [] if base is None else _spider_lines(table, paths, base_values, output, base, scale)
    if base is None or not lines:
        return _no_chart(
            fig,
            "no solved base point or numeric input: a spider chart needs one_at_a_time "
            "(or base values in the grid) and numeric values",
        )
    colors = [LOW_COLOUR, PALETTE["fuel"], "#7B3FA0", PALETTE["revenue"], "#8D6E63"]
    colors += [PALETTE["capex"], "#F2B701"]
    ax = fig.add_subplot()
    for i, (path, rel, y) in enumerate(lines):
        ax.plot(
            rel,
            y,
            marker="o",
            markersize=3.5,
            linewidth=1.4,
            label=path,
            color=colors[i % len(colors)],
        )
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.axhline(base * scale, color="#999999", linewidth=0.8)
    ax.set_xlabel("change of the input from its base value [%]")
    ax.set_ylabel(label)
    ax.set_title(f"{label} against each input (others at base)", fontsize=10, loc="left")
    ax.legend(fontsize=8, frameon=False)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


def _spider_lines(
    table: pd.DataFrame,
    paths: list[str],
    base_values: dict,
    output: str,
    base: float,
    scale: float,
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Return ``(path, change of the input [%], output x scale)`` per numeric path, by change.

    Each line holds the path's solved one-at-a-time points and the base point (change 0).
    """
    lines = []
    for path in paths:
        base_value = base_values.get(path)
        if isinstance(base_value, bool) or not isinstance(base_value, int | float):
            continue
        if base_value == 0:
            continue
        ok = _ok(_one_at_a_time(table, path), output)
        x = pd.to_numeric(ok[path], errors="coerce")
        ok, x = ok[x.notna()], x[x.notna()]
        if ok.empty:
            continue
        rel = [*((x.to_numpy(dtype=float) / base_value - 1) * 100), 0.0]
        y = [*(ok[output].to_numpy(dtype=float) * scale), base * scale]
        order = np.argsort(rel, kind="stable")
        lines.append((path, np.asarray(rel)[order], np.asarray(y)[order]))
    return lines


def distribution_chart(table: pd.DataFrame, output: str):
    """Histogram of the output over the solved points, with its 10th, 50th and 90th percentile.

    Parameters
    ----------
    table : pd.DataFrame
        The sweep table (e.g. of a Monte Carlo sweep, ``sample: N``).
    output : str
        The output column.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from dcpower.report.figures import PALETTE

    label, scale = output_label(output)
    values = _ok(table, output)[output].to_numpy(dtype=float) * scale
    fig = _figure(9.0, 4.2)
    if len(values) < 2:
        return _no_chart(fig, "fewer than two solved points")
    ax = fig.add_subplot()
    ax.hist(values, bins=min(30, max(5, len(values) // 3)), color=PALETTE["capex"], alpha=0.85)
    for q, style in ((10, ":"), (50, "-"), (90, ":")):
        v = float(np.percentile(values, q))
        ax.axvline(v, color=PALETTE["load"], linestyle=style, linewidth=1.1)
        ax.annotate(
            f"P{q} {v:,.4g}",
            (v, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set_xlabel(label)
    ax.set_ylabel("points [-]")
    ax.set_title(f"{label} over {len(values)} solved points", fontsize=10, loc="left")
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    return fig
