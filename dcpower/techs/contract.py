"""The technology contract: everything a technology is, in one class, and the registry.

A technology (PV, wind, a battery, a gas unit type, ...) is one :class:`Technology`
subclass, registered once with :func:`register`. It owns

- its parameter class (:attr:`Technology.spec`, a pydantic :class:`TechSpec` with units in
  its field names) and the catalogue ids it reads defaults from (``inputs/technologies.csv``);
- its hourly profile (output per MW, ambient derating) from the weather, through
  ``dcpower.resource`` physics, and its firm share at the design point;
- its model block and its read-back (pyomo: imported only when a model is built, so code
  that reads run folders never loads pyomo);
- its column vocabulary in the run folder, its independent checks and its behaviour in the
  availability Monte Carlo;
- its display name, colour and stack order.

Everything outside ``dcpower/techs`` loops over the registered technologies and never asks
which kind a technology is. This module imports no pyomo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np
import pandas as pd
from pydantic import Field

from dcpower.schema import NonNegative, Strict

if TYPE_CHECKING:  # pragma: no cover
    import pyomo.environ as pyo

    from dcpower.optimization.build import SiteInputs
    from dcpower.scenario import Scenario


class TechSpec(Strict):
    """Base of every technology's parameter class; ``kind`` names the registered technology."""

    kind: str


class GeneratorSpec(TechSpec):
    """Parameters of a technology that generates electricity (gas units, PV, wind)."""

    water_m3_per_mwh: NonNegative = Field(
        0.0,
        description=(
            "Water it consumes per MWh generated (cooling tower evaporation, module "
            "cleaning), paid at the site's water price and counted against its "
            "water_limit_m3_per_yr; the catalogue types carry Macknick et al. 2012 (US "
            "medians, a PROXY). [m3/MWh]"
        ),
    )


@dataclass(frozen=True)
class Display:
    """How a technology is shown in figures, the workbook and the console.

    Attributes
    ----------
    name : str
        Name for people ("PV", "gas engines").
    colour : str
        Matplotlib colour of its area in stacked charts.
    order : int
        Stack order, bottom first (firm supply low, storage and curtailment high).
    """

    name: str
    colour: str
    order: int


@dataclass(frozen=True)
class Total:
    """A dispatch column that sums one quantity over all technologies that contribute to it.

    Attributes
    ----------
    column : str
        Column name in ``dispatch.csv`` (unit in the name), e.g. ``battery_charge_mw``.
    order : int
        Column position among the totals (lower first).
    outage : bool
        Whether ``outage_dispatch.csv`` reports it too.
    per_technology : bool
        Whether each contributing technology also has its own column ``<column>_<id>``.
    balance : int
        Its sign in the site's energy balance: +1 feeds the bus (output, discharge,
        import), -1 draws from it (charging), 0 is no power flow (a state of charge, units
        online, curtailment, fuel).
    recheck : tuple of (str, str) or None
        For a total without per-technology columns: the name and unit of the independent
        check that recomputes it from the technologies (``Technology.recompute``).
    """

    column: str
    order: int
    outage: bool = True
    per_technology: bool = True
    balance: int = 0
    recheck: tuple[str, str] | None = None


@dataclass
class Readback:
    """What a solved technology block reports, as tidy rows and columns with units in names.

    Attributes
    ----------
    capacities : list of (technology, kind, capacity, unit)
        Rows of ``capacities.csv``.
    columns : dict
        Per-technology columns of the dispatch (name -> values per step).
    totals : dict
        Contributions to the summed columns (a :class:`Total` column -> values per step).
    unit_group : dict or None
        ``{"units": n, "unit_mw": rating}`` for a technology built as whole identical units.
    """

    capacities: list[tuple[str, str, float, str]] = field(default_factory=list)
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    totals: dict[str, np.ndarray] = field(default_factory=dict)
    unit_group: dict | None = None


