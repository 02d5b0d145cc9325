"""``dcpower.run()``: solve every group of sites of a scenario and write the run folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from dcpower.availability import merge_availability, simulate_availability
from dcpower.cores import cores_available
from dcpower.optimization.solve import solving_process, stop_workers
from dcpower.phasing import PHASES_DIR, phase_folder
from dcpower.pipeline.inputs import site_groups, with_design_ambients_from_years
from dcpower.pipeline.studies import (
    choose_cooling,
    choose_sites,
    heat_recovery_summary,
    without_heat_recovery,
)
from dcpower.pipeline.targets import GroupSolution, solve_group, with_site_redundancy
from dcpower.report import submit_workbook, workbook_pool, write_reports
from dcpower.results import Result
from dcpower.run_folder import (
    RunFolder,
    publish_run_folder,
    rewrite_summary,
    staging_folder,
    write_manifest,
    write_run_folder,
)
from dcpower.run_summary import criterion_verdicts, summarize
from dcpower.scenario import Scenario, load_scenario
from dcpower.verify import write_verification

Progress = Callable[[str, str], None]


def run(
    scenario: Scenario | str | Path | None = None,
    *,
    out: str | Path | None = None,
    progress: Progress | None = None,
    parallel: bool = True,
    reports: bool = True,
    start_sizing: dict[str, dict] | None = None,
) -> Result:
    """Size the power supply of every site of a scenario at least cost.

    Parameters
    ----------
    scenario : Scenario, str, Path or None
        A scenario object, a YAML path, or a shipped model name; None runs ``caspian-hub``.
    out : str or Path, optional
        If given, the run folder is written there (atomically), verified independently
        (``verification.json``, also in ``Result.verification``), and its availability
        measured by Monte Carlo (``summary.json`` "reliability", ``Result.availability``);
        then ``results.xlsx``, ``report.html`` and ``figures/`` are written from the folder.
    progress : callable, optional
        Called as ``progress(site_id, stage)`` when a site starts and finishes.
    parallel : bool
        Solve sites in separate processes (they are independent models).
    reports : bool
        Write the workbook, HTML report and figures into ``out`` (sweeps skip them).
    start_sizing : dict, optional
        Investment decisions by site id (``SiteResult.sizing``) that a model of coupled
        sites starts from (a feasible plan it can only improve on).

    Returns
    -------
    Result

    Raises
    ------
    ScenarioError
        Invalid scenario or input file.
    InfeasibleError
        A site has no plan that meets every requirement (the message says which and by how much).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = with_design_ambients_from_years(scenario)
    notify = progress or (lambda site_id, stage: None)
    scenario, cooling = _choose_cooling(scenario, notify)
    scenario, siting = _place_it_demand(scenario, notify)
    solved = _solve_groups(scenario, start_sizing, notify, parallel)
    scenario, solved, heat_recovery = _heat_recovery(scenario, solved, notify, parallel)
    result = _result(scenario, solved, siting, cooling, heat_recovery)
    if out is not None:
        _write_run_folder(result, out, reports)
    return result


def _choose_cooling(scenario: Scenario, notify: Progress) -> tuple[Scenario, dict | None]:
    """Choose the cooling of the sites that let the run choose it."""
    if not any(site.data_center.choose_cooling for site in scenario.sites.values()):
        return scenario, None
    notify("cooling", "choosing the cooling of")
    scenario, cooling = choose_cooling(scenario)
    notify("cooling", "done")
    return scenario, cooling


