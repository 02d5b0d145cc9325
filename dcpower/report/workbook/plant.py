"""The ``Capacities``, ``Phases`` and ``Costs`` sheets: what each site builds and what it costs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dcpower import techs
from dcpower.report.tables import added_text
from dcpower.report.workbook.format import Col, Writer, number
from dcpower.report.workbook.read import Run
from dcpower.techs import own_columns

# --------------------------------------------------------------------------- Capacities


def _dispatch_energy(d: pd.DataFrame, column: str) -> float | None:
    """Annual energy of a dispatch column [MWh/yr], or None if the column is absent."""
    if column not in d:
        return None
    return float(np.sum(d[column].to_numpy(float) * d["weight_h"].to_numpy(float)))


def _energy_column(tech_id: str, spec) -> str:
    """Return the technology id's own generation column (storage: discharge), or ''."""
    if spec is None:  # not a technology of the scenario (e.g. a backup fuel tank)
        return ""
    technology = techs.of(spec)
    own = own_columns(technology, tech_id)
    return next((own[c] for c in technology.summary_generation.values() if c in own), "")


def _capacity_table(run: Run) -> pd.DataFrame:
    """Return one row per site and technology: capacities, capex, lifetime, energy and factor."""
    caps = run.tables.capacities
    disp = run.tables.dispatch
    scen = run.scenario
    fsites = (run.summary.finance or {}).get("sites") or {}
    rows = []
    for (site_id, tech_id), group in caps.groupby(["site", "technology"], sort=False):
        by_unit = group.groupby("unit")["capacity"].sum()
        tech = scen.technologies.get(tech_id)
        kind = str(group["kind"].iloc[0])
        d = disp[disp["site"] == site_id]
        energy = _dispatch_energy(d, _energy_column(tech_id, tech))
        mw = by_unit.get("MW")
        cf = energy / (float(mw) * 8760.0) if energy is not None and mw and mw > 0 else None
        capex = (fsites.get(site_id, {}).get("capex_by_technology_usd") or {}).get(tech_id)
        rows.append(
            {
                "site": site_id,
                "technology": tech_id,
                "kind": kind,
                "mw": by_unit.get("MW"),
                "mwh": by_unit.get("MWh"),
                "units": by_unit.get("units"),
                "unit_mw": getattr(tech, "unit_mw", None),
                "capex": capex,
                "lifetime": getattr(tech, "lifetime_yr", None),
                "energy": energy,
                "cf": cf,
            }
        )
    return pd.DataFrame(rows)


def write_capacities(w: Writer, run: Run) -> None:
    """Add the ``Capacities`` sheet."""
    t = _capacity_table(run)

    def col(key: str) -> list:
        return t[key].tolist() if key in t else []

    cols = [
        Col("site", col("site"), "text"),
        Col("technology", col("technology"), "text"),
        Col("kind", col("kind"), "text"),
        Col("power [MW]", col("mw"), "num1"),
        Col("energy capacity [MWh]", col("mwh"), "num1"),
        Col("units built [units]", col("units"), "int"),
        Col("unit rating [MW]", col("unit_mw"), "num1"),
        Col("overnight capex [USD]", col("capex"), "int"),
        Col("lifetime [yr]", col("lifetime"), "num1"),
        Col(
            "energy [MWh/yr]",
            col("energy"),
            "int",
            comment="PV and wind: energy used (after curtailment); gas: output; battery: "
            "discharge. From dispatch.csv x weight_h.",
        ),
        Col("capacity factor [%]", col("cf"), "pct"),
    ]
    w.table(w.sheet("Capacities"), cols, freeze_cols=2)


def write_phases(w: Writer, run: Run) -> None:
    """Add the ``Phases`` sheet of sites built in phases (none if no site is phased)."""
    phased = run.summary.phases
    if not phased:
        return
    rows = [
        {"site": site_id, "source": entry["source"], **phase}
        for site_id, entry in phased.items()
        for phase in entry["phases"]
    ]

    def col(key: str) -> list:
        return [row[key] for row in rows]

    cols = [
        Col("site", col("site"), "text"),
        Col("year", col("year"), "int"),
        Col("IT capacity [MW]", col("it_capacity_mw"), "num1"),
        Col(
            "weight [%]",
            col("weight"),
            "pct",
            comment="The phase's share of the project's discounted years: its weight in the "
            "level annual cost (the objective).",
        ),
        Col("builds", [added_text(row["added"]) for row in rows], "text", width=60),
        Col("capex of what it builds [USD]", col("capex_added_usd"), "int"),
        Col("capex of its plant [USD]", col("capex_usd"), "int"),
        Col("annual cost of its plant [USD/yr]", col("cost_usd_per_yr"), "int"),
        Col("load [MWh/yr]", col("load_mwh_per_yr"), "int"),
        Col("unserved energy [MWh/yr]", col("unserved_mwh_per_yr"), "num1"),
        Col("CO2 [t/yr]", col("co2_t_per_yr"), "int"),
        Col("run folder", col("run_folder"), "text"),
        Col("phasing source", col("source"), "text", width=40),
    ]
    w.table(w.sheet("Phases"), cols, freeze_cols=2)


# --------------------------------------------------------------------------- Costs


def write_costs(w: Writer, run: Run) -> None:
    """Add the ``Costs`` sheet: per site, technology and cost component."""
    costs = run.tables.costs
    kinds = {t: tech.kind for t, tech in run.scenario.technologies.items()}
    site_cost = costs.groupby("site")["usd_per_yr"].sum()
    loads = {k: number(v.load_mwh_per_yr) for k, v in run.summary.sites.items()}
    usd = costs["usd_per_yr"].to_numpy(float)
    share = [
        u / site_cost[s] if site_cost[s] else None for s, u in zip(costs["site"], usd, strict=True)
    ]
    per_mwh = [
        u / loads[s] if loads.get(s) else None for s, u in zip(costs["site"], usd, strict=True)
    ]
    cols = [
        Col("site", costs["site"].tolist(), "text"),
        Col("technology", costs["technology"].tolist(), "text"),
        Col("kind", [kinds.get(t, "") for t in costs["technology"]], "text"),
        Col(
            "component",
            costs["component"].tolist(),
            "text",
            comment="capex = overnight capex annualized with the capital recovery factor of the "
            "WACC and the technology's lifetime; fuel, O&M, carbon and start-ups of the "
            "dispatched year.",
        ),
        Col("cost [USD/yr]", usd, "int"),
        Col("share of site cost [%]", share, "pct"),
        Col("cost per MWh delivered [USD/MWh]", per_mwh, "num2"),
    ]
    w.table(w.sheet("Costs"), cols, freeze_cols=1)