@dataclass
class SiteRows:
    """One site's rows of a run folder, as a technology reads them back (no pyomo).

    Attributes
    ----------
    dispatch : pd.DataFrame
        The site's rows of ``dispatch.csv``, in time order.
    hourly : pd.DataFrame
        The site's rows of ``profiles.csv`` on the same hours.
    capacities : dict
        ``(technology, unit) -> capacity`` from ``capacities.csv``.
    """

    dispatch: pd.DataFrame
    hourly: pd.DataFrame
    capacities: dict

    def column(self, name: str, fill: float = 0.0) -> np.ndarray:
        """Return a dispatch column as floats (``fill`` where absent or empty)."""
        return _numbers(self.dispatch, name, fill)

    def profile(self, name: str, fill: float = 1.0) -> np.ndarray:
        """Return a profile column on the dispatch hours as floats (``fill`` where absent)."""
        return _numbers(self.hourly, name, fill)

    def capacity(self, tech_id: str, unit: str) -> float:
        """Return a sized quantity of ``capacities.csv`` (0 if not there)."""
        return float(self.capacities.get((tech_id, unit), 0.0))


def _numbers(frame: pd.DataFrame, name: str, fill: float) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), fill)
    values = pd.to_numeric(pd.Series(frame[name].to_numpy()), errors="coerce")
    return values.fillna(fill).to_numpy(dtype=float)


@dataclass
class UnitFleet:
    """Identical units that fail and are repaired (availability Monte Carlo).

    Attributes
    ----------
    units : int
        Units built. [-]
    unit_mw : float
        Rating of one unit. [MW]
    available_factor : np.ndarray
        Available output share per hour (ambient derating). [-]
    online : np.ndarray
        Units committed per hour in the dispatch. [-]
    output_mw : np.ndarray
        Dispatched output per hour. [MW]
    liquid_fuel_h : float
        Hours the units run at full output on on-site fuel in a gas-supply interruption
        (0: gas only, they stop). [h]
    maintenance : np.ndarray or None
        Units out for planned maintenance per hour (not available, whatever fails). [-]
    """

    units: int
    unit_mw: float
    available_factor: np.ndarray
    online: np.ndarray
    output_mw: np.ndarray
    liquid_fuel_h: float = 0.0
    maintenance: np.ndarray | None = None


@dataclass
class Store:
    """Storage that follows its dispatch, discharges more to cover a shortfall, recharges.

    Attributes
    ----------
    power_mw, energy_mwh : float
        Power and energy capacity. [MW, MWh]
    eta_charge, eta_discharge : float
        Charging and discharging efficiency. [-]
    min_soc_fraction : float
        State-of-charge floor as a share of energy capacity. [-]
    charge_mw, discharge_mw, soc_mwh : np.ndarray
        Dispatched charge and discharge per hour [MW] and state of charge at its end [MWh].
    """

    power_mw: float
    energy_mwh: float
    eta_charge: float
    eta_discharge: float
    min_soc_fraction: float
    charge_mw: np.ndarray
    discharge_mw: np.ndarray
    soc_mwh: np.ndarray


@dataclass
class Supply:
    """Output taken as dispatched, never drawn to fail (renewables as the weather gave them).

    Attributes
    ----------
    output_mw : np.ndarray
        Dispatched output per hour. [MW]
    """

    output_mw: np.ndarray


