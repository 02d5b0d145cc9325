"""Parameter sweeps: many runs of one scenario with some inputs changed, on dask.distributed.

A sweep is a base scenario plus variations addressed by dotted paths into the scenario's raw
dict (``load_scenario(base).model_dump(mode="json")``), for example
``sites.aktau.gas_price_usd_per_mmbtu``, ``technologies.battery_li_ion.capex_energy_usd_per_kwh``
or ``economics.wacc``. :class:`SweepSpec` says which values to try:

- ``grid``: ``{path: [values]}``; every combination is a point (the Cartesian product);
- ``one_at_a_time: true``: the base point plus each grid value of each path alone (for the
  tornado and spider charts);
- ``sample: N`` with ``distributions`` ``{path: {dist: uniform|normal|triangular|choice,
  ...}}``: N seeded random draws (Monte Carlo; combined with every grid combination if both
  are given);
- ``fixed``: ``{path: value}`` applied to every point (e.g. a short ``time`` window).

Every point is validated before any solve (an unknown path or a value the scenario rejects is
a :class:`~dcpower.errors.ScenarioError` naming the path and the value). Each point has a
stable id, a hash of its overrides, so a rerun of the same sweep into the same folder skips
what is done. :func:`run_sweep` solves the points on a dask.distributed cluster (a
LocalCluster of single-threaded worker processes by default), each with
``dcpower.run(point, out=<out_dir>/runs/<id>, parallel=False)``, and writes after every
finished point the table ``results.parquet`` / ``results.csv`` (one flat row per point), and
at the end ``sweep.html`` with a tornado and a spider chart (also as PNG).

The Monte Carlo availability that follows every run is cut to ``monte_carlo_years`` (default
100 simulated years, instead of the scenario's 1,000) unless the sweep sets
``reliability.monte_carlo_years`` itself: the sweep compares plans, the single run of the
chosen plan measures its availability precisely.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import html
import itertools
import json
import logging
import math
import os
import time
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dcpower.errors import DcpowerError, InfeasibleError, ScenarioError
from dcpower.scenario import load_scenario, resolve_scenario_path, scenario_from_dict

log = logging.getLogger(__name__)

#: Files a sweep writes in its folder.
RESULTS_PARQUET = "results.parquet"
RESULTS_CSV = "results.csv"
SWEEP_JSON = "sweep.json"
SWEEP_HTML = "sweep.html"
RUNS_DIR = "runs"
#: Written into a point's run folder once its run has finished (its id, overrides, seconds).
POINT_JSON = "sweep_point.json"

#: Statuses of a point whose run folder was written.
SOLVED = ("optimal", "time_limit", "shortfall")
#: Statuses of a point whose run raised; "infeasible" is final (a rerun skips it), "error" is
#: tried again by a rerun.
FAILED = ("infeasible", "error")

#: Row columns before the inputs and outputs.
LEAD_COLUMNS = ("point_id", "status", "reason", "varied")

#: Output metrics per site and in total: column suffix -> (label, unit, scale for charts).
METRICS: dict[str, tuple[str, str, float]] = {
    "cost_usd_per_yr": ("annual cost", "M USD/yr", 1e-6),
    "lcoe_usd_per_mwh": ("LCOE", "USD/MWh", 1.0),
    "capex_usd": ("overnight capex", "M USD", 1e-6),
    "co2_t_per_yr": ("CO2", "kt/yr", 1e-3),
    "unserved_mwh_per_yr": ("unserved energy", "MWh/yr", 1.0),
    "renewable_share": ("renewable share", "%", 100.0),
    "gas_mw": ("gas capacity", "MW", 1.0),
    "pv_mw": ("PV", "MW_ac", 1.0),
    "wind_mw": ("wind", "MW", 1.0),
    "battery_mw": ("battery power", "MW", 1.0),
    "battery_mwh": ("battery energy", "MWh", 1.0),
    "availability_pct": ("availability (Monte Carlo mean)", "%", 1.0),
    "lole_h_per_yr": ("loss-of-load expectation", "h/yr", 1.0),
}

Progress = Callable[[dict, int, int], None]


# --------------------------------------------------------------------------- the spec


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Uniform(_Strict):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"uniform: low = {self.low} must be below high = {self.high}")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> list:
        """Return n draws."""
        return [float(v) for v in rng.uniform(self.low, self.high, n)]


class Normal(_Strict):
    """Normal with ``mean`` and ``std``, optionally clipped to ``[low, high]``."""

    dist: Literal["normal"]
    mean: float
    std: Annotated[float, Field(gt=0)]
    low: float | None = None
    high: float | None = None

    def draw(self, rng: np.random.Generator, n: int) -> list:
        """Return n draws (clipped to low/high where given)."""
        values = rng.normal(self.mean, self.std, n)
        if self.low is not None or self.high is not None:
            values = np.clip(values, self.low, self.high)
        return [float(v) for v in values]


class Triangular(_Strict):
    """Triangular between ``low`` and ``high`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"triangular: needs low <= mode <= high and low < high, got low = {self.low}, "
                f"mode = {self.mode}, high = {self.high}"
            )
        return self

    def draw(self, rng: np.random.Generator, n: int) -> list:
        """Return n draws."""
        return [float(v) for v in rng.triangular(self.low, self.mode, self.high, n)]


class Choice(_Strict):
    """One of ``values`` (any scenario values, e.g. lists), with optional ``weights``."""

    dist: Literal["choice"]
    values: list[Any] = Field(min_length=1)
    weights: list[Annotated[float, Field(ge=0)]] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"choice: {len(self.weights)} weights for {len(self.values)} values"
                )
            if sum(self.weights) <= 0:
                raise ValueError("choice: weights sum to 0")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> list:
        """Return n draws (copies of the chosen values)."""
        p = None
        if self.weights is not None:
            p = np.asarray(self.weights, dtype=float) / sum(self.weights)
        picks = rng.choice(len(self.values), size=n, p=p)
        return [copy.deepcopy(self.values[int(i)]) for i in picks]


Distribution = Annotated[Uniform | Normal | Triangular | Choice, Field(discriminator="dist")]


class SweepSpec(_Strict):
    """What a sweep varies, around which base scenario.

    Attributes
    ----------
    name : str
        Name of the sweep (report title).
    base : str
        Base scenario: a shipped model name or a YAML path.
    fixed : dict
        ``{path: value}`` set at every point, the base point included (e.g. ``time``).
    grid : dict
        ``{path: [values]}``: the Cartesian product, or each path alone with
        ``one_at_a_time``.
    one_at_a_time : bool
        The base point plus each grid value of each path alone (tornado, spider).
    sample : int or None
        Number of random draws of ``distributions``.
    distributions : dict
        ``{path: {dist: uniform|normal|triangular|choice, ...}}``.
    seed : int
        Seed of the draws (each path draws from its own stream of this seed).
    output : str
        Table column the tornado and spider charts show, e.g. ``total.cost_usd_per_yr``,
        ``total.lcoe_usd_per_mwh`` or ``baku.pv_mw``.
    monte_carlo_years : int
        Years of the availability Monte Carlo at each point (the scenario's own figure
        if it is smaller, or if the sweep sets ``reliability.monte_carlo_years``).
    """

    name: str = "sweep"
    base: str
    fixed: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] = Field(default_factory=dict)
    one_at_a_time: bool = False
    sample: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    distributions: dict[str, Distribution] = Field(default_factory=dict)
    seed: Annotated[int, Field(ge=0)] = 0
    output: str = "total.cost_usd_per_yr"
    monte_carlo_years: Annotated[int, Field(ge=0, le=100_000)] = 100

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        if (self.sample is None) != (not self.distributions):
            raise ValueError(
                "sample and distributions go together: sample = N draws of distributions"
            )
        if self.one_at_a_time and self.sample is not None:
            raise ValueError("one_at_a_time varies grid values one by one; it takes no sample")
        if self.one_at_a_time and not self.grid:
            raise ValueError("one_at_a_time needs a grid of values to vary one by one")
        seen: dict[str, str] = {}
        for section in ("fixed", "grid", "distributions"):
            for path in getattr(self, section):
                split_path(path)
                if path in seen:
                    raise ValueError(f"path '{path}' is both in {seen[path]} and in {section}")
                seen[path] = section
        return self

    @property
    def varied_paths(self) -> list[str]:
        """The paths whose value changes from point to point, in spec order."""
        return [*self.grid, *self.distributions]


def sweep_from_dict(raw: Any, origin: str = "sweep", folder: Path | None = None) -> SweepSpec:
    """Validate a sweep given as a dict (e.g. parsed YAML).

    Parameters
    ----------
    raw : dict
        The sweep's fields (see :class:`SweepSpec`).
    origin : str
        Where it comes from, for messages.
    folder : Path, optional
        Folder of the sweep file: a relative ``base`` path is read from there first.

    Raises
    ------
    ScenarioError
        With the field, the value and what is wrong.
    """
    if not isinstance(raw, dict):
        raise ScenarioError(f"{origin}: expected a mapping at the top level, got {type(raw)}")
    raw = dict(raw)
    base = raw.get("base")
    if folder is not None and isinstance(base, str) and (folder / base).is_file():
        raw["base"] = str((folder / base).resolve())
    try:
        return SweepSpec.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        more = "" if len(err.errors()) == 1 else f" (and {len(err.errors()) - 1} more)"
        if first["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(SweepSpec.model_fields))
            raise ScenarioError(
                f"{origin}: unknown field '{where}'; allowed: {allowed}{more}"
            ) from None
        shown = f"{where} = {first.get('input')!r}: " if where else ""
        raise ScenarioError(f"{origin}: {shown}{msg}{more}") from None


def load_sweep(path: str | Path) -> SweepSpec:
    """Read a sweep YAML file (its ``base`` path is relative to the file)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ScenarioError(f"sweep '{path}': cannot read: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise ScenarioError(f"{path}: not valid YAML: {str(err).splitlines()[0]}") from None
    return sweep_from_dict(raw, origin=str(path), folder=path.parent)


def is_sweep_file(path: str | Path) -> bool:
    """Tell whether a YAML file is a sweep (it has a top-level ``base``), not a scenario."""
    p = Path(path)
    if not p.is_file() or p.suffix not in {".yaml", ".yml"}:
        return False
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(raw, dict) and "base" in raw and "sites" not in raw


# --------------------------------------------------------------------------- dotted paths


def split_path(path: str) -> list[str]:
    """Split a dotted path (``sites.aktau.gas_price_usd_per_mmbtu``) into its keys.

    Raises
    ------
    ScenarioError
        If the path is empty or has an empty part.
    """
    if not isinstance(path, str) or not path.strip():
        raise ScenarioError(f"sweep: path {path!r}: expected a dotted path like economics.wacc")
    parts = path.strip().split(".")
    if any(not p for p in parts):
        raise ScenarioError(f"sweep: path '{path}': empty part between dots")
    return parts


def _walk(raw: dict, path: str) -> tuple[Any, str | int]:
    """Return the container holding the path's last key, and that key (checked to exist)."""
    parts = split_path(path)
    node: Any = raw
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth]) or "the scenario"
        key: str | int = part
        if isinstance(node, dict):
            if part not in node:
                allowed = ", ".join(str(k) for k in node) or "none"
                raise ScenarioError(
                    f"sweep: unknown path '{path}': {here} has no '{part}'; allowed: {allowed}"
                )
        elif isinstance(node, list):
            if not part.lstrip("-").isdigit() or not -len(node) <= int(part) < len(node):
                raise ScenarioError(
                    f"sweep: unknown path '{path}': {here} is a list of {len(node)}; "
                    f"'{part}' is not an index in it"
                )
            key = int(part)
        else:
            raise ScenarioError(
                f"sweep: unknown path '{path}': {here} is a value ({node!r}), not a section"
            )
        if depth == len(parts) - 1:
            return node, key
        node = node[key]
    raise AssertionError("unreachable")


def get_path(raw: dict, path: str) -> Any:
    """Return the value at a dotted path of a raw scenario dict.

    Raises
    ------
    ScenarioError
        If the path does not exist (the message names it and what is allowed there).
    """
    node, key = _walk(raw, path)
    return node[key]


def set_path(raw: dict, path: str, value: Any) -> None:
    """Set the value at an existing dotted path of a raw scenario dict (in place).

    Raises
    ------
    ScenarioError
        If the path does not exist.
    """
    node, key = _walk(raw, path)
    node[key] = copy.deepcopy(value)


def _split_values(text: str) -> list[str]:
    """Split ``a,b,[c,d]`` at top-level commas (not inside brackets, braces or quotes)."""
    parts, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def _yaml_value(text: str, where: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        raise ScenarioError(f"{where}: cannot read value {text!r}") from None


def parse_assignment(text: str, many: bool = True) -> tuple[str, Any]:
    """Parse ``path=v1,v2,...`` (``many``) or ``path=value`` from the command line.

    Values are read as YAML: ``2`` is a number, ``[pv_fixed, recip_engine]`` a list,
    ``null`` None. With ``many``, values are split at top-level commas and a list of them is
    returned.

    Raises
    ------
    ScenarioError
        If there is no ``=``, no path or no value.
    """
    path, sep, rhs = text.partition("=")
    path = path.strip()
    where = f"'{text}'"
    if not sep or not path or not rhs.strip():
        raise ScenarioError(
            f"{where}: expected PATH=VALUE{',VALUE...' if many else ''}, "
            "e.g. sites.aktau.gas_price_usd_per_mmbtu=2,4,6"
        )
    split_path(path)
    if not many:
        return path, _yaml_value(rhs.strip(), where)
    items = _split_values(rhs)
    if any(not item for item in items):
        raise ScenarioError(f"{where}: empty value between commas")
    return path, [_yaml_value(item, where) for item in items]


# --------------------------------------------------------------------------- points


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def point_id(overrides: dict[str, Any]) -> str:
    """Stable id of a point: a hash of its overrides (key order does not matter).

    ``{}`` (the base point) has an id too. Values are hashed as written: ``4`` and ``4.0``
    are different points.
    """
    digest = hashlib.sha256(_canonical(overrides).encode("utf-8")).hexdigest()
    return f"p{digest[:10]}"


def _path_stream(seed: int, path: str) -> np.random.Generator:
    """Return the random stream of a path (adding or reordering paths leaves its draws)."""
    return np.random.default_rng([seed, zlib.crc32(path.encode("utf-8"))])


def points(spec: SweepSpec) -> list[dict]:
    """Return the points of a sweep in a stable order: ``{"id": ..., "overrides": {...}}``.

    ``overrides`` holds the varied paths only (``fixed`` is part of the base). Points with the
    same overrides (e.g. repeated ``choice`` draws) appear once.
    """
    combos: list[dict[str, Any]]
    if spec.one_at_a_time:
        combos = [{}] + [{path: v} for path, values in spec.grid.items() for v in values]
    else:
        keys = list(spec.grid)
        combos = [
            dict(zip(keys, vals, strict=True)) for vals in itertools.product(*spec.grid.values())
        ]
    if spec.sample is not None:
        draws = {
            p: d.draw(_path_stream(spec.seed, p), spec.sample)
            for p, d in spec.distributions.items()
        }
        samples = [{p: draws[p][i] for p in draws} for i in range(spec.sample)]
        combos = [{**combo, **sample} for combo in combos for sample in samples]
    out: dict[str, dict] = {}
    for overrides in combos:
        out.setdefault(point_id(overrides), {"id": point_id(overrides), "overrides": overrides})
    return list(out.values())


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)
    return _canonical(a) == _canonical(b)


def _cell(value: Any) -> Any:
    """Return a value as a table cell: scalars as they are, lists and mappings as JSON."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return _canonical(value)


class _Plan:
    """The validated sweep: base dict, every point's scenario dict, and the chart metadata."""

    def __init__(self, spec: SweepSpec):
        self.spec = spec
        self.base = self._base(spec)
        self.base_values = {p: get_path(self.base, p) for p in spec.varied_paths}
        self.points = points(spec)
        self.scenarios: dict[str, dict] = {}
        self.inputs: dict[str, dict[str, Any]] = {}
        self.varied: dict[str, str] = {}
        checked: set[tuple[str, str]] = set()
        for point in self.points:
            raw = copy.deepcopy(self.base)
            for path, value in point["overrides"].items():
                set_path(raw, path, value)
                if (path, _canonical(value)) not in checked:
                    self._check_one(path, value)
                    checked.add((path, _canonical(value)))
            try:
                scenario = scenario_from_dict(raw, origin="scenario")
            except ScenarioError as err:
                shown = ", ".join(f"{p} = {v!r}" for p, v in point["overrides"].items())
                raise ScenarioError(f"sweep: point {point['id']} ({shown}): {err}") from None
            pid = point["id"]
            self.scenarios[pid] = scenario.model_dump(mode="json")
            values = {**self.base_values, **point["overrides"]}
            self.inputs[pid] = {p: _cell(values[p]) for p in spec.varied_paths}
            self.varied[pid] = ",".join(
                p for p, v in point["overrides"].items() if not _same(v, self.base_values[p])
            )
        self.fingerprint = hashlib.sha256(_canonical(self.base).encode("utf-8")).hexdigest()[:16]

    @staticmethod
    def _base(spec: SweepSpec) -> dict:
        base = load_scenario(spec.base).model_dump(mode="json")
        for path, value in spec.fixed.items():
            set_path(base, path, value)
            try:
                scenario_from_dict(base, origin="scenario")
            except ScenarioError as err:
                raise ScenarioError(_named(path, value, err, "fixed ")) from None
        addressed = {*spec.fixed, *spec.varied_paths}
        rules = base.get("reliability")
        if "reliability.monte_carlo_years" not in addressed and isinstance(rules, dict):
            years = rules.get("monte_carlo_years", spec.monte_carlo_years)
            rules["monte_carlo_years"] = min(int(years), spec.monte_carlo_years)
        base = scenario_from_dict(base, origin=f"sweep base '{spec.base}'").model_dump(mode="json")
        return base

    def _check_one(self, path: str, value: Any) -> None:
        raw = copy.deepcopy(self.base)
        set_path(raw, path, value)
        try:
            scenario_from_dict(raw, origin="scenario")
        except ScenarioError as err:
            raise ScenarioError(_named(path, value, err)) from None

    def output_check(self) -> None:
        """Reject a chart output that no row will have."""
        prefix, _, metric = self.spec.output.partition(".")
        sites = list(self.base["sites"])
        gas = [t for t, v in self.base["technologies"].items() if v.get("kind") == "gas"]
        known = set(METRICS) | {f"gas_units.{g}" for g in gas}
        if prefix not in {"total", *sites} or metric not in known:
            raise ScenarioError(
                f"sweep: output = '{self.spec.output}': not a result column; use "
                f"<total|{'|'.join(sites)}>.<{'|'.join(METRICS)}>"
            )


def _named(path: str, value: Any, err: ScenarioError, what: str = "") -> str:
    """Return the message of a rejected value, naming the path and the value once."""
    text = str(err).removeprefix("scenario: ")
    shown = value if not isinstance(value, dict) else "{...}"
    text = text.removeprefix(f"{path} = {shown!r}: ")
    return f"sweep: {what}{path} = {value!r}: {text}"


def validate_sweep(spec: SweepSpec) -> list[dict]:
    """Check every point of a sweep without solving; return the points.

    Raises
    ------
    ScenarioError
        Naming the path and the value of the first point the scenario rejects.
    """
    plan = _Plan(spec)
    plan.output_check()
    return plan.points


# --------------------------------------------------------------------------- one point


def _num(value: Any) -> float:
    return float("nan") if value is None else float(value)


def row_from_summary(lead: dict, summary: dict, seconds: float) -> dict:
    """Return the flat table row of a point from its run's ``summary.json``."""
    row = dict(lead)
    row.update(
        status=summary.get("status"),
        reason=None,
        objective_usd_per_yr=_num(summary.get("objective_usd_per_yr")),
        mip_gap=_num(summary.get("mip_gap")),
        seconds=float(seconds),
    )
    availability = ((summary.get("reliability") or {}).get("availability") or {}).get("sites")
    availability = availability or {}
    total = dict.fromkeys(("gas_mw", "pv_mw", "wind_mw", "battery_mw", "battery_mwh"), 0.0)
    total_units: dict[str, int] = {}
    renewable = 0.0
    for site_id, site in summary["sites"].items():
        cap = site["capacity"]
        gas_mw = 0.0
        for gas_type, built in cap["gas"].items():
            row[f"{site_id}.gas_units.{gas_type}"] = int(built["units"])
            total_units[gas_type] = total_units.get(gas_type, 0) + int(built["units"])
            gas_mw += built["units"] * built["unit_mw"]
        sizes = {
            "gas_mw": gas_mw,
            "pv_mw": cap["pv_mw"],
            "wind_mw": cap["wind_mw"],
            "battery_mw": cap["battery_mw"],
            "battery_mwh": cap["battery_mwh"],
        }
        for key, value in sizes.items():
            row[f"{site_id}.{key}"] = float(value)
            total[key] += float(value)
        for key in (
            "capex_usd",
            "cost_usd_per_yr",
            "lcoe_usd_per_mwh",
            "co2_t_per_yr",
            "unserved_mwh_per_yr",
            "renewable_share",
        ):
            row[f"{site_id}.{key}"] = _num(site.get(key))
        renewable += _num(site.get("renewable_share")) * _num(site.get("load_mwh_per_yr"))
        figures = availability.get(site_id) or {}
        row[f"{site_id}.availability_pct"] = _num(
            (figures.get("availability_time_pct") or {}).get("mean")
        )
        row[f"{site_id}.lole_h_per_yr"] = _num((figures.get("lole_h_per_yr") or {}).get("mean"))
    totals = summary["totals"]
    for gas_type, units in total_units.items():
        row[f"total.gas_units.{gas_type}"] = units
    for key, value in total.items():
        row[f"total.{key}"] = value
    for key in ("capex_usd", "cost_usd_per_yr", "lcoe_usd_per_mwh", "co2_t_per_yr"):
        row[f"total.{key}"] = _num(totals.get(key))
    row["total.unserved_mwh_per_yr"] = _num(totals.get("unserved_mwh_per_yr"))
    load = _num(totals.get("load_mwh_per_yr"))
    row["total.renewable_share"] = renewable / load if load else float("nan")
    sites = list(summary["sites"])
    avail = [row[f"{s}.availability_pct"] for s in sites]
    lole = [row[f"{s}.lole_h_per_yr"] for s in sites]
    # The hub is as available as its worst site.
    row["total.availability_pct"] = min(avail) if avail else float("nan")
    row["total.lole_h_per_yr"] = max(lole) if lole else float("nan")
    return row


def _failed_row(lead: dict, status: str, reason: str, seconds: float) -> dict:
    return {**lead, "status": status, "reason": reason, "seconds": float(seconds)}


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or "(no message)"
    return text if isinstance(err, DcpowerError) else f"{type(err).__name__}: {text}"


def solve_point(pid: str, scenario: dict, run_dir: str, lead: dict) -> dict:
    """Run one point (in a dask worker) and return its table row; never raises.

    Parameters
    ----------
    pid : str
        The point id.
    scenario : dict
        The point's validated scenario, as a raw dict.
    run_dir : str
        Its run folder (``<out_dir>/runs/<id>``).
    lead : dict
        The row's id, varied paths and input values.
    """
    started = time.perf_counter()
    try:
        from dcpower.pipeline import run

        run(
            scenario_from_dict(scenario, origin=f"sweep point {pid}"),
            out=run_dir,
            parallel=False,
            reports=False,  # each point's folder is complete; `dcpower report` can add them
        )
        seconds = time.perf_counter() - started
        folder = Path(run_dir)
        summary = json.loads((folder / "summary.json").read_text())
        marker = {"point_id": pid, "seconds": seconds, **lead}
        (folder / POINT_JSON).write_text(json.dumps(marker, indent=2, default=str))
        return row_from_summary(lead, summary, seconds)
    except InfeasibleError as err:
        return _failed_row(lead, "infeasible", _one_line(err), time.perf_counter() - started)
    except Exception as err:  # a point never stops the sweep
        return _failed_row(lead, "error", _one_line(err), time.perf_counter() - started)


# --------------------------------------------------------------------------- the table


def _frame(rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    for column in LEAD_COLUMNS:
        if column not in table:
            table[column] = None
    first = [*LEAD_COLUMNS]
    table = table[first + [c for c in table.columns if c not in first]]
    for column in table.columns:
        if ".gas_units." in column:  # unit counts stay integers next to failed points' blanks
            table[column] = pd.to_numeric(table[column], errors="coerce").round().astype("Int64")
            continue
        if table[column].dtype != object:
            continue
        kinds = {type(v) for v in table[column] if v is not None and v == v}
        if len(kinds) > 1:  # mixed types (e.g. 'Tier III' and 99.99): text for parquet
            table[column] = [
                v if v is None or isinstance(v, str) or v != v else _canonical(v)
                for v in table[column]
            ]
    return table


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_table(out_dir: Path, rows: list[dict]) -> pd.DataFrame:
    """Write ``results.parquet`` and ``results.csv`` (each atomically); return the table."""
    table = _frame(rows)
    _replace(out_dir / RESULTS_PARQUET, lambda p: table.to_parquet(p, index=False))
    _replace(out_dir / RESULTS_CSV, lambda p: table.to_csv(p, index=False))
    return table


def read_table(out_dir: str | Path) -> pd.DataFrame | None:
    """Read the results table of a sweep folder (parquet, else CSV); None if there is none."""
    out_dir = Path(out_dir)
    for name, reader in ((RESULTS_PARQUET, pd.read_parquet), (RESULTS_CSV, pd.read_csv)):
        path = out_dir / name
        if path.is_file():
            try:
                return reader(path)
            except Exception as err:  # a damaged table: fall back, then start anew
                log.warning("%s: cannot read (%s)", path, err)
    return None


def _rows_by_id(table: pd.DataFrame | None) -> dict[str, dict]:
    if table is None or "point_id" not in table:
        return {}
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return {str(r["point_id"]): r for r in rows}


# --------------------------------------------------------------------------- the sweep


def _prepare_folder(out_dir: Path, plan: _Plan) -> None:
    record = out_dir / SWEEP_JSON
    if out_dir.exists() and not out_dir.is_dir():
        raise DcpowerError(f"sweep folder '{out_dir}': exists and is not a folder")
    if out_dir.is_dir() and not record.is_file() and any(out_dir.iterdir()):
        raise DcpowerError(
            f"sweep folder '{out_dir}': exists, is not empty and is not a sweep folder (no "
            f"{SWEEP_JSON}); give a new, empty or earlier sweep folder"
        )
    if record.is_file():
        try:
            earlier = json.loads(record.read_text()).get("base_fingerprint")
        except (OSError, ValueError, AttributeError):
            earlier = None
        if earlier != plan.fingerprint:
            raise DcpowerError(
                f"sweep folder '{out_dir}': holds a sweep of a different base scenario (base or "
                "fixed values changed, see its sweep.json); give a new folder or delete it"
            )
    (out_dir / RUNS_DIR).mkdir(parents=True, exist_ok=True)
    meta = {
        "name": plan.spec.name,
        "base": plan.spec.base,
        "base_fingerprint": plan.fingerprint,
        "spec": plan.spec.model_dump(mode="json"),
        "base_values": plan.base_values,
        "points": len(plan.points),
    }
    _replace(record, lambda p: p.write_text(json.dumps(meta, indent=2, default=str)))


def _done_row(out_dir: Path, pid: str, lead: dict, earlier: dict | None) -> dict | None:
    """Return the row of a point that needs no solve (resume), or None."""
    folder = out_dir / RUNS_DIR / pid
    if earlier is not None:
        status = earlier.get("status")
        if status in SOLVED and (folder / "summary.json").is_file():
            return {**earlier, **lead}
        if status == "infeasible":
            return {**earlier, **lead}
    # A run that finished after the table was last written: its row is rebuilt from the folder.
    marker = folder / POINT_JSON
    if (folder / "summary.json").is_file() and marker.is_file():
        try:
            done = json.loads(marker.read_text())
            summary = json.loads((folder / "summary.json").read_text())
            if done.get("point_id") == pid:
                return row_from_summary(lead, summary, float(done.get("seconds", float("nan"))))
        except (OSError, ValueError, KeyError, TypeError):
            return None
    return None


def run_sweep(
    spec: SweepSpec,
    out_dir: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Solve every point of a sweep on dask.distributed; write the table and the charts.

    Parameters
    ----------
    spec : SweepSpec
        The sweep.
    out_dir : str or Path
        Sweep folder: ``runs/<point id>/`` (a run folder per point), ``results.parquet``,
        ``results.csv`` (rewritten after every finished point), ``sweep.json``,
        ``sweep.html`` and ``figures/``. A rerun into the same folder solves only the points
        not done yet (an ``error`` point is tried again, an ``infeasible`` one is not).
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``); its workers must have
        dcpower installed and see ``out_dir``. Default: a LocalCluster on this machine.
    workers : int, optional
        Worker processes of the LocalCluster (one thread each); default: the CPU count,
        at most the number of points to solve.
    progress : callable, optional
        Called as ``progress(row, done, total)`` after each solved point.

    Returns
    -------
    pd.DataFrame
        One row per point, in point order (see :func:`row_from_summary`). ``attrs`` holds
        ``solved`` and ``skipped`` (point ids).

    Raises
    ------
    ScenarioError
        An unknown path or a value the scenario rejects (before any solve).
    DcpowerError
        ``out_dir`` is not a sweep folder, or holds a sweep of another base scenario.
    """
    plan = _Plan(spec)
    plan.output_check()
    out_dir = Path(out_dir).absolute()
    _prepare_folder(out_dir, plan)
    earlier = _rows_by_id(read_table(out_dir))
    leads = {
        p["id"]: {"point_id": p["id"], "varied": plan.varied[p["id"]], **plan.inputs[p["id"]]}
        for p in plan.points
    }
    rows: dict[str, dict] = {}
    todo: list[str] = []
    for point in plan.points:
        pid = point["id"]
        done = _done_row(out_dir, pid, leads[pid], earlier.get(pid))
        if done is None:
            todo.append(pid)
        else:
            rows[pid] = done
    order = [p["id"] for p in plan.points]

    def table() -> pd.DataFrame:
        return write_table(out_dir, [rows[pid] for pid in order if pid in rows])

    table()
    if todo:
        log.info("sweep %s: %d points to solve, %d done", spec.name, len(todo), len(rows))
        _solve_all(plan, out_dir, todo, leads, rows, table, scheduler, workers, progress)
    result = table()
    write_sweep_report(out_dir, result)
    result.attrs["solved"] = todo
    result.attrs["skipped"] = [pid for pid in order if pid not in todo]
    return result


def _solve_all(plan, out_dir, todo, leads, rows, table, scheduler, workers, progress) -> None:
    from distributed import Client, LocalCluster, as_completed

    with _quiet_distributed():
        cluster = None
        if scheduler is None:
            n = workers or os.cpu_count() or 1
            cluster = LocalCluster(
                n_workers=max(1, min(n, len(todo))),
                threads_per_worker=1,
                processes=True,
                # No dashboard; its HTTP server (health, metrics) on a free local port, so
                # sweeps side by side never compete for port 8787.
                dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler)
        futures = {}
        try:
            tag = uuid.uuid4().hex[:8]
            for pid in todo:
                future = client.submit(
                    solve_point,
                    pid,
                    plan.scenarios[pid],
                    str(out_dir / RUNS_DIR / pid),
                    leads[pid],
                    key=f"dcpower-sweep-{pid}-{tag}",
                    pure=False,
                )
                futures[future] = pid
            for done, future in enumerate(as_completed(futures), start=1):
                pid = futures[future]
                try:
                    row = future.result()
                except Exception as err:  # the worker died, or could not run the task
                    row = _failed_row(leads[pid], "error", _one_line(err), float("nan"))
                rows[pid] = row
                future.release()
                table()
                if progress is not None:
                    progress(row, done, len(todo))
        finally:
            unfinished = [f for f in futures if not f.done()]
            if unfinished:
                client.cancel(unfinished)
            client.close()
            if cluster is not None:
                cluster.close()


@contextlib.contextmanager
def _quiet_distributed():
    """Keep dask.distributed's INFO chatter (start, stop, closed comms) off the console."""
    names = ("distributed", "tornado")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


# --------------------------------------------------------------------------- charts


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
            (low, PALETTE["wind"], "lowest value"),
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
    lines = []
    for path in paths if base is not None else []:
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
    if base is None or not lines:
        return _no_chart(
            fig,
            "no solved base point or numeric input: a spider chart needs one_at_a_time "
            "(or base values in the grid) and numeric values",
        )
    colors = [PALETTE[k] for k in ("wind", "fuel", "battery", "revenue", "gas", "capex", "pv")]
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


# --------------------------------------------------------------------------- report

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
    esc = html.escape
    counts = table["status"].value_counts().to_dict() if "status" in table else {}
    label, scale = output_label(output)
    columns = ["point_id", "status", *paths, output, "seconds"]
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
<table><tr>{head}</tr>{"".join(body)}</table>
</body></html>
"""
    path = out_dir / SWEEP_HTML
    _replace(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path


# --------------------------------------------------------------------------- command line


def spec_from_command_line(
    spec_or_scenario: str,
    *,
    vary: list[str] | None = None,
    fixed: list[str] | None = None,
    sample: int | None = None,
    seed: int | None = None,
    one_at_a_time: bool = False,
    output: str | None = None,
) -> SweepSpec:
    """Build a sweep from ``dcpower sweep`` arguments.

    Parameters
    ----------
    spec_or_scenario : str
        A sweep YAML file (with ``base``), or a base scenario (shipped name or path).
    vary : list of str
        ``PATH=V1,V2,...`` added to the grid.
    fixed : list of str
        ``PATH=VALUE`` set at every point.
    sample, seed, one_at_a_time, output
        Override the file's settings where given.

    Raises
    ------
    ScenarioError
        A bad argument, file or field.
    """
    if is_sweep_file(spec_or_scenario):
        raw = load_sweep(spec_or_scenario).model_dump(mode="json", exclude_unset=False)
    else:
        path = resolve_scenario_path(spec_or_scenario)
        raw = {"name": f"{path.stem}-sweep", "base": str(path)}
    raw.setdefault("grid", {})
    raw.setdefault("fixed", {})
    for text in vary or []:
        path, values = parse_assignment(text, many=True)
        raw["grid"][path] = values
    for text in fixed or []:
        path, value = parse_assignment(text, many=False)
        raw["fixed"][path] = value
    if sample is not None:
        raw["sample"] = sample
    if seed is not None:
        raw["seed"] = seed
    if one_at_a_time:
        raw["one_at_a_time"] = True
    if output is not None:
        raw["output"] = output
    return sweep_from_dict(raw, origin="sweep")