def _heat_recovery(
    scenario: Scenario, solved: dict[str, GroupSolution], notify: Progress, parallel: bool
) -> tuple[Scenario, dict[str, GroupSolution], dict | None]:
    """Solve the sites that use recovered heat again without it; keep the cheaper plan.

    Only groups whose plan built a heat-driven technology are solved again. Both plans of
    such a group are sized and dispatched over the full year; the group keeps the one of
    least full-year cost (a tie keeps heat recovery), and the scenario returned says which
    (the heat-driven technologies are off the sites that do without). Returns the
    scenario, the groups' solutions and what heat recovery saves
    (:func:`heat_recovery_summary`, with ``kept`` per site); the summary is None if no
    site has a heat-driven technology.
    """
    plans = {k: v for group in solved.values() for k, v in group.sites.items()}
    without = without_heat_recovery(scenario, plans)
    lacking = {}
    if without is not None:
        notify("without heat recovery", "solving")
        lacking = _solve_groups(without, None, lambda site_id, stage: None, parallel)
        notify("without heat recovery", "done")
    summary = heat_recovery_summary(
        scenario, plans, {k: v for group in lacking.values() for k, v in group.sites.items()}
    )
    if summary is None:
        return scenario, solved, None
    kept = dict(solved)
    sites = dict(scenario.sites)
    for name, group in lacking.items():
        saved = sum(summary[site_id]["saved"]["cost_usd_per_yr"] for site_id in group.sites)
        keep = "with" if saved >= 0 else "without"
        for site_id in group.sites:
            summary[site_id]["kept"] = keep
        if keep == "without":
            kept[name] = group
            sites.update({site_id: without.sites[site_id] for site_id in group.sites})
    return scenario.model_copy(update={"sites": sites}), kept, summary


def _place_it_demand(scenario: Scenario, notify: Progress) -> tuple[Scenario, dict | None]:
    """Choose the sites that host the IT demand, if the scenario has one to place."""
    if scenario.siting.it_demand_mw is None:
        return scenario, None
    notify("siting", "placing the IT demand over")
    scenario, siting = choose_sites(scenario)
    notify("siting", "done")
    return scenario, siting


def _solve_groups(
    scenario: Scenario,
    start_sizing: dict[str, dict] | None,
    notify: Progress,
    parallel: bool,
) -> dict[str, GroupSolution]:
    """Solve each group of sites (in separate processes if asked), by group name."""
    groups = {"+".join(ids): ids for ids in site_groups(scenario)}
    workers = cores_available(len(groups))
    solved: dict[str, GroupSolution] = {}
    if parallel and workers > 1:
        scenario = _windows_on_every_core(scenario)
        with ProcessPoolExecutor(workers, initializer=solving_process) as pool:
            try:
                futures = {}
                for name, ids in groups.items():
                    notify(name, "solving")
                    futures[name] = pool.submit(solve_group, scenario, ids, start_sizing)
                for name, future in futures.items():
                    solved[name] = future.result()
                    notify(name, "done")
            except BaseException:  # interrupted or failed: the other groups are not waited for
                stop_workers(pool)
                raise
    else:
        for name, ids in groups.items():
            notify(name, "solving")
            solved[name] = solve_group(scenario, ids, start_sizing)
            notify(name, "done")
    return solved


def _windows_on_every_core(scenario: Scenario) -> Scenario:
    """Let each of the groups solved at once use every core for its dispatch windows.

    Every group may use every core: the groups' heavy phases rarely overlap (a gas-only
    site's dispatch takes seconds, a site with wind minutes), and a group's fixed share
    would leave the cores of a group that has finished idle while another still solves.
    While both solve, the operating system shares the cores.
    """
    if scenario.solver.dispatch_workers is not None:
        return scenario
    solver = scenario.solver.model_copy(update={"dispatch_workers": cores_available(None)})
    return scenario.model_copy(update={"solver": solver})


def _result(
    scenario: Scenario,
    solved: dict[str, GroupSolution],
    siting: dict | None,
    cooling: dict | None,
    heat_recovery: dict | None,
) -> Result:
    """Gather the groups' sites and figures into the run's result.

    With an availability target the scenario reported is the one with each site's
    chosen N+k, so the run folder's scenario matches its plan.
    """
    curves = {k: v for group in solved.values() for k, v in group.curves.items()}
    for site_id, curve in curves.items():
        chosen_k = next(row["redundancy_k"] for row in curve if row["chosen"])
        scenario = with_site_redundancy(scenario, site_id, chosen_k)
    results = {k: v for group in solved.values() for k, v in group.sites.items()}
    workload = next((g.workload for g in solved.values() if g.workload is not None), None)
    return Result(
        scenario=scenario,
        sites=results,
        reliability_curves=curves or None,
        workload=workload,
        siting=siting,
        cooling=cooling,
        heat_recovery=heat_recovery,
        availability=_groups_availability(scenario, solved),
    )