class Checker(Protocol):
    """What a technology's independent checks read and record (``dcpower.verify`` gives it).

    Columns are read as floats, NaN where absent (and the absence is reported).
    """

    scenario: Any
    n: int
    site_id: str
    times: np.ndarray  # the dispatch hours (ISO 8601 text)

    def d(self, column: str) -> np.ndarray:
        """Return a dispatch.csv column of the site."""

    def p(self, column: str, full_year: bool = False) -> np.ndarray:
        """Return a profiles.csv column on the dispatch hours (every hour if full_year)."""

    def w(self, column: str) -> np.ndarray:
        """Return an outage_dispatch.csv column of the site."""

    def cap(self, tech_id: str, unit: str, default: float | None = None) -> float:
        """Return a capacities.csv figure of the site (``default`` where it may be absent)."""

    def hourly(
        self,
        name: str,
        margin: np.ndarray,
        scale: np.ndarray | float,
        unit: str,
        detail: str | Callable[[int], str] = "",
        times: np.ndarray | None = None,
    ) -> None:
        """Record a check made in every hour (margin < 0 violates)."""

    def single(
        self,
        name: str,
        margin: float,
        scale: float,
        unit: str,
        detail: str,
        worst_time: str | None = None,
    ) -> None:
        """Record a check on one figure."""


@dataclass
class Windows:
    """The steps of a site's outage windows, as the checks of them read and record them.

    Attributes
    ----------
    check : callable
        ``check(name, margin, scale, unit, detail)`` records an hourly check over the
        window steps (``detail(i)`` says what step ``i`` shows).
    profile : callable
        ``profile(column)``: a profiles.csv column on the steps' hours.
    kinds : np.ndarray
        Per step, the supply that is out (``gas``, ``grid``).
    rows : pd.DataFrame
        The site's rows of outage_dispatch.csv (``window``, ``step``, ``time``, ...).
    """

    check: Callable
    profile: Callable[[str], np.ndarray]
    kinds: np.ndarray
    rows: pd.DataFrame


@dataclass(frozen=True)
class Firm:
    """What a technology adds to installed N+k at the design point.

    Attributes
    ----------
    firm_mw : float
        Output it holds at the design point (all its units, or storage's held power). [MW]
    units_mw : tuple of float
        Design-point output of every unit built, each one of those that may be out (N+k
        removes the k largest units over all technologies); empty for storage, which holds
        power and has no units. [MW]
    text : str
        How the figure is made, for the check's detail.
    """

    firm_mw: float
    units_mw: tuple[float, ...] = ()
    text: str = ""


@dataclass
class Contingency:
    """What a technology adds to the hourly N-1 check, per hour (None: nothing).

    Attributes
    ----------
    headroom_mw : np.ndarray or None
        Output its online units could still add. [MW]
    at_risk_mw : np.ndarray or None
        Output of its unit that may trip in the hour (0 where none is exposed). [MW]
    reserve_mw : np.ndarray or None
        Power it adds for the ride-through after a trip (storage). [MW]
    step_mw : np.ndarray or None
        Load its online units take at once when another unit trips (each at most its load
        step, within its headroom). [MW]
    drop_mw : np.ndarray or None
        Output one of its units drops at once if it trips (0 where none is online). [MW]
    survivors_step_mw : np.ndarray or None
        What its other online units take at once when one of its own trips. [MW]
    step_limited : bool
        Whether its units take less than their headroom at once (a load-step limit below
        1): without any, the load-step check is the N-1 check and is not repeated.
    spare_units : np.ndarray or None
        Its units built but not online that start within the ride-through: storage reserve
        counts in hourly N-1 only while at least one unit (of any type) can take over.
    heat_mw : np.ndarray or None
        Heat its online units give for recovery. [MW_th]
    heat_at_risk_mw : np.ndarray or None
        Heat of its unit that may trip (lost with it). [MW_th]
    heat_used_mw : np.ndarray or None
        Heat it uses (a heat-driven technology). [MW_th]
    relief_per_heat : float
        Electric load its heat relieves per MW of heat used: what must be served again when
        that heat is lost. [MW/MW_th]
    """

    headroom_mw: np.ndarray | None = None
    at_risk_mw: np.ndarray | None = None
    reserve_mw: np.ndarray | None = None
    step_mw: np.ndarray | None = None
    drop_mw: np.ndarray | None = None
    survivors_step_mw: np.ndarray | None = None
    step_limited: bool = False
    spare_units: np.ndarray | None = None
    heat_mw: np.ndarray | None = None
    heat_at_risk_mw: np.ndarray | None = None
    heat_used_mw: np.ndarray | None = None
    relief_per_heat: float = 0.0


