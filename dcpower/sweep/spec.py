"""What a sweep varies: :class:`SweepSpec`, its distributions, and reading it from YAML."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dcpower.errors import ScenarioError
from dcpower.safe_yaml import load_yaml, read_text, yaml_problem
from dcpower.sweep.paths import split_path


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
        raw = load_yaml(read_text(path))
    except OSError as err:
        raise ScenarioError(f"sweep '{path}': cannot read: {err.strerror or err}") from None
    except ValueError as err:
        raise ScenarioError(f"sweep {err}") from None
    except yaml.YAMLError as err:
        raise ScenarioError(f"{path}: {yaml_problem(err)}") from None
    return sweep_from_dict(raw, origin=str(path), folder=path.parent)


def is_sweep_file(path: str | Path) -> bool:
    """Tell whether a YAML file is a sweep (it has a top-level ``base``), not a scenario."""
    p = Path(path)
    if not p.is_file() or p.suffix not in {".yaml", ".yml"}:
        return False
    try:
        raw = load_yaml(read_text(p))
    except (OSError, ValueError, yaml.YAMLError):
        return False
    return isinstance(raw, dict) and "base" in raw and "sites" not in raw
