"""Size a group of sites: reduced-time sizing, full-year re-dispatch and refinement passes.

A reduced-time sizing (blocks or typical periods) is always followed by a full-year
dispatch with the sized capacities fixed, so every hour of the year is checked and any
shortfall is reported, never hidden.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from dcpower import maintenance, techs
from dcpower.aggregate import Steps, reduce_time
from dcpower.cores import cores_available
from dcpower.optimization.optimize import SiteRun, optimize_sites
from dcpower.optimization.siting import Coupling
from dcpower.optimization.windows import WindowSettings
from dcpower.pipeline.inputs import (
    model_inputs,
    model_steps,
    on_model_clock,
    outage_calendar_windows,
    phase_of,
    scenario_coupling,
    site_inputs,
    site_year_profiles,
    stage_count,
    stage_site,
)
from dcpower.profiles import design_point
from dcpower.results import STATUS_ORDER, SiteResult
from dcpower.scenario import Scenario, Solver, TimeHorizon

log = logging.getLogger(__name__)

#: Reduced-time horizons: their sizing is followed by a full-year dispatch.
REDUCED_KINDS = ("blocks", "typical_periods")
#: Calendar periods that become typical periods of their own per refinement, worst first.
PERIODS_ADDED_PER_REFINEMENT = 3
#: A site and one of its model blocks (stages): a weather year or a build-out phase (0 = the
#: first, or the only one).
Key = tuple[str, int]


def sized_to_zero(sizing: dict[str, float]) -> frozenset:
    """Technology ids whose every investment decision (``<tech>.<variable>``) is zero."""
    built: dict[str, bool] = {}
    for name, value in sizing.items():
        tech_id = name.rsplit(".", 1)[0]
        built[tech_id] = built.get(tech_id, False) or value > 0
    return frozenset(tech_id for tech_id, is_built in built.items() if not is_built)


def _redispatch_full_year(
    scenario: Scenario,
    hourly: dict[Key, pd.DataFrame],
    sizing: dict[Key, dict[str, float]],
    coupling: Coupling | None,
    levels: dict[Key, dict[str, np.ndarray]],
    commitment: str | None = None,
) -> dict[Key, SiteRun]:
    """Dispatch all 8760 hours of every site and stage with the sized capacities fixed.

    ``sizing`` holds the investment decisions of each ``(site_id, stage)`` (a build-out
    phase has its own plant). Returns the runs by ``(site_id, stage)``.

    Each unit built is held out for its planned maintenance (``dcpower.maintenance``). The
    year is solved in windows (``solver.dispatch_window_h``) that start from the storage
    ``levels`` the sizing planned (by ``(site_id, stage)`` and storage id, per hour of the
    stage's year [MWh]). The commitment is the scenario's dispatch commitment unless
    ``commitment`` is given.

    With capacities fixed, the stages (weather years, build-out phases) share nothing: each
    is dispatched as a model of its own (its sites together if they are tied), which keeps
    each window's model the size of one year of the sites.
    """
    full = TimeHorizon(kind="full_year")
    inputs = [
        site_inputs(
            scenario,
            site_id,
            reduce_time(frame, full),
            frame,
            integer_commitment=(commitment or scenario.dispatch_commitment) == "integer",
            absent=sized_to_zero(sizing[site_id, stage]),
            stage=stage,
            maintenance_units=maintenance_plan(scenario, site_id, frame, sizing[site_id, stage]),
        )
        for (site_id, stage), frame in hourly.items()
    ]
    runs: dict[Key, SiteRun] = {}
    for stage in dict.fromkeys(inp.stage for inp in inputs):
        together = [inp for inp in inputs if inp.stage == stage]
        solved = optimize_sites(
            together,
            scenario.solver,
            fixed_sizing={inp.block_name: sizing[inp.site_id, inp.stage] for inp in together},
            coupling=coupling,
            windows=window_settings(scenario.solver),
            levels={
                inp.block_name: levels[inp.site_id, inp.stage]
                for inp in together
                if (inp.site_id, inp.stage) in levels
            },
        )
        runs |= {(inp.site_id, inp.stage): solved[inp.block_name] for inp in together}
    return runs


def window_settings(solver: Solver) -> WindowSettings | None:
    """Return the windows of the full-year dispatch (None: one model for the year)."""
    if solver.dispatch_window_h == 0:
        return None
    return WindowSettings(
        window_h=solver.dispatch_window_h,
        overlap_h=solver.dispatch_overlap_h,
        mode=solver.dispatch_mode,
        workers=cores_available(solver.dispatch_workers),
    )


def maintenance_plan(
    scenario: Scenario, site_id: str, hourly: pd.DataFrame, sizing: dict[str, float]
) -> dict[str, np.ndarray]:
    """Units of each type out for planned maintenance per hour, for the sized plant."""
    units = {}
    for tech_id in scenario.sites[site_id].technologies:
        hours = getattr(scenario.technologies[tech_id], "maintenance_h_per_yr", 0.0)
        built = round(sizing.get(f"{tech_id}.units_built", 0.0))
        if hours > 0 and built > 0:
            units[tech_id] = (built, hours)
    return maintenance.schedule(hourly["load_mw"].to_numpy(), units)


def worst_periods(
    shortfall_mw: np.ndarray | None, period_hours: int, exclude: list[int], count: int
) -> list[int]:
    """Calendar periods of a full-year dispatch that fell short most, worst first.

    Parameters
    ----------
    shortfall_mw : np.ndarray or None
        Per hour of the year, unserved load plus uncovered unit-trip power. [MW]
    period_hours : int
        Length of a calendar period. [h]
    exclude : list of int
        Periods not to return (already typical periods of their own).
    count : int
        At most this many periods.

    Returns
    -------
    list of int
        Calendar periods (0 = the first ``period_hours`` of the year) with a shortfall.
    """
    if shortfall_mw is None:
        return []
    per_period = np.asarray(shortfall_mw).reshape(-1, period_hours).sum(axis=1)
    ranked = np.argsort(-per_period, kind="stable")
    short = [int(p) for p in ranked if per_period[p] > 1e-6 and int(p) not in exclude]
    return short[:count]


def cost_drift(
    sized: dict[Key, SiteRun], final: dict[Key, SiteRun], sized_on: dict[Key, Key]
) -> float:
    """Return the full-year dispatch's annual cost over the sizing's estimate, minus one [-].

    Over all blocks of one model (sites tied together share one estimate). ``sized`` holds
    the sizing's blocks, ``final`` the dispatched stages, ``sized_on`` the block of each
    stage: a block that stands for several weather years estimates their mean year.
    """
    estimate = sum(run.objective_usd_per_yr for run in sized.values())
    dispatched = sum(
        np.mean([_cost(final[key]) for key in _members(sized_on, block)]) for block in sized
    )
    return float(dispatched / estimate - 1)


def _members(sized_on: dict[Key, Key], block: Key) -> list[Key]:
    """Return the stages a sizing block stands for, first first."""
    return [key for key, on in sized_on.items() if on == block]


def _pass_record(
    steps: Steps, setting: _Setting, added_at: list[str], sized: SiteRun, final: SiteRun
) -> dict:
    """Describe one sizing pass and the full-year dispatch that follows it (summary.json)."""
    horizon = setting.horizon
    dispatch = final.solution.dispatch
    sizing_s = sized.build_seconds + sized.outcome.solve_seconds
    return {
        "horizon": steps.kind,
        "block_hours": horizon.block_hours if steps.kind == "blocks" else None,
        "commitment": setting.commitment,
        "typical_periods": steps.periods.n_typical if steps.periods else None,
        "added_periods": added_at if steps.periods else None,
        "unserved_mwh_per_yr": float((dispatch["unserved_mw"] * dispatch["weight_h"]).sum()),
        "cost_usd_per_yr": float(final.solution.costs["usd_per_yr"].sum()),
        "sizing_cost_usd_per_yr": float(sized.objective_usd_per_yr),
        "sizing_seconds": sizing_s,
        "dispatch_seconds": 0.0
        if final is sized
        else final.build_seconds + final.outcome.solve_seconds,
        "dispatch": None if final is sized else final.windows,
    }


def solve_site(scenario: Scenario, site_id: str) -> SiteResult:
    """Profiles, sizing and (after a reduced-time sizing) the full-year dispatch of one site.

    See :func:`solve_sites`; the site is solved on its own, whatever ties it to others.
    """
    return solve_sites(scenario, [site_id])[site_id]


def solve_sites(
    scenario: Scenario, site_ids: list[str], start_sizing: dict[str, dict] | None = None
) -> dict[str, SiteResult]:
    """Profiles, sizing and (after a reduced-time sizing) the full-year dispatch of sites.

    Several sites are one model, tied by the scenario's coupling (workload shifting, limits
    over all sites). Sites that move work between them at one instant are on one clock
    (:func:`dcpower.pipeline.inputs.align_clocks`) and on the same steps (typical periods
    clustered jointly); otherwise each site has its own typical days.

    If a plant sized with commitment relaxed cannot serve every hour of the integer
    full-year dispatch but can with commitment relaxed, it is sized again on the same
    steps with integer commitment (the relaxation is not a lower bound: fractional units
    can cover what whole ones cannot). If the plant sized on typical periods cannot serve
    every hour of the full-year dispatch, the calendar periods that fell short most become
    typical periods of their own and it is sized again (at most ``time.max_refinements``
    times). If its annual cost
    differs from the sizing's estimate by more than ``time.cost_tolerance``, the year is
    clustered into twice as many typical periods and sized again (within the same limit;
    a drift left then is reported). If a plant
    sized on blocks, or on typical periods after the last refinement, still falls short, it
    is sized again on the full year. Every pass is recorded (``SiteResult.sizing_passes``).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    site_ids : list of str
        Sites of ``scenario.sites`` to solve together.
    start_sizing : dict, optional
        Investment decisions by site id (``SiteResult.sizing``) to start the sizing from.

    Returns
    -------
    dict
        :class:`SiteResult` by site id.
    """
    if len(site_ids) > 1 and not scenario_coupling(scenario).active:
        return {site_id: solve_site(scenario, site_id) for site_id in site_ids}
    group = _sizing_group(scenario, site_ids)
    history = _History.start(site_ids)
    setting: _Setting | None = _Setting(
        scenario.time, {block: [] for block in group.in_windows}, scenario.solver.commitment
    )
    while setting is not None:
        done = _size_and_dispatch(group, setting, start_sizing)
        _record_pass(group, done, setting, history)
        setting = _next_pass(group, done, setting, len(history.passes[site_ids[0]]))
    return {site_id: _site_result(group, done, history, site_id) for site_id in site_ids}


@dataclass(frozen=True)
class _Group:
    """What every sizing pass of a group of sites shares.

    Attributes
    ----------
    scenario : Scenario
        The scenario solved.
    site_ids : list of str
        The sites, solved in one model.
    years : dict
        Number of stages (weather years or build-out phases) by site id.
    phased : dict
        Whether the site's stages are build-out phases, by site id.
    hourly : dict
        Full-year hourly profiles by ``(site_id, stage)``, each on its local clock.
    modelled : dict
        The same profiles on the model's clock (one clock when work moves between sites).
    coupling : Coupling or None
        What ties the sites together (None for one site).
    one_calendar : bool
        Work moves between the sites at one instant: the same steps at every site.
    reduced_on : dict
        The block of a reduced-time sizing (blocks, typical periods) that stands for each
        ``(site_id, stage)``: ``(site_id, 0)`` for all of a site's weather years, whose days
        are clustered together (one block the size of one year's), else the stage itself
        (build-out phases; weather years under an annual emission limit, which must hold
        in each year).
    in_windows : dict
        Calendar periods that outage windows touch, by block of a reduced-time sizing; a
        typical-periods sizing models them as they are (empty for other horizons).
    """

    scenario: Scenario
    site_ids: list[str]
    years: dict[str, int]
    phased: dict[str, bool]
    hourly: dict[Key, pd.DataFrame]
    modelled: dict[Key, pd.DataFrame]
    coupling: Coupling | None
    one_calendar: bool
    reduced_on: dict[Key, Key]
    in_windows: dict[Key, list[int]]

    @property
    def reported(self) -> dict[str, int]:
        """The stage reported hour by hour, by site id: the first weather year, the last phase."""
        return {
            site_id: self.years[site_id] - 1 if self.phased[site_id] else 0
            for site_id in self.site_ids
        }

    def sized_on(self, kind: str) -> dict[Key, Key]:
        """Return the sizing block of each ``(site_id, stage)`` on a horizon of this kind.

        Weather years share one block on reduced time (:attr:`reduced_on`); on the full
        year each stage is a block of its own (linked to the others by their capacities).
        """
        if kind in REDUCED_KINDS:
            return self.reduced_on
        return {key: key for key in self.modelled}


def _block_frames(
    modelled: dict[Key, pd.DataFrame], sized_on: dict[Key, Key]
) -> dict[Key, pd.DataFrame]:
    """Return the profiles of each sizing block: its stages' years, one after the other."""
    frames = {}
    for block in dict.fromkeys(sized_on.values()):
        members = [modelled[key] for key in _members(sized_on, block)]
        frames[block] = pd.concat(members) if len(members) > 1 else members[0]
    return frames


@dataclass(frozen=True)
class _Setting:
    """How a sizing pass sizes: its horizon, its added periods and its commitment.

    Attributes
    ----------
    horizon : TimeHorizon
        The steps sized on.
    added : dict
        Calendar periods made typical periods of their own, by block of a reduced-time
        sizing (:attr:`_Group.reduced_on`; a block of several years counts its periods
        through all of them, one year after the other).
    commitment : str
        Hourly commitment of the sizing model: ``integer`` or ``relaxed``.
    """

    horizon: TimeHorizon
    added: dict[Key, list[int]]
    commitment: str


@dataclass(frozen=True)
class _Pass:
    """One sizing of a group and the full-year dispatch that checks it.

    Attributes
    ----------
    sized_on : dict
        The sizing block of each ``(site_id, stage)`` (:meth:`_Group.sized_on`).
    frames : dict
        The hourly profiles each sizing block reduced, by block.
    steps : dict
        The sizing's time steps by block.
    names : dict
        Model block name by block.
    sized : dict
        The sizing's runs by block.
    final : dict
        The full-year dispatch's runs by ``(site_id, stage)`` (the sizing's own when it was
        on the full year with the dispatch's commitment).
    kind : str
        The sizing's horizon kind.
    drift : float
        The dispatch's annual cost over the sizing's estimate, minus one
        (:func:`cost_drift`). [-]
    """

    sized_on: dict[Key, Key]
    frames: dict[Key, pd.DataFrame]
    steps: dict[Key, Steps]
    names: dict[Key, str]
    sized: dict[Key, SiteRun]
    final: dict[Key, SiteRun]
    kind: str
    drift: float

    def sizing_of(self, key: Key) -> SiteRun:
        """Return the sizing run whose plan a ``(site_id, stage)`` has."""
        return self.sized[self.sized_on[key]]


@dataclass(frozen=True)
class _History:
    """The passes of a group so far, by site id: their records and the seconds spent."""

    passes: dict[str, list[dict]]
    build_seconds: dict[str, float]
    solve_seconds: dict[str, float]

    @classmethod
    def start(cls, site_ids: list[str]) -> _History:
        """Return the history of sites before their first pass."""
        zeros = dict.fromkeys(site_ids, 0.0)
        return cls({site_id: [] for site_id in site_ids}, dict(zeros), dict(zeros))


def _sizing_group(scenario: Scenario, site_ids: list[str]) -> _Group:
    """Load the sites' profiles, put them on the model's clock and find their outage periods."""
    coupling = scenario_coupling(scenario) if len(site_ids) > 1 else None
    # Work moves at one instant: one clock, and the same steps at every site.
    one_calendar = coupling is not None and coupling.shifts
    hourly = site_year_profiles(scenario, site_ids)
    modelled = on_model_clock(hourly, one_calendar)
    horizon = scenario.time
    phased = {
        site_id: scenario.sites[site_id].data_center.phases is not None for site_id in site_ids
    }
    # Weather years share their plant: on reduced time their days are clustered together,
    # so the sizing is one block the size of one year's, whatever the number of years. An
    # annual limit (CO2 cap, renewable share) must hold in each year, not in their mean:
    # with one, each year stays a block of its own.
    together = not scenario.has_emission_limits
    reduced_on = {key: (key[0], 0) if together and not phased[key[0]] else key for key in modelled}
    # A typical-periods sizing models the calendar periods of outage windows as they are.
    in_windows = {
        block: sorted(
            {
                h // horizon.period_hours
                for w in outage_calendar_windows(scenario, block[0], frame)
                for h in w.steps
            }
        )
        if horizon.kind == "typical_periods"
        else []
        for block, frame in _block_frames(modelled, reduced_on).items()
    }
    return _Group(
        scenario=scenario,
        site_ids=site_ids,
        years={site_id: stage_count(scenario, site_id) for site_id in site_ids},
        phased=phased,
        hourly=hourly,
        modelled=modelled,
        coupling=coupling,
        one_calendar=one_calendar,
        reduced_on=reduced_on,
        in_windows=in_windows,
    )


def _size_and_dispatch(
    group: _Group, setting: _Setting, start_sizing: dict[str, dict] | None
) -> _Pass:
    """Size the group on the horizon's steps; dispatch the full year if the sizing did not."""
    scenario = group.scenario
    sized_on = group.sized_on(setting.horizon.kind)
    frames = _block_frames(group.modelled, sized_on)
    extra = {
        block: group.in_windows.get(block, []) + setting.added.get(block, []) for block in frames
    }
    steps = model_steps(frames, setting.horizon, group.one_calendar, extra)
    inputs = model_inputs(
        scenario, steps, frames, integer_commitment=setting.commitment == "integer"
    )
    names = {(inp.site_id, inp.stage): inp.block_name for inp in inputs}
    runs = optimize_sites(
        inputs, scenario.solver, coupling=group.coupling, start_sizing=start_sizing
    )
    sized = {block: runs[name] for block, name in names.items()}
    final = sized
    kind = steps[group.site_ids[0], 0].kind
    # The reported dispatch is full-year with the dispatch's commitment: after a reduced
    # sizing, and after a full-year fallback whose commitment was relaxed.
    if kind in REDUCED_KINDS or (
        kind == "full_year" and scenario.dispatch_commitment != setting.commitment
    ):
        sizing, levels = _sized_plan(group, sized_on, sized)
        final = _redispatch_full_year(scenario, group.modelled, sizing, group.coupling, levels)
    drift = cost_drift(sized, final, sized_on)
    return _Pass(sized_on, frames, steps, names, sized, final, kind, drift)


def _sized_plan(
    group: _Group, sized_on: dict[Key, Key], sized: dict[Key, SiteRun]
) -> tuple[dict[Key, dict[str, float]], dict[Key, dict[str, np.ndarray]]]:
    """Return what a full-year dispatch of a sizing holds fixed and starts from.

    By ``(site_id, stage)``: the investment decisions (a site's weather years share them,
    its build-out phases each have their own) and the storage levels planned for its year,
    per hour (a block of several years planned them for all, one year after the other).
    """
    sizing, levels = {}, {}
    for key, block in sized_on.items():
        sizing[key] = sized[block].sizing
        before = _members(sized_on, block)
        start = sum(len(group.modelled[k]) for k in before[: before.index(key)])
        hours = slice(start, start + len(group.modelled[key]))
        levels[key] = {tech: level[hours] for tech, level in sized[block].start_levels.items()}
    return sizing, levels


def _record_pass(group: _Group, done: _Pass, setting: _Setting, history: _History) -> None:
    """Add a pass to each site's records (``SiteResult.sizing_passes``) and seconds."""
    for site_id in group.site_ids:
        own = _stages(group, site_id)
        runs = {id(r): r for key in own for r in (done.sizing_of(key), done.final[key])}.values()
        history.build_seconds[site_id] += sum(r.build_seconds for r in runs)
        history.solve_seconds[site_id] += sum(r.outcome.solve_seconds for r in runs)
        key = site_id, group.reported[site_id]
        block = done.sized_on[key]
        frame = done.frames[block]
        period_h = setting.horizon.period_hours
        added_at = [frame.index[h * period_h].isoformat() for h in setting.added.get(block, [])]
        record = _pass_record(
            done.steps[block], setting, added_at, done.sized[block], done.final[key]
        )
        # Over several stages: the worst one's unserved energy; the mean cost of weather
        # years (a phased site's is its reported phase's, the campus complete).
        record["unserved_mwh_per_yr"] = max(_unserved_mwh(done.final[k]) for k in own)
        if not group.phased[site_id]:
            record["cost_usd_per_yr"] = float(np.mean([_cost(done.final[k]) for k in own]))
            record["sizing_cost_usd_per_yr"] = float(
                np.mean([done.sizing_of(k).objective_usd_per_yr for k in own])
            )
            if record["dispatch"] is not None:  # every year's dispatch, one after the other
                record["dispatch_seconds"] = sum(
                    done.final[k].build_seconds + done.final[k].outcome.solve_seconds for k in own
                )
        record["cost_drift"] = done.drift
        history.passes[site_id].append(record)


def _stages(group: _Group, site_id: str) -> list[Key]:
    """Return a site's ``(site_id, stage)`` keys, first first."""
    return [(site_id, stage) for stage in range(group.years[site_id])]


def _next_pass(group: _Group, done: _Pass, setting: _Setting, n_passes: int) -> _Setting | None:
    """Return how to size in the next pass, or None if the plan stands.

    A reduced-time plan that falls short in some hour is sized again: with integer
    commitment on the same steps if it was sized with commitment relaxed and falls short
    only in the integer dispatch (:func:`_short_for_integer_commitment`); else with the
    calendar periods that fell short most as typical periods of their own while
    refinements are left (``n_passes`` so far), else on the full year. Typical periods that
    only misstate the year's cost are clustered more finely (:func:`_finer_clustering`).
    """
    kind, horizon, added = done.kind, setting.horizon, setting.added
    falls_short = any(run.shortfalls for run in done.final.values()) and kind in REDUCED_KINDS
    drifts = kind == "typical_periods" and abs(done.drift) > horizon.cost_tolerance
    if not (falls_short or drifts):
        return None
    # The pass that stepped to integer commitment, if any, is not a refinement.
    stepped = setting.commitment != group.scenario.solver.commitment
    refine = kind == "typical_periods" and n_passes - stepped <= horizon.max_refinements
    if drifts and not falls_short:
        finer = _finer_clustering(group, done, horizon) if refine else None
        return None if finer is None else replace(setting, horizon=finer)
    if _short_for_integer_commitment(group, done, setting):
        log.warning(
            "%s: %s sizing with commitment relaxed serves the year only with commitment "
            "relaxed; sizing again with integer commitment",
            group.site_ids,
            kind,
        )
        return replace(setting, commitment="integer")
    short = {
        block: worst_periods(
            _shortfall_mw(group, done, block),
            horizon.period_hours,
            group.in_windows[block] + added[block],
            PERIODS_ADDED_PER_REFINEMENT,
        )
        if refine
        else []
        for block in added
    }
    if any(short.values()):
        # The periods that fell short become typical periods of their own.
        log.warning("%s: typical-period sizing fell short; adding calendar periods", group.site_ids)
        return replace(setting, added={block: added[block] + short[block] for block in added})
    # The plant sized on reduced time falls short in some hour: size it on every hour.
    log.warning("%s: %s sizing fell short; sizing again on the full year", group.site_ids, kind)
    return replace(setting, horizon=TimeHorizon(kind="full_year"))


def _shortfall_mw(group: _Group, done: _Pass, block: Key) -> np.ndarray | None:
    """Return, per hour of a sizing block's years, what their dispatches fell short [MW]."""
    parts = [
        (done.final[key].shortfall_mw, len(group.modelled[key]))
        for key in _members(done.sized_on, block)
    ]
    if all(shortfall is None for shortfall, _ in parts):
        return None
    return np.concatenate(
        [np.zeros(hours) if shortfall is None else shortfall for shortfall, hours in parts]
    )


def _short_for_integer_commitment(group: _Group, done: _Pass, setting: _Setting) -> bool:
    """Whether a plan sized with commitment relaxed falls short only for whole units.

    The integer full-year dispatch fell short. The year is dispatched again with commitment
    relaxed (seconds: no integer decision): if that serves every hour, whole units are what
    the plan lacks, not resolution, and adding periods would not help.
    """
    if setting.commitment == "integer" or group.scenario.dispatch_commitment != "integer":
        return False
    sizing, levels = _sized_plan(group, done.sized_on, done.sized)
    relaxed = _redispatch_full_year(
        group.scenario, group.modelled, sizing, group.coupling, levels, commitment="relaxed"
    )
    return not any(run.shortfalls for run in relaxed.values())


def _finer_clustering(group: _Group, done: _Pass, horizon: TimeHorizon) -> TimeHorizon | None:
    """Return the horizon with twice as many typical periods, or None if it has them all.

    Typical periods that misstate the year's cost are clustered more finely; once every
    calendar period is its own, the drift left is reported and the plan stands.
    """
    n_calendar = len(next(iter(done.frames.values()))) // horizon.period_hours
    if horizon.n_periods >= n_calendar:
        return None
    n_periods = min(2 * horizon.n_periods, n_calendar)
    log.warning(
        "%s: typical-period sizing drifted %+.2f%% in cost; %d typical periods",
        group.site_ids,
        100 * done.drift,
        n_periods,
    )
    return horizon.model_copy(update={"n_periods": n_periods})


def _site_result(group: _Group, done: _Pass, history: _History, site_id: str) -> SiteResult:
    """Assemble a site's result from the last pass: the plan sized, the year dispatched.

    A phased site's result is its last phase's (the campus complete), with every phase's
    own result in ``phases``; its status and shortfalls are those of all its phases.
    """
    own = _stages(group, site_id)
    if not group.phased[site_id]:
        return _stage_result(group, done, history, site_id, 0, own)
    phases = [
        _stage_result(group, done, history, site_id, stage, [key]) for stage, key in enumerate(own)
    ]
    # The site is as good as its worst phase; an earlier phase's shortfall is named by year.
    worst = max((phase.status for phase in phases), key=STATUS_ORDER.index)
    shortfalls = {
        (key if phase is phases[-1] else f"{phase.phase['year']}: {key}"): text
        for phase in phases
        for key, text in phase.shortfalls.items()
    }
    return replace(phases[-1], phases=phases, status=worst, shortfalls=shortfalls)


def _stage_result(
    group: _Group, done: _Pass, history: _History, site_id: str, stage: int, own: list[Key]
) -> SiteResult:
    """Assemble the result of one stage of a site, over the stages ``own`` that share its plan.

    ``own`` is the stage, or every weather year (the first is reported hour by hour, the
    others summarised in ``weather_years``).
    """
    scenario = group.scenario
    final = done.final
    first, last = done.sizing_of(own[0]), final[own[0]]
    capacities, capex = _plan(first, last)
    statuses = [r.outcome.status for key in own for r in (done.sizing_of(key), final[key])]
    # A site is as good as the worse of its sizing and its full-year dispatches.
    worst = max(statuses, key=STATUS_ORDER.index)
    shortfalls = {
        (f"{s}@{y}: {name}" if len(own) > 1 else name): text
        for s, y in own
        for name, text in final[s, y].shortfalls.items()
    }
    site = stage_site(scenario, site_id, stage)
    phase_year, phase_weight = phase_of(scenario, site_id, stage)
    return SiteResult(
        site_id=site_id,
        status="shortfall" if shortfalls else worst,
        mip_gap=max(r.outcome.mip_gap for key in own for r in (done.sizing_of(key), final[key])),
        objective_usd_per_yr=float(
            np.mean([done.sizing_of(key).objective_usd_per_yr for key in own])
        ),
        build_seconds=history.build_seconds[site_id],
        solve_seconds=history.solve_seconds[site_id],
        sizing_passes=history.passes[site_id],
        design=design_point(site, scenario.technologies, group.hourly[site_id, stage]),
        horizon_kind=done.kind,
        hours_modelled=int(np.sum(done.steps[done.sized_on[site_id, stage]].duration_h)),
        capacities=capacities,
        gas_units=first.solution.gas_units,
        capex_usd=capex,
        costs=last.solution.costs,
        dispatch=last.solution.dispatch.sort_index(),
        outage_dispatch=last.solution.outage_dispatch,
        profiles=group.hourly[site_id, stage],
        it_capacity_mw=site.data_center.it_capacity_mw,
        shortfalls=shortfalls,
        sizing=first.sizing,
        weather_years=(
            weather_years_summary(scenario, site_id, [final[key] for key in own])
            if len(own) > 1
            else None
        ),
        phase=(
            None
            if phase_year is None
            else {"year": phase_year, "weight": phase_weight, "block": done.names[own[0]]}
        ),
    )


def _unserved_mwh(run: SiteRun) -> float:
    dispatch = run.solution.dispatch
    return float((dispatch["unserved_mw"] * dispatch["weight_h"]).sum())


def _cost(run: SiteRun) -> float:
    return float(run.solution.costs["usd_per_yr"].sum())


def weather_years_summary(scenario: Scenario, site_id: str, runs: list[SiteRun]) -> dict:
    """Per weather year of a site: its cost, unserved energy and emissions; the worst year.

    Returns
    -------
    dict
        ``years``: per year ``weather`` (seed or file), ``cost_usd_per_yr``,
        ``unserved_mwh_per_yr``, ``gas_mwh_per_yr``, ``co2_t_per_yr``, ``peak_load_mw``;
        ``mean_cost_usd_per_yr`` (the objective), ``worst_year`` (the costliest, or the
        one with most unserved energy if any falls short; the reported hourly year is the
        first) and ``statistics``: P50, P90 and worst of cost, unserved energy and CO2
        over the years (:func:`year_statistics`).
    """
    co2_t_per_mmbtu = scenario.economics.co2_kg_per_mmbtu / 1000
    years = []
    for entry, run in zip(scenario.sites[site_id].weather_years, runs, strict=True):
        d = run.solution.dispatch
        years.append(
            {
                "weather": entry.name if isinstance(entry, Path) else f"seed {entry}",
                "cost_usd_per_yr": _cost(run),
                "unserved_mwh_per_yr": _unserved_mwh(run),
                "gas_mwh_per_yr": float((d["gas_mw"] * d["weight_h"]).sum()),
                "co2_t_per_yr": float((d["fuel_mmbtu_per_h"] * d["weight_h"]).sum())
                * co2_t_per_mmbtu,
                "peak_load_mw": float(d["load_mw"].max()),
            }
        )
    worst = max(years, key=lambda y: (y["unserved_mwh_per_yr"], y["cost_usd_per_yr"]))
    return {
        "years": years,
        "mean_cost_usd_per_yr": float(np.mean([y["cost_usd_per_yr"] for y in years])),
        "worst_year": worst["weather"],
        "statistics": {key: year_statistics([y[key] for y in years]) for key in YEAR_FIGURES},
    }


#: Per-year figures summarised over the weather years (P50, P90, worst).
YEAR_FIGURES = ("cost_usd_per_yr", "unserved_mwh_per_yr", "co2_t_per_yr")


def year_statistics(values: list[float]) -> dict[str, float]:
    """P50, P90 and worst of a figure over weather years, where more is worse.

    P90 is the value that 90 % of the years do not exceed (percentile with linear
    interpolation between the sorted years, numpy's default), the worst is the highest.

    Parameters
    ----------
    values : list of float
        One value per weather year (cost [USD/yr], unserved energy [MWh/yr], CO2 [t/yr]).

    Returns
    -------
    dict
        ``p50``, ``p90``, ``worst``, in the unit of ``values``.
    """
    p50, p90 = np.percentile(values, [50, 90])
    return {"p50": float(p50), "p90": float(p90), "worst": float(np.max(values))}


def _plan(sized: SiteRun, final: SiteRun) -> tuple[pd.DataFrame, dict]:
    """Return the capacities and overnight capex of the plan.

    Those of the sizing, except the backup fuel tanks, which the full-year dispatch sized
    again on its hourly outage windows.
    """
    caps = sized.solution.capacities
    final_caps = final.solution.capacities
    kinds = {kind for tech in techs.technologies() for kind in tech.resized_in_dispatch}
    resized = final_caps["kind"].isin(kinds)
    capacities = pd.concat(
        [caps[~caps["kind"].isin(kinds)], final_caps[resized]], ignore_index=True
    )
    again = set(caps.loc[caps["kind"].isin(kinds), "technology"]) | set(
        final_caps.loc[resized, "technology"]
    )
    capex = {k: v for k, v in sized.solution.capex_usd.items() if k not in again}
    capex.update({k: v for k, v in final.solution.capex_usd.items() if k in again})
    return capacities, capex