@dataclass
class HeatDriven:
    """Electric load relieved by recovered heat: served as dispatched while the heat lasts.

    Attributes
    ----------
    relief_mw : np.ndarray
        Electric load the technology relieves per hour in the dispatch. [MW]
    """

    relief_mw: np.ndarray


#: How a technology behaves in the availability Monte Carlo.
Behaviour = UnitFleet | Store | Supply | HeatDriven


@dataclass(frozen=True)
class Asset:
    """Something built that the project pays for (a row of the finance's asset table).

    Attributes
    ----------
    technology : str
        Id in ``capacities.csv`` and ``costs.csv``.
    kind : str
        Its ``capacities.csv`` kind.
    capex_usd : float
        Overnight capital cost. [USD]
    lifetime_yr : float
        Economic lifetime, after which it is replaced. [yr]
    """

    technology: str
    kind: str
    capex_usd: float
    lifetime_yr: float


@dataclass(frozen=True)
class MarginalEnergy:
    """What a MWh more from a dispatchable technology costs at the margin.

    Attributes
    ----------
    output_mwh_per_yr : float
        Its annual output in the run (the finance takes the largest producer). [MWh/yr]
    fuel_mmbtu_per_mwh : float
        Incremental fuel per MWh, HHV, at its output-weighted ambient heat rate. [MMBtu/MWh]
    vom_usd_per_mwh : float
        Variable O&M. [USD/MWh]
    """

    output_mwh_per_yr: float
    fuel_mmbtu_per_mwh: float
    vom_usd_per_mwh: float


