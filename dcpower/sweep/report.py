"""The sweep report: ``sweep.html`` (self-contained) with its charts, also as PNG files."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import pandas as pd

from dcpower.errors import DcpowerError
from dcpower.sweep.charts import (
    _base_output,
    _fmt,
    distribution_chart,
    output_label,
    spider_chart,
    tornado_chart,
)
from dcpower.sweep.point import FAILED
from dcpower.sweep.table import SWEEP_HTML, SWEEP_JSON, _replace, read_table

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1100px;
color:#222;padding:0 16px}table{border-collapse:collapse;font-size:12.5px;margin:8px 0}
th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}
td.l,th.l{text-align:left}img{max-width:100%}.note{color:#555;font-size:12.5px}
.bad{color:#b00020}code{background:#f2f2f2;padding:0 3px}
"""


def _png(fig) -> bytes:
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    fig.clear()
    return buffer.getvalue()


def write_sweep_report(out_dir: str | Path, table: pd.DataFrame | None = None) -> Path:
    """Write ``sweep.html`` (self-contained) and ``figures/tornado.png``, ``spider.png``.

    Parameters
    ----------
    out_dir : str or Path
        A sweep folder (with ``sweep.json``).
    table : pd.DataFrame, optional
        Its results table (default: read from the folder).

    Returns
    -------
    Path
        The HTML file.
    """
    out_dir = Path(out_dir)
    meta = json.loads((out_dir / SWEEP_JSON).read_text())
    spec = meta["spec"]
    table = read_table(out_dir) if table is None else table
    if table is None:
        raise DcpowerError(f"sweep folder '{out_dir}': no results table")
    output = spec.get("output", "total.cost_usd_per_yr")
    paths = [*spec.get("grid", {}), *spec.get("distributions", {})]
    charts = _chart_sections(out_dir, meta, table, output, paths)
    esc = html.escape
    counts = table["status"].value_counts().to_dict() if "status" in table else {}
    label, _ = output_label(output)
    points_table = _points_table(table, ["point_id", "status", *paths, output, "seconds"], output)
    summary = ", ".join(f"{n} {esc(str(s))}" for s, n in counts.items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sweep {esc(meta["name"])}</title>
<style>{_CSS}</style></head><body>
<h1>Sweep: {esc(meta["name"])}</h1>
<p>Base scenario <code>{esc(str(meta["base"]))}</code>; {len(table)} points ({summary}).
Chart output: {esc(label)} (column <code>{esc(output)}</code>). Each point's run folder is
<code>runs/&lt;point id&gt;/</code>; the full table is <code>results.csv</code> /
<code>results.parquet</code>.</p>
<p class="note">The availability Monte Carlo of each point is cut to
{esc(str(spec.get("monte_carlo_years")))} simulated years unless the sweep sets
reliability.monte_carlo_years; run the chosen point alone for precise availability figures.</p>
{"".join(charts)}
<h2>Points</h2>
{points_table}
</body></html>
"""
    path = out_dir / SWEEP_HTML
    _replace(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path


def _chart_sections(
    out_dir: Path, meta: dict, table: pd.DataFrame, output: str, paths: list[str]
) -> list[str]:
    """Draw the sweep's charts, write them to ``figures/``; return their HTML sections.

    Tornado and spider charts if the sweep varies one input at a time or has a solved base
    point; a distribution chart unless it varies one input at a time.
    """
    spec = meta["spec"]
    figures_dir = out_dir / "figures"
    figures_dir.mkdir(exist_ok=True)
    charts = []
    figures = []
    if spec.get("one_at_a_time") or _base_output(table, output) is not None:
        figures += [
            ("tornado", "Tornado", tornado_chart(table, paths, output)),
            ("spider", "Spider", spider_chart(table, paths, meta.get("base_values", {}), output)),
        ]
    if not spec.get("one_at_a_time"):
        figures.append(("distribution", "Distribution", distribution_chart(table, output)))
    for name, heading, fig in figures:
        png = _png(fig)
        (figures_dir / f"{name}.png").write_bytes(png)
        data = base64.b64encode(png).decode("ascii")
        charts.append(
            f"<h2>{heading}</h2><img src='data:image/png;base64,{data}' alt='{heading}'>"
            f"<p class='note'>Also in figures/{name}.png.</p>"
        )
    return charts


def _points_table(table: pd.DataFrame, columns: list[str], output: str) -> str:
    """HTML table of the points: the given columns, a failed point's reason below its row."""
    esc = html.escape
    _, scale = output_label(output)
    head = "".join(
        f"<th class='{'l' if c in ('point_id', 'status') else ''}'>{esc(c)}</th>" for c in columns
    )
    body = []
    for _, row in table.iterrows():
        cells = []
        for c in columns:
            v = row.get(c)
            if c == output and v is not None and v == v and not isinstance(v, str):
                v = f"{float(v) * scale:,.4g}"
            elif c == "seconds" and v is not None and v == v:
                v = f"{float(v):.1f}"
            cls = "l" if c in ("point_id", "status") else ""
            if c == "status" and v in FAILED:
                cls += " bad"
            cells.append(f"<td class='{cls}'>{esc(_fmt(v) if v is not None else '')}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
        if row.get("reason"):
            body.append(
                f"<tr><td></td><td class='l bad' colspan='{len(columns) - 1}'>"
                f"{esc(str(row['reason']))}</td></tr>"
            )
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"