def _groups_availability(scenario: Scenario, solved: dict[str, GroupSolution]) -> dict | None:
    """Return the groups' Monte Carlo of their chosen plans as the run's (None if one lacks it).

    A reliability criterion measures each group's plan over at least 100 years; when that
    is the run's ``monte_carlo_years`` (same seed, each site its own stream), it is the
    run folder's Monte Carlo, and simulating it again would only repeat it.
    """
    parts = [group.availability for group in solved.values()]
    years = scenario.reliability.monte_carlo_years
    if not parts or any(part is None or part["years"] != years for part in parts):
        return None
    merged = merge_availability(parts)
    merged["sites"] = {site_id: merged["sites"][site_id] for site_id in scenario.sites}
    return merged


def _write_phase_folders(result: Result, folder: RunFolder, out: Path) -> None:
    """Write each earlier phase of a phased site as a run folder of its own, in ``phases/``.

    The phase's plan dispatched over the year with the phase's IT capacity
    (``folder.phase_tables``): the run's verification re-checks it like any run
    (:mod:`dcpower.verify.phases`).
    """
    for (site_id, year), alone in result.earlier_phases().items():
        tables = folder.phase_tables[site_id, year]
        tables.summary = summarize(alone, tables)
        (out / PHASES_DIR).mkdir(exist_ok=True)
        write_run_folder(tables, out / phase_folder(site_id, year))


def _write_run_folder(result: Result, out: str | Path, reports: bool) -> None:
    """Write the run folder, verify it, measure its availability and write the reports.

    Everything is built in a hidden staging folder next to ``out`` and moved into place
    only once complete (tables, verification, availability, reports, manifest), so an
    interrupted run leaves no partial run folder and the previous one, if any, untouched.
    """
    target = Path(out).absolute()
    staging = staging_folder(target)
    try:
        _build_run_folder(result, staging, target, reports)
        publish_run_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _build_run_folder(result: Result, out: Path, target: Path, reports: bool) -> None:
    """Write, verify, simulate and report a run folder in ``out``, staged for ``target``."""
    # The workbook's process imports its writer, then verifies, while this one simulates
    # (or, with the Monte Carlo done by the reliability criterion, renders the charts).
    pool = workbook_pool() if reports else None
    rules = result.scenario.reliability
    simulate = rules.monte_carlo_years > 0 and result.availability is None
    try:
        folder = RunFolder.from_result(result)
        folder.summary = summarize(result, folder)  # with a reused Monte Carlo, if any
        write_run_folder(folder, out)
        _write_phase_folders(result, folder, out)
        # The saved folder is re-checked hour by hour, independently of the model (in
        # the workbook's process when there is one), while its availability is measured
        # by Monte Carlo over unit failures and repairs, unless the reliability
        # criterion's check measured these plans over the same years (then the charts
        # are drawn meanwhile); neither reads what the other writes, and a summary with
        # the Monte Carlo run here is rewritten once both are done.
        checking = pool.submit(write_verification, out, published_as=target) if pool else None
        charts = workbook = None
        if simulate:
            result.availability = simulate_availability(
                out, years=rules.monte_carlo_years, seed=rules.monte_carlo_seed
            )
        elif pool is not None:
            from dcpower.report.html import render_charts  # matplotlib: only when reporting

            # The folder is final once verified: the workbook queues behind the check,
            # and the charts (which read no verification) are drawn meanwhile.
            workbook = submit_workbook(pool, out)
            charts = render_charts(out)
        result.verification = (
            checking.result() if checking else write_verification(out, published_as=target)
        )
        if simulate:
            folder.summary.reliability.availability = result.availability
            folder.summary.reliability.criterion = criterion_verdicts(
                result.scenario, result.availability
            )
            rewrite_summary(out, folder.summary)
        if reports:
            write_reports(out, folder_name=target.name, pool=pool, charts=charts, workbook=workbook)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    write_manifest(out)  # again, last: it lists the verification and reports too