class Technology:
    """One registered technology; subclasses set the class attributes and the hooks.

    Class attributes
    ----------------
    kind : str
        The ``kind`` of its scenario entries.
    spec : type of TechSpec
        Parameter class.
    display : Display
        Name, colour and stack order.
    catalogue : dict
        Catalogue ids (rows of ``inputs/technologies.csv``) this technology reads its
        defaults from, each with the fields it fixes (e.g. ``{"mounting": "single_axis"}``).
    profile_columns : dict
        Profile field -> column prefix in ``profiles.csv`` (the column is
        ``<prefix>_<technology id>``); the block reads the fields on the model's steps.
    first_of_kind_columns : frozenset
        Profile fields whose first technology id at a site also fills the bare column
        (``pv_cf``, ``wind_cf``: the run-folder contract's single-technology columns).
    totals : tuple of Total
        The summed dispatch columns it contributes to.
    summary_capacity : dict
        ``summary.json`` capacity keys it fills: key -> (``kind``, ``unit``) of the
        ``capacities.csv`` rows summed into it, e.g. ``{"pv_mw": ("pv", "MW")}``.
    summary_generation : dict
        ``summary.json`` generation keys it fills: key -> summed dispatch column.
    resized_in_dispatch : frozenset
        ``capacities.csv`` kinds of what it builds that the full-year dispatch sizes again
        (a dual-fuel gas type's backup tank serves only outage windows, sized best on the
        dispatch's hourly windows); the plan takes them from the dispatch.
    degrades : bool
        Its output degrades with age and its inverters are replaced (the finance applies
        ``finance.pv_degradation_per_yr`` and ``pv_inverter_replacement_*`` to it).
    resource : str
        Its resource type, as GenX groups resources: ``variable`` (output capped by an hourly
        resource: PV, wind), ``thermal`` (whole units committed hourly: gas) or ``storage``.
        The independent checks of a run folder apply each type's rules to its columns.
    """

    kind: ClassVar[str]
    spec: ClassVar[type[TechSpec]]
    display: ClassVar[Display]
    catalogue: ClassVar[dict[str, dict[str, Any]]] = {}
    profile_columns: ClassVar[dict[str, str]] = {}
    first_of_kind_columns: ClassVar[frozenset[str]] = frozenset()
    totals: ClassVar[tuple[Total, ...]] = ()
    summary_capacity: ClassVar[dict[str, tuple[str, str]]] = {}
    summary_generation: ClassVar[dict[str, str]] = {}
    resized_in_dispatch: ClassVar[frozenset[str]] = frozenset()
    degrades: ClassVar[bool] = False
    resource: ClassVar[str]

    def own_capacity(self) -> dict[str, str]:
        """Return its ``summary.json`` capacity keys of its own rows, with their unit.

        Those of :attr:`summary_capacity` whose ``capacities.csv`` kind is its own (not,
        e.g., a gas type's backup tank): ``{"battery_mw": "MW", "battery_mwh": "MWh"}``.
        """
        return {
            key: unit for key, (kind, unit) in self.summary_capacity.items() if kind == self.kind
        }

    # ------------------------------------------------------------------ profiles

    def profile(
        self, spec: TechSpec, weather: pd.DataFrame, metadata: dict
    ) -> dict[str, np.ndarray]:
        """Hourly profile fields (keys of :attr:`profile_columns`) from the weather.

        Parameters
        ----------
        spec : TechSpec
            The technology's parameters.
        weather : pd.DataFrame
            Hourly weather in the dcpower convention (``dcpower.weather``).
        metadata : dict
            Weather metadata (location, measurement heights).
        """
        return {}

    def profile_figures(
        self, tech_id: str, spec: TechSpec, hourly: pd.DataFrame
    ) -> tuple[dict[str, pd.Series], dict[str, str]]:
        """Return its monthly profile figures and annual facts for ``dcpower profiles``.

        Parameters
        ----------
        tech_id : str
            Technology id.
        spec : TechSpec
            The technology's parameters.
        hourly : pd.DataFrame
            A site's full-year profiles (``dcpower.profiles.site_profiles``).

        Returns
        -------
        monthly : dict
            Column label (with unit; a label ending in ``kWh/kWp`` is summed over the year,
            others averaged) -> values by month 1-12.
        facts : dict
            Label -> formatted annual figure.
        """
        return {}, {}

    def design_factor(
        self, spec: TechSpec, profile: dict[str, np.ndarray], design_temp_c: float
    ) -> float | None:
        """Net firm output share of a unit at the design ambient (None: not counted in N+k) [-].

        Parameters
        ----------
        spec : TechSpec
            The technology's parameters.
        profile : dict
            Its full-year profile fields.
        design_temp_c : float
            The site's design ambient dry bulb (``dcpower.profiles.design_point``). [degC]
        """
        return None

    def auxiliaries_fraction(self, spec: TechSpec) -> float:
        """Share of gross output its plant auxiliaries draw (already out of its profiles) [-]."""
        return 0.0

    # ------------------------------------------------------------------ model (pyomo)

    def add_block(
        self, m: pyo.ConcreteModel, tech_id: str, spec: TechSpec, inp: SiteInputs
    ) -> None:
        """Add the technology's block to a site model and register it in ``m.registry``."""
        raise NotImplementedError(f"{type(self).__name__}.add_block")

    def read(self, block: pyo.Block | None, tech_id: str, spec: TechSpec, index) -> Readback:
        """Read a solved block back (``block`` None: sized to zero and left out)."""
        raise NotImplementedError(f"{type(self).__name__}.read")

    def read_outage(
        self, block: pyo.Block | None, tech_id: str, spec: TechSpec, pairs: list
    ) -> Readback:
        """Read a solved block's operation in the outage-window steps ``pairs``."""
        return Readback()

    # ------------------------------------------------------------------ run folder (no pyomo)

    def behaviour(self, tech_id: str, spec: TechSpec, rows: SiteRows) -> Behaviour | None:
        """Return how the built technology behaves in the availability Monte Carlo.

        A unit fleet fails and is repaired, a store discharges to cover a shortfall, a supply
        gives its dispatched output; None: not built, or no part in it.
        """
        return None

    # ------------------------------------------------------------------ checks (no pyomo)

    def columns(self, tech_id: str) -> list[str]:
        """Return every dispatch column of its own (``<total>_<id>`` and any others)."""
        return list(own_columns(self, tech_id).values())

    def check(self, tech_id: str, spec: TechSpec, c: Checker) -> None:
        """Record its own rules, re-checked hour by hour from the run folder."""

    def recompute(self, tech_id: str, spec: TechSpec, c: Checker) -> dict[str, np.ndarray]:
        """Return its part of the totals without own columns, recomputed (``Total.recheck``)."""
        return {}

    def firm(
        self, tech_id: str, spec: TechSpec, c: Checker, design_factor: float | None, rules
    ) -> Firm | None:
        """Return what it adds to installed N+k at the design point (None: nothing)."""
        return None

    def on_site_fuel(self, tech_id: str, spec: TechSpec, c: Checker) -> tuple[float, float] | None:
        """Return the liquid fuel it holds on site and the heat rate it burns it at.

        (fuel [MMBtu], full-load heat rate [MMBtu/MWh]); None: it holds none.
        """
        return None

    def contingency(
        self, tech_id: str, spec: TechSpec, c: Checker, rules, integer: bool
    ) -> Contingency | None:
        """Return what it adds to the hourly N-1 check (None: nothing)."""
        return None

    def window_limits(
        self, tech_id: str, spec: TechSpec, c: Checker, windows: Windows
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Return, per own column, its value and limit in each outage-window step."""
        return {}

    def needs_supply(
        self, tech_id: str, spec: TechSpec, c: Checker, windows: Windows
    ) -> dict[str, np.ndarray]:
        """Return, per supply (``gas``, ``grid``), its output in the window steps that needs it."""
        return {}

    def check_windows(self, tech_id: str, spec: TechSpec, c: Checker, windows: Windows) -> None:
        """Record its own rules in the outage windows (state of charge, backup fuel)."""

    def summary_pairs(
        self, tech_id: str, spec: TechSpec, c: Checker, capacity: dict
    ) -> list[tuple[str, float | None, float]]:
        """Return ``(name, stated in summary.json, from capacities.csv)`` it adds to compare."""
        return []

    def water_m3_per_yr(self, tech_id: str, spec: TechSpec, rows: SiteRows) -> float:
        """Return the water it consumed over the dispatched year (0: none) [m3/yr].

        A generating technology (``GeneratorSpec``): its output x ``water_m3_per_mwh``.
        """
        factor = float(getattr(spec, "water_m3_per_mwh", 0.0))
        column = output_column(self, tech_id)
        if factor <= 0 or column is None:
            return 0.0
        weight = rows.column("weight_h", fill=1.0)
        return factor * float(np.sum(rows.column(column) * weight))

    # ------------------------------------------------------------------ finance (no pyomo)

    def assets(
        self, tech_id: str, spec: TechSpec, rows: SiteRows, scenario: Scenario
    ) -> list[Asset]:
        """Return what was built of it, with overnight cost and lifetime (finance)."""
        return []

    def marginal_energy(
        self, tech_id: str, spec: TechSpec, rows: SiteRows
    ) -> MarginalEnergy | None:
        """Return the cost of a MWh more from it, if it is built and burns fuel (finance)."""
        return None


_REGISTRY: dict[str, Technology] = {}


def register(technology: type[Technology]) -> type[Technology]:
    """Register a technology class (usable as a decorator); its kind must be new.

    Raises
    ------
    ValueError
        If another technology already has the same kind or claims one of its catalogue ids.
    """
    kind = technology.kind
    if kind in _REGISTRY and type(_REGISTRY[kind]) is not technology:
        raise ValueError(f"technology kind {kind!r} is already registered")
    claimed = {cid: t.kind for t in _REGISTRY.values() if t.kind != kind for cid in t.catalogue}
    for catalogue_id in technology.catalogue:
        if catalogue_id in claimed:
            raise ValueError(
                f"catalogue id {catalogue_id!r} of {kind!r} already belongs to "
                f"{claimed[catalogue_id]!r}"
            )
    _REGISTRY[kind] = technology()
    return technology


def unregister(kind: str) -> None:
    """Remove a registered technology (for tests that register their own)."""
    _REGISTRY.pop(kind, None)


def technologies() -> list[Technology]:
    """Return the registered technologies in display order."""
    return sorted(_REGISTRY.values(), key=lambda t: t.display.order)


def kinds() -> list[str]:
    """Return the kinds of the registered technologies, in display order."""
    return [t.kind for t in technologies()]


def of(spec: TechSpec | str) -> Technology:
    """Return the registered technology of a parameter set (or of a kind).

    Raises
    ------
    KeyError
        For a kind nobody registered.
    """
    kind = spec if isinstance(spec, str) else spec.kind
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise KeyError(f"technology kind {kind!r}; registered: {', '.join(kinds())}") from None


def kind_of_catalogue_id() -> dict[str, str]:
    """Return the kind of every catalogue id a registered technology reads defaults from."""
    return {cid: t.kind for t in technologies() for cid in t.catalogue}


#: Grid import of a site with a connection (a site setting, not a registered technology).
GRID_IMPORT = Total("grid_mw", 50, balance=1)

#: Heat recovered from the units that burn fuel, and heat used by heat-driven technologies
#: (absorption chillers), per hour: the site's heat balance (used <= recovered). [MW_th]
HEAT_RECOVERED = Total("heat_recovered_mw", 110, outage=False)
HEAT_USED = Total("heat_used_mw", 111, outage=False)
#: Electric load that heat-driven technologies relieve (fed to the balance like supply; not
#: energy the plant generates, so not counted in the renewable share). [MW]
LOAD_RELIEF = Total("chiller_relief_mw", 35, outage=False, balance=1)


def dispatch_totals(outage: bool = False) -> tuple[str, ...]:
    """Return the summed dispatch columns (technologies and grid), in column order.

    Parameters
    ----------
    outage : bool
        Only those ``outage_dispatch.csv`` reports.
    """
    seen: dict[str, int] = {GRID_IMPORT.column: GRID_IMPORT.order}
    for tech in technologies():
        for total in tech.totals:
            if outage and not total.outage:
                continue
            seen.setdefault(total.column, total.order)
    return tuple(sorted(seen, key=lambda column: seen[column]))


def balance_terms(outage: bool = False) -> dict[str, int]:
    """Return the summed columns that are power flows, with their sign in the energy balance.

    Parameters
    ----------
    outage : bool
        Only those ``outage_dispatch.csv`` reports.
    """
    terms = {GRID_IMPORT.column: GRID_IMPORT.balance}
    for tech in technologies():
        for total in tech.totals:
            if total.balance and (total.outage or not outage):
                terms.setdefault(total.column, total.balance)
    return terms


def own_columns(tech: Technology, tech_id: str) -> dict[str, str]:
    """Return a technology id's own dispatch columns by the total each adds to."""
    return {t.column: f"{t.column}_{tech_id}" for t in tech.totals if t.per_technology}


def output_column(tech: Technology, tech_id: str) -> str | None:
    """Return a technology id's own column that feeds the site bus (None if it has none)."""
    return next(
        (f"{t.column}_{tech_id}" for t in tech.totals if t.per_technology and t.balance > 0),
        None,
    )


def profile_column(tech: Technology, field_name: str, tech_id: str) -> str:
    """Return the ``profiles.csv`` column of one profile field of one technology id."""
    return f"{tech.profile_columns[field_name]}_{tech_id}"
