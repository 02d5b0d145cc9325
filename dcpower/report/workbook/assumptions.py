"""The ``Assumptions`` sheet: every input figure of a run with its unit, status and source.

Each value of ``scenario.yaml`` is compared with its row of the sourced input tables of
``inputs/`` (:func:`dcpower.paths.inputs_dir`) or, without one, with dcpower's default; the
site climate comes from the site files of ``inputs/sites/``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from dcpower import money
from dcpower import techs as registered
from dcpower.errors import ScenarioError
from dcpower.paths import inputs_dir
from dcpower.report.workbook.format import Col, Writer, number, unit_of, value_format
from dcpower.report.workbook.read import Run, read_run
from dcpower.scenario import (
    COST_BASIS_FILES,
    BackupFuel,
    Economics,
    Finance,
    GridConnection,
    PUEModel,
    Scenario,
    Site,
)
from dcpower.weather.sites import read_site_file, site_file

#: Column headers of the ``Assumptions`` sheet.
ASSUMPTION_COLUMNS = (
    "section",
    "item",
    "parameter",
    "value",
    "unit",
    "status",
    "catalogue value",
    "currency",
    "currency year",
    "catalogue value, price basis",
    "basis",
    "source",
    "note",
)

_ESTIMATED_DEFAULTS = {
    PUEModel: "ESTIMATE: dcpower default PUE curve, no cited curve found (new-build "
    "hyperscale hall with water-side economizer; see PUEModel in dcpower/scenario.py and "
    "dcpower/resource/load.py)",
}
#: Fields of those models whose defaults are sourced (their description says where from).
_SOURCED_FIELDS = {(PUEModel, "chiller_cop")}


def _estimated_default(cls: type[BaseModel] | None, field: str | None) -> str | None:
    """Return the ESTIMATE text of a model default (None where the default is sourced)."""
    if (cls, field) in _SOURCED_FIELDS:
        return None
    return _ESTIMATED_DEFAULTS.get(cls)


_SITE_ECONOMICS = (
    "gas_price_usd_per_mmbtu",
    "carbon_price_usd_per_t",
    "water_price_usd_per_m3",
    "water_energy_kwh_per_m3",
)


# --------------------------------------------------------------------------- catalogue and values


def _catalogue(name: str) -> pd.DataFrame:
    """Read a long-form input table of ``inputs/`` (strings kept as text, blanks as '')."""
    table = pd.read_csv(inputs_dir() / name, dtype=str, keep_default_na=False)
    return table


def _technology_table(cost_basis: str) -> pd.DataFrame:
    """Return the technology catalogue of a cost basis (later files' rows replace earlier)."""
    tables = [_catalogue(name) for name in COST_BASIS_FILES[cost_basis]]
    merged = pd.concat(tables, ignore_index=True)
    return merged.drop_duplicates(["technology", "parameter"], keep="last")


def _catalogue_rows(table: pd.DataFrame, owner: str) -> dict[str, dict]:
    rows = table[table["technology"] == owner]
    return {r["parameter"]: r for r in rows.to_dict("records")}


def _default_of(cls: type[BaseModel], name: str) -> tuple[bool, Any]:
    """Return (has a default, default value) of a pydantic field."""
    info = cls.model_fields[name]
    if info.default_factory is not None:
        return True, info.default_factory()
    if info.is_required():
        return False, None
    return True, info.default


def _same(a: Any, b: Any) -> bool:
    """Whether two input values are equal (numbers within rounding)."""
    na, nb = number(a), number(b)
    if na is not None and nb is not None:
        return math.isclose(na, nb, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _basis_of(source: str) -> str:
    """Classify a source text: ESTIMATE, DERIVED or sourced."""
    head = source.strip().upper()
    if head.startswith("ESTIMATE"):
        return "ESTIMATE"
    if head.startswith("DERIVED"):
        return "DERIVED"
    return "sourced" if head else ""


# --------------------------------------------------------------------------- rows


class _Assumptions:
    """Rows of the Assumptions sheet."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.rows: list[dict] = []

    def converted(self, row: dict) -> float | None:
        """Return a catalogue row's value in USD of the run's price basis year (or as is)."""
        value = number(row["value"])
        if value is None:
            return None
        econ = self.scenario.economics
        return money.row_in_basis(value, row, (econ.price_basis_year, econ.usd_per_eur))

    def add(self, **row: Any) -> None:
        row.setdefault("basis", _basis_of(str(row.get("source", ""))))
        self.rows.append(row)

    def reference_row(
        self, section: str, item: str, parameter: str, row: dict, status: str
    ) -> None:
        """Add a catalogue row that the model does not read, with its own source."""
        self.add(
            section=section,
            item=item,
            parameter=parameter,
            value=number(row["value"]),
            unit=row["unit"],
            status=status,
            catalogue_value=number(row["value"]),
            currency=row.get("currency", ""),
            currency_year=row["currency_year"],
            catalogue_value_price_basis=self.converted(row),
            source=row["source"],
            note=row["note"],
        )

    def catalogue_value(
        self,
        section: str,
        item: str,
        parameter: str,
        value: Any,
        cat: dict | None,
        cls: type[BaseModel] | None = None,
        field: str | None = None,
        default_status: str = "catalogue",
        defaults: BaseModel | None = None,
    ) -> None:
        """Add a resolved value, compared with its catalogue row (or the model default).

        ``defaults``: the model whose values are the defaults, where they depend on another
        field (a wet-bulb PUE curve's); none = the field's own default.
        """
        description, unit = ("", "")
        if cls is not None and field is not None:
            description, unit = unit_of(cls.model_fields[field].description)
        if cat is not None:
            self._against_catalogue(section, item, parameter, value, cat, unit, default_status)
        else:
            self._against_default(
                section, item, parameter, value, cls, field, description, unit, defaults
            )

    def _against_catalogue(
        self,
        section: str,
        item: str,
        parameter: str,
        value: Any,
        cat: dict,
        unit: str,
        default_status: str,
    ) -> None:
        """Add a value that has a catalogue row: as catalogued, or a scenario override."""
        cat_value = self.converted(cat)
        if _same(value, cat_value):
            status, source = default_status, cat["source"]
        else:
            status = "scenario override"
            source = (
                f"scenario '{self.scenario.name}' (scenario.yaml of the run); the catalogue "
                f"value {cat['value']} {cat['unit']} is sourced as: {cat['source']}"
            )
        self.add(
            section=section,
            item=item,
            parameter=parameter,
            value=value,
            unit=cat.get("unit") or unit,
            status=status,
            catalogue_value=number(cat["value"]),
            currency=cat.get("currency", ""),
            currency_year=cat.get("currency_year", ""),
            catalogue_value_price_basis=cat_value,
            source=source,
            note=cat.get("note", ""),
            basis=_basis_of(source) if status != "scenario override" else "scenario",
        )

    def _against_default(
        self,
        section: str,
        item: str,
        parameter: str,
        value: Any,
        cls: type[BaseModel] | None,
        field: str | None,
        description: str,
        unit: str,
        defaults: BaseModel | None = None,
    ) -> None:
        """Add a value without a catalogue row: a model default or a scenario input."""
        has_default, default = (False, None)
        if defaults is not None and field is not None:
            has_default, default = True, getattr(defaults, field)
        elif cls is not None and field is not None:
            has_default, default = _default_of(cls, field)
        if has_default and _same(value, default):
            source = _estimated_default(cls, field) or (
                f"dcpower default ({cls.__name__}.{field} in dcpower/scenario.py): {description}"
            )
            status = "model default"
        else:
            name = self.scenario.name
            source = f"scenario '{name}' (scenario.yaml of the run): {description}".rstrip(": ")
            status = "scenario input" if not has_default else "scenario override"
        self.add(
            section=section,
            item=item,
            parameter=parameter,
            value=value,
            unit=unit,
            status=status,
            catalogue_value=None,
            source=source,
            currency_year="",
            note="none = no limit / library default" if value is None else "",
            basis="ESTIMATE" if source.startswith("ESTIMATE") else status,
        )

    def model_section(
        self,
        section: str,
        item: str,
        model: BaseModel,
        skip: tuple[str, ...] = (),
        defaults: BaseModel | None = None,
    ) -> None:
        """Add every field of a scenario section without a catalogue (model defaults or inputs).

        ``defaults`` as in :meth:`catalogue_value`.
        """
        cls = type(model)
        for field in cls.model_fields:
            if field in skip:
                continue
            value = getattr(model, field)
            if isinstance(value, BaseModel):
                continue
            if isinstance(value, list | tuple) and value and len(value) > 1:
                if field in _LISTED_FIELDS or not all(_is_number(v) for v in value):
                    value = ", ".join(str(v) for v in value)
                else:
                    self._mean_row(section, item, cls, field, value)
                    continue
            if isinstance(value, Path):
                value = str(value)
            self.catalogue_value(section, item, field, value, None, cls, field, defaults=defaults)

    def _mean_row(
        self, section: str, item: str, cls: type[BaseModel], field: str, value: list | tuple
    ) -> None:
        """Add a field of several values as their mean, the values in the note."""
        has_default, default = _default_of(cls, field)
        status = "model default" if has_default and value == default else "scenario input"
        description, unit = unit_of(cls.model_fields[field].description)
        source = _estimated_default(cls, field) or (
            f"dcpower default ({cls.__name__}.{field})"
            if status == "model default"
            else f"scenario '{self.scenario.name}' (scenario.yaml of the run)"
        )
        self.add(
            section=section,
            item=item,
            parameter=f"{field} (mean)",
            value=float(np.mean(value)),
            unit=unit,
            status=status,
            catalogue_value=None,
            source=f"{source}: {description}",
            currency_year="",
            note="values: " + ", ".join(f"{v:g}" for v in value),
            basis="ESTIMATE" if source.startswith("ESTIMATE") else status,
        )


#: List fields shown as their values, not as a mean (weather years: seeds or files).
_LISTED_FIELDS = frozenset({"weather_years"})


def _is_number(value: object) -> bool:
    """Whether a list entry can be averaged (a real number, not a flag)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


# --------------------------------------------------------------------------- technologies


def _infer_catalogue_id(tech: BaseModel, techs: pd.DataFrame) -> str | None:
    """Return the catalogue id of the same kind whose figures the scenario's match best."""
    best, best_hits = None, 0
    kind_of = registered.kind_of_catalogue_id()
    for owner in techs["technology"].unique():
        if kind_of.get(owner) != tech.kind:
            continue
        rows = _catalogue_rows(techs, owner)
        fields = [p for p in rows if p in type(tech).model_fields]
        if not fields:
            continue
        hits = sum(_same(getattr(tech, p), number(rows[p]["value"])) for p in fields)
        if hits * 2 > len(fields) and hits > best_hits:
            best, best_hits = owner, hits
    return best


def _used_technologies(scen: Scenario) -> list[str]:
    """Return the technology ids some site may build, in order of first appearance."""
    used = []
    for site in scen.sites.values():
        for t in site.technologies:
            if t not in used:
                used.append(t)
    return used


def _technology_rows(a: _Assumptions, scen: Scenario, used: list[str]) -> None:
    """Add every field of each technology used, against its (or the closest) catalogue entry."""
    techs = _technology_table(scen.economics.cost_basis)
    catalogue_ids = set(techs["technology"])
    for tech_id in used:
        tech = scen.technologies[tech_id]
        technology = registered.of(tech)
        cls = technology.spec
        owner = tech_id if tech_id in catalogue_ids else _infer_catalogue_id(tech, techs)
        rows = _catalogue_rows(techs, owner) if owner else {}
        status = "catalogue" if owner == tech_id else f"catalogue ({owner})"
        for field in cls.model_fields:
            if field == "kind":
                continue
            value = getattr(tech, field)
            fixed = technology.catalogue.get(owner or "", {})
            if field in fixed and value == fixed[field]:
                a.add(
                    section="technology",
                    item=tech_id,
                    parameter=field,
                    value=value,
                    unit="-",
                    status=status,
                    catalogue_value=None,
                    source=f"catalogue id {owner} of inputs/technologies.csv",
                    currency_year="",
                    note=f"fixed by the {technology.kind} technology for the {owner} entry "
                    f"(dcpower.techs.{technology.kind})",
                    basis="catalogue",
                )
                continue
            a.catalogue_value(
                "technology", tech_id, field, value, rows.get(field), cls, field, status
            )
        for parameter, row in rows.items():
            if parameter not in cls.model_fields:
                a.reference_row(
                    "technology", tech_id, parameter, row, "catalogue (not a model input)"
                )


# --------------------------------------------------------------------------- economics, finance


def _economics_rows(a: _Assumptions, run: Run, econ: pd.DataFrame) -> None:
    """Add the economics of all sites, the derived nominal WACC and the reference rows."""
    scen = run.scenario
    econ_rows = _catalogue_rows(econ, "economics")
    for field in Economics.model_fields:
        a.catalogue_value(
            "economics",
            "all sites",
            field,
            getattr(scen.economics, field),
            econ_rows.get(field),
            Economics,
            field,
        )
    wacc_nominal = (run.summary.finance or {}).get("wacc_nominal")
    if wacc_nominal is not None:
        a.add(
            section="economics",
            item="all sites",
            parameter="wacc_nominal",
            value=wacc_nominal,
            unit="per unit, nominal",
            status="derived",
            catalogue_value=None,
            source="DERIVED: (1 + wacc) x (1 + finance.inflation) - 1 (dcpower.finance)",
            currency_year="",
            note="discounts the nominal cash flows",
        )
    for parameter, row in econ_rows.items():
        if parameter not in Economics.model_fields:
            a.reference_row(
                "economics", "reference", parameter, row, "catalogue, reference (not a model input)"
            )


def _backup_fuel_rows(a: _Assumptions, scen: Scenario, used: list[str]) -> None:
    """Add the backup liquid fuel, when a dual-fuel unit rides through gas outages."""
    dual_fuel = any(getattr(scen.technologies[t], "dual_fuel", False) for t in used)
    if not (dual_fuel and scen.reliability.gas_outage_hours > 0):
        return
    fuel_rows = _catalogue_rows(_catalogue("backup_fuel.csv"), "backup_fuel")
    for field in BackupFuel.model_fields:
        value = getattr(scen.backup_fuel, field)
        a.catalogue_value(
            "backup fuel", "all sites", field, value, fuel_rows.get(field), BackupFuel, field
        )


def _grid_rows(a: _Assumptions, scen: Scenario) -> None:
    """Add the grid connection of each site that has one, against its tariff."""
    tariffs = _catalogue("grid_tariffs.csv")
    for site_id, site in scen.sites.items():
        if site.grid is None:
            continue
        rows = _catalogue_rows(tariffs, site.grid.tariff)
        for field in GridConnection.model_fields:
            value = getattr(site.grid, field)
            a.catalogue_value("grid", site_id, field, value, rows.get(field), GridConnection, field)


def _site_economics_rows(a: _Assumptions, scen: Scenario, econ: pd.DataFrame) -> None:
    """Add the gas and carbon price of each site, against the catalogue of its climate."""
    for site_id, site in scen.sites.items():
        rows = _catalogue_rows(econ, Path(site.climate).stem.lower())
        for field in _SITE_ECONOMICS:
            a.catalogue_value(
                "economics", site_id, field, getattr(site, field), rows.get(field), Site, field
            )
        for parameter, row in rows.items():
            if parameter not in Site.model_fields:
                a.reference_row(
                    "economics", site_id, parameter, row, "catalogue, reference (not a model input)"
                )


def _finance_rows(a: _Assumptions, scen: Scenario) -> None:
    """Add the project finance inputs; the capex schedule one row per year."""
    frows = _catalogue_rows(_catalogue("finance.csv"), "finance")
    for field in Finance.model_fields:
        value = getattr(scen.finance, field)
        if field == "capex_schedule":
            for i, share in enumerate(value, start=1):
                name = f"capex_schedule_year_{i}"
                a.catalogue_value("finance", "all sites", name, share, frows.get(name), None)
                if name not in frows:
                    a.rows[-1]["unit"] = "share of overnight capex"
            if len(value) != sum(p.startswith("capex_schedule_year_") for p in frows):
                a.rows[-1]["status"] = "scenario override"
            continue
        a.catalogue_value("finance", "all sites", field, value, frows.get(field), Finance, field)


# --------------------------------------------------------------------------- sites and settings


def _climate_file(climate: str) -> Path | None:
    """Return the site file of a climate (as the run read it), or None if it is not there."""
    try:
        return site_file(climate)
    except ScenarioError:
        return None


_CLIMATE_UNITS = {
    "latitude": "deg N",
    "longitude": "deg E",
    "altitude_m": "m",
    "timezone": "-",
    "wind_height_m": "m",
    "roughness_length_m": "m",
    "ghi_kwh_per_m2": "kWh/m2 per year (sum of months)",
    "temp_air_mean_c": "degC (mean of months)",
    "temp_air_diurnal_range_c": "degC (mean of months)",
    "wind_speed_mean_m_per_s": "m/s (mean of months)",
    "wind_weibull_k": "- (mean of months)",
}


def _climate_value(key: str, value: Any) -> tuple[Any, str] | None:
    """Return value and note of a site-file entry (monthly lists: sum or mean; None: skip)."""
    if not isinstance(value, list):
        return value, ""
    numbers = [number(v) for v in value]
    if any(n is None for n in numbers) or not numbers:
        return None
    total = key == "ghi_kwh_per_m2"
    mean_or_sum = float(np.sum(numbers) if total else np.mean(numbers))
    return mean_or_sum, "monthly Jan..Dec: " + ", ".join(f"{v:g}" for v in numbers)


def _climate_rows(a: _Assumptions, site_id: str, climate: str) -> None:
    """Add the figures of a site's climate file, each with its source or ESTIMATE note."""
    path = _climate_file(climate)
    if path is None:
        a.add(
            section="site climate",
            item=site_id,
            parameter="climate",
            value=climate,
            unit="-",
            status="scenario input",
            catalogue_value=None,
            source=f"site file '{climate}' of the scenario (not readable from the run folder)",
            currency_year="",
            note="",
        )
        return
    data = read_site_file(path)
    sources = data.get("sources") or {}
    estimates = data.get("estimates") or {}
    where = f"inputs/sites/{path.name}" if path.parent == inputs_dir() / "sites" else str(path)
    for key, value in data.items():
        if key in ("name", "sources", "estimates", "notes"):
            continue
        entry = _climate_value(key, value)
        if entry is None:
            continue
        value_cell, note = entry
        source = str(sources.get(key, "")).strip()
        estimate = str(estimates.get(key, "")).strip()
        if estimate:
            note = f"ESTIMATE: {estimate}" + (f"; {note}" if note else "")
        if not source:
            source = f"ESTIMATE: {estimate}" if estimate else f"{where} (no source recorded)"
        a.add(
            section="site climate",
            item=site_id,
            parameter=key,
            value=value_cell,
            unit=_CLIMATE_UNITS.get(key, "-"),
            status="site file",
            catalogue_value=None,
            source=source,
            currency_year="",
            note=note,
            basis="ESTIMATE" if estimate else _basis_of(source),
        )
    if data.get("notes"):
        a.add(
            section="site climate",
            item=site_id,
            parameter="notes",
            value=None,
            unit="",
            status="site file",
            catalogue_value=None,
            source=where,
            currency_year="",
            note=str(data["notes"]).strip(),
            basis="",
        )


def _site_and_settings_rows(a: _Assumptions, scen: Scenario) -> None:
    """Add data center, site and climate of each site, then the run settings."""
    for site_id, site in scen.sites.items():
        a.model_section("data center", site_id, site.data_center)
        pue = site.data_center.pue
        # The curve's defaults are those of the temperature it follows.
        a.model_section(
            "data center", site_id, pue, defaults=type(pue)(temperature=pue.temperature)
        )
        a.model_section("site", site_id, site, skip=("technologies", *_SITE_ECONOMICS))
        _climate_rows(a, site_id, site.climate)
    a.model_section("settings", "reliability", scen.reliability)
    a.model_section("settings", "time horizon", scen.time)
    a.model_section("settings", "solver", scen.solver)


# --------------------------------------------------------------------------- sheet


def assumption_rows(run_dir: str | Path) -> list[dict]:
    """Every input figure of a run with its unit, status and source (the Assumptions sheet).

    Parameters
    ----------
    run_dir : str or Path
        A run folder (its ``scenario.yaml`` and ``summary.json`` are read) .

    Returns
    -------
    list of dict
        One dict per figure with the keys of :data:`ASSUMPTION_COLUMNS` (spaces as
        underscores).
    """
    return _assumption_rows(read_run(Path(run_dir)))


def _assumption_rows(run: Run) -> list[dict]:
    scen = run.scenario
    a = _Assumptions(scen)
    econ = _catalogue("economics.csv")
    used = _used_technologies(scen)
    _technology_rows(a, scen, used)
    _economics_rows(a, run, econ)
    _backup_fuel_rows(a, scen, used)
    _grid_rows(a, scen)
    _site_economics_rows(a, scen, econ)
    _finance_rows(a, scen)
    _site_and_settings_rows(a, scen)
    return a.rows


def write_assumptions(w: Writer, run: Run) -> None:
    """Add the ``Assumptions`` sheet (:func:`assumption_rows`)."""
    rows = _assumption_rows(run)

    def col(key: str) -> list:
        return [r.get(key) for r in rows]

    ws = w.sheet("Assumptions")
    cols = [
        Col("section", col("section"), "text"),
        Col("item", col("item"), "text"),
        Col("parameter", col("parameter"), "text", width=34),
        Col("value", [], "gen", width=14),
        Col("unit", col("unit"), "text", width=24),
        Col(
            "status",
            col("status"),
            "text",
            width=22,
            comment="catalogue = value of inputs/*.csv as used; scenario override = the "
            "scenario's value differs from the catalogue (or the dcpower default); model "
            "default = dcpower's built-in default; scenario input = given by the scenario.",
        ),
        Col(
            "catalogue value",
            col("catalogue_value"),
            "gen",
            width=14,
            comment="the figure of inputs/*.csv as its source gives it, in its currency "
            "and currency year",
        ),
        Col("currency", col("currency"), "text", width=9),
        Col("currency year", [number(v) for v in col("currency_year")], "gen", width=10),
        Col(
            "catalogue value, price basis",
            col("catalogue_value_price_basis"),
            "gen",
            width=16,
            comment=f"converted to USD of {run.scenario.economics.price_basis_year} (US CPI-U; "
            "EUR by the euro-area HICP, then economics.usd_per_eur; inputs/deflators.csv): "
            "the value the model uses unless the scenario overrides it",
        ),
        Col("basis", col("basis"), "text", width=11),
        Col("source", col("source"), "wrap", width=80),
        Col("note", col("note"), "wrap", width=60),
    ]
    w.table(ws, cols, freeze_cols=3)
    # Values of different magnitude: a number format per cell.
    for i, value in enumerate(col("value"), start=1):
        w.value(ws, i, 3, value)
    for column, key in ((6, "catalogue_value"), (9, "catalogue_value_price_basis")):
        for i, value in enumerate(col(key), start=1):
            if number(value) is not None:
                ws.write_number(i, column, number(value), w.formats[value_format(value)])
