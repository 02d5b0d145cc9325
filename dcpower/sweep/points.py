"""The points of a sweep: their ids and draws, and their validation before any solve.

:func:`points` lists a sweep's points (grid combinations, one-at-a-time values, seeded draws),
each with a stable id (:func:`point_id`, a hash of its overrides); :class:`_Plan` builds and
validates every point's scenario dict from the base scenario.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import zlib
from typing import Any

import numpy as np

from dcpower import techs
from dcpower.errors import ScenarioError
from dcpower.scenario import CATALOGUE_BASIS_PATHS, load_scenario, scenario_from_dict
from dcpower.sweep.paths import get_path, set_path
from dcpower.sweep.point import METRICS
from dcpower.sweep.spec import SweepSpec


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
        self._bases: dict[str, dict] = {}
        self.base = self._base(spec, {})
        self.base_values = {p: get_path(self.base, p) for p in spec.varied_paths}
        self.points = points(spec)
        self.scenarios: dict[str, dict] = {}
        self.inputs: dict[str, dict[str, Any]] = {}
        self.varied: dict[str, str] = {}
        checked: set[tuple[str, str]] = set()
        for point in self.points:
            raw = self._with(point["overrides"])
            for path, value in point["overrides"].items():
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

    def _with(self, overrides: dict[str, Any]) -> dict:
        """Return a copy of the resolved base with the overrides set.

        A cost basis or price year loads the base anew; every other path is set on the
        loaded dict.
        """
        raw = copy.deepcopy(self._base_with(overrides))
        for path, value in overrides.items():
            if path not in CATALOGUE_BASIS_PATHS:
                set_path(raw, path, value)
        return raw

    def _base_with(self, overrides: dict[str, Any]) -> dict:
        """Return the resolved base, loaded anew with the catalogue basis a point picks."""
        basis = {p: v for p, v in overrides.items() if p in CATALOGUE_BASIS_PATHS}
        if not basis:
            return self.base
        key = _canonical(basis)
        if key not in self._bases:
            self._bases[key] = self._base(self.spec, basis)
        return self._bases[key]

    @staticmethod
    def _base(spec: SweepSpec, basis: dict[str, Any]) -> dict:
        """Return the sweep's base scenario, resolved, with its fixed inputs.

        ``basis`` (and fixed paths of :data:`CATALOGUE_BASIS_PATHS`) are set in the
        scenario file's ``economics`` before loading, so every catalogue figure follows them.
        """
        fixed_basis = {p: v for p, v in spec.fixed.items() if p in CATALOGUE_BASIS_PATHS}
        economics = {p.split(".", 1)[1]: v for p, v in {**fixed_basis, **basis}.items()}
        try:
            base = load_scenario(spec.base, economics=economics).model_dump(mode="json")
        except ScenarioError as err:
            shown = ", ".join(f"{p} = {v!r}" for p, v in {**fixed_basis, **basis}.items())
            raise ScenarioError(f"sweep: {shown}: {err}") from None
        for path, value in spec.fixed.items():
            if path in CATALOGUE_BASIS_PATHS:
                continue
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
        raw = self._with({path: value})
        try:
            scenario_from_dict(raw, origin="scenario")
        except ScenarioError as err:
            raise ScenarioError(_named(path, value, err)) from None

    def output_check(self) -> None:
        """Reject a chart output that no row will have."""
        prefix, _, metric = self.spec.output.partition(".")
        sites = list(self.base["sites"])
        whole_units = {t.kind for t in techs.technologies() if t.resource == "thermal"}
        gas = [t for t, v in self.base["technologies"].items() if v.get("kind") in whole_units]
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
