"""The ``dcpower`` command line (run, verify, report, pareto, compare, sweep, ...).

The CLI owns the console: library code only logs. Expected failures (bad input, an
infeasible scenario) print one line and exit non-zero, without a traceback.
"""

from __future__ import annotations

import logging
import re
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dcpower import techs as registered
from dcpower.errors import (
    EXIT_INTERRUPTED,
    DcpowerError,
    InfeasibleError,
    ScenarioError,
    SolverLimitError,
)
from dcpower.report import tables
from dcpower.run_folder import (
    MANIFEST_FILE,
    SUMMARY_FILE,
    check_run_folder,
    is_run_folder,
    plant_capacity_keys,
    writable_parent,
)
from dcpower.scenario import Scenario, load_scenario

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Size the uninterruptible power supply of data centers (gas, PV, wind, battery).",
)
# Piped output (logs, CI) gets a wide fixed width so tables are not squeezed to 80 columns.
# emoji=False: a value such as ":x:" in a scenario or a path is shown as typed, not as an emoji.
console = Console(width=None if sys.stdout.isatty() else 140, emoji=False)
# soft_wrap: a message stays on one line whatever the terminal width (no hard wraps).
errors = Console(stderr=True, soft_wrap=True, emoji=False)


def _terminated(signum, frame) -> None:
    """Treat SIGTERM like Ctrl-C: the same one line, exit code and cleanup."""
    raise KeyboardInterrupt


@app.callback()
def _main() -> None:
    """Size the uninterruptible power supply of data centers (gas, PV, wind, battery)."""
    # A run stopped by SIGTERM (a scheduler, `kill`) cleans up as after Ctrl-C: its staged
    # run folder goes and the earlier one stays.
    signal.signal(signal.SIGTERM, _terminated)


#: The scenario argument of the commands that solve (default: caspian-hub).
ScenarioArg = Annotated[
    str | None, typer.Argument(help="Scenario YAML, or a shipped model name (default caspian-hub).")
]
#: The --verbose option shared by the commands that run the pipeline.
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log the pipeline's steps.")]

#: Exit codes: 2 = the input is wrong, 3 = the requirements cannot be met,
#: 4 = the independent verification of a run folder failed.
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_VERIFY_FAILED = 4


def _table(title: str, columns: tuple[str, ...], justify: str = "right") -> Table:
    """Return a console table with a left-aligned title and these (escaped) column headers."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(escape(column), justify=justify)
    return table


def _shown(value: object) -> str:
    """Return a message or value as one printable line, markup escaped.

    Characters that do not print (line breaks, control characters) are written as escapes.
    """
    text = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(value)
    )
    return escape(text)


@contextmanager
def _expected_failures():
    """Turn dcpower's own errors into a one-line message and an exit code."""
    try:
        yield
    except InfeasibleError as err:
        errors.print(f"[bold red]infeasible:[/] {_shown(err)}", highlight=False)
        raise typer.Exit(EXIT_INFEASIBLE) from None
    except SolverLimitError as err:
        errors.print(f"[bold red]no plan:[/] {_shown(err)}", highlight=False)
        raise typer.Exit(EXIT_INFEASIBLE) from None
    except DcpowerError as err:
        errors.print(f"[bold red]error:[/] {_shown(err)}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        # A run folder appears only by an atomic rename, so nothing half-written is left.
        errors.print("[bold red]interrupted:[/] stopped by the user", highlight=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _check_output_folder(out: Path) -> None:
    """Check that ``out`` is, or can be made, a folder dcpower may write in (one line if not)."""
    if out.exists() and not out.is_dir():
        raise DcpowerError(f"--out '{out}': is a file, not a folder")
    writable_parent(out / "x", f"--out '{out}'")


def run_name(name: str) -> str:
    """Return a scenario name as a folder name that stays inside ``runs/``.

    Characters other than letters, digits, ``.``, ``_`` and ``-`` become ``-`` (so no path
    separator or ``..`` survives), leading dots and dashes are dropped; empty gives ``run``.
    """
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", name).lstrip(".-")
    return safe[:100] or "run"


def _with_solver_overrides(
    scenario: Scenario, time_limit: float | None, mip_gap: float | None
) -> Scenario:
    from dcpower.scenario import scenario_from_dict

    raw = scenario.model_dump(mode="json")
    if time_limit is not None:
        raw["solver"]["time_limit_s"] = time_limit
    if mip_gap is not None:
        raw["solver"]["mip_gap"] = mip_gap
    return scenario_from_dict(raw, origin="command line")


@app.command()
def run(
    scenario: ScenarioArg = None,
    out: Annotated[
        Path | None, typer.Option(help="Run folder (default: runs/<scenario name>).")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(help="Solver time limit per site [s].")
    ] = None,
    mip_gap: Annotated[float | None, typer.Option(help="Relative MIP gap, in (0, 1).")] = None,
    verbose: Verbose = False,
) -> None:
    """Size and dispatch every site of a scenario (default: caspian-hub) and write a run folder."""
    import dcpower

    _logging(verbose)
    started = time.perf_counter()
    with _expected_failures():
        loaded = _with_solver_overrides(load_scenario(scenario), time_limit, mip_gap)
        target = out or Path("runs") / run_name(loaded.name)
        check_run_folder(target)  # before solving: never replace a folder that is not a run
        with console.status(f"[bold]{loaded.name}[/]: solving {', '.join(loaded.sites)}") as status:

            def progress(site_id: str, stage: str) -> None:
                if stage == "done":
                    console.log(f"{site_id}: solved")
                status.update(f"[bold]{loaded.name}[/]: {stage} {site_id}")

            result = dcpower.run(loaded, out=target, progress=progress)
    from dcpower.run_summary import summarize

    summary = summarize(result)
    _print_result(summary.to_dict(), result.verification)
    wall = time.perf_counter() - started
    console.print(
        f"status [bold]{summary.status}[/], gap {summary.mip_gap:.2%}, horizon "
        f"{summary.horizon.kind} ({summary.horizon.hours_verified} h dispatched), "
        f"{wall:.0f} s -> {target}"
    )
    unserved = summary.totals.unserved_mwh_per_yr + sum(
        phase["unserved_mwh_per_yr"]
        for phased in (summary.phases or {}).values()
        for phase in phased["phases"][:-1]  # the last is the run's own
    )
    if unserved > 0:
        errors.print(
            f"[bold red]shortfall:[/] {unserved:,.1f} MWh/yr unserved in the full-year "
            f"dispatch (of every phase, if built in phases); see {SUMMARY_FILE} 'shortfalls'"
        )
        raise typer.Exit(EXIT_INFEASIBLE)
    _print_studies(summary)
    _print_reliability(result, summary)
    _exit_if_unverified(result.verification)


def _print_studies(summary) -> None:
    """Print what the run studied beyond the plan: cooling, heat, siting, years, phases."""
    if summary.cooling:
        _print_cooling(summary.cooling)
    if summary.heat_recovery:
        _print_heat_recovery(summary.heat_recovery)
    if summary.siting:
        _print_siting(summary.siting)
    if summary.workload_shifting:
        _print_workload(summary.workload_shifting)
    for site_id, site in summary.sites.items():
        if site.weather_years:
            _print_weather_years(site_id, site.weather_years)
    for site_id, phased in (summary.phases or {}).items():
        _print_phases(site_id, phased)


def _print_reliability(result, summary) -> None:
    """Print the cost-of-reliability steps, the Monte Carlo and the criterion's verdicts."""
    if result.reliability_curves:
        _print_curves(result.reliability_curves, result.scenario.reliability)
    if result.availability is not None:
        from dcpower.availability import format_availability

        console.print(
            escape(format_availability(result.availability)), highlight=False, soft_wrap=True
        )
    if summary.reliability.criterion:
        _print_criterion(summary.reliability.criterion)


def _print_weather_years(site_id: str, years: dict) -> None:
    header, rows = tables.weather_years_rows(years)
    table = _table(f"{site_id}: one plan, {len(years['years'])} weather years", tuple(header))
    for label, cells, statistic in rows:
        table.add_row(escape(label), *cells, style="bold" if statistic else None)
    console.print(table)
    console.print(
        f"mean cost {years['mean_cost_usd_per_yr'] / 1e6:,.2f} M USD/yr (the objective); "
        "P90 = not exceeded in 90 % of these years; the hourly tables hold the first year",
        highlight=False,
    )


def _print_phases(site_id: str, phased: dict) -> None:
    header, rows = tables.phases_rows(phased)
    table = _table(f"{site_id}: built in {len(rows)} phases", tuple(header))
    for cells in rows:
        table.add_row(*(escape(cell) for cell in cells))
    console.print(table)
    console.print(
        f"level cost {phased['level_cost_usd_per_yr'] / 1e6:,.2f} M USD/yr: each phase's "
        f"cost weighted by its share of the project's discounted years (WACC "
        f"{100 * phased['wacc']:.1f} %, {phased['project_life_yr']} years from the first "
        f"phase); phasing: {phased['source']}. The tables above hold the campus complete.",
        highlight=False,
    )


def _print_cooling(cooling: dict) -> None:
    for site_id, choice in cooling.items():
        options = "; ".join(
            f"{name} {o['cost_usd_per_yr'] / 1e6:,.2f} M USD/yr, {o['water_m3_per_yr']:,.0f} m3/yr"
            if o["left_out"] is None
            else f"{name} left out: {o['left_out']}"
            for name, o in choice["options"].items()
        )
        console.print(
            f"cooling of {site_id}: {choice['chosen']} ({options}; on the "
            f"{choice['horizon']} steps)",
            highlight=False,
        )


def _print_heat_recovery(heat_recovery: dict) -> None:
    for site_id, figures in heat_recovery.items():
        saved, have = figures["saved"], figures["with"]
        if saved is None:
            console.print(
                f"heat recovery at {site_id}: nothing built to use the heat (it does not pay "
                "on the sizing's steps); no plan without it to compare",
                highlight=False,
            )
            continue
        sizing = saved["sizing_cost_usd_per_yr"]
        verdict = (
            "the two differ by more than the saving: not a finding (the sizing cannot tell "
            "the plans apart)"
            if figures["saving_within_accuracy"]
            else "the two agree"
        )
        kept = (
            "kept"
            if figures["kept"] == "with"
            else "left out: the plan without costs less over the full year"
        )
        console.print(
            f"heat recovery at {site_id} ({kept}): the plan with it relieves "
            f"{have['relief_mwh_per_yr']:,.0f} MWh/yr of chiller load and saves "
            f"{saved['cost_usd_per_yr'] / 1e6:,.3f} M USD/yr, "
            f"{saved['fuel_mmbtu_per_yr']:,.0f} MMBtu/yr of fuel and "
            f"{saved['co2_t_per_yr']:,.0f} t/yr of CO2 against the same site without it, over "
            f"the full year ({sizing / 1e6:,.3f} M USD/yr on the sizing's steps; {verdict})",
            highlight=False,
        )


def _print_siting(siting: dict) -> None:
    placed = "; ".join(
        f"{site_id} {c['it_capacity_mw']:,.1f} MW ({c['water_m3_per_yr']:,.0f} m3/yr of water)"
        if c["developed"]
        else f"{site_id} not developed"
        for site_id, c in siting["candidates"].items()
    )
    console.print(
        f"siting: {siting['it_demand_mw']:,.1f} MW of IT placed: {placed} (siting model "
        f"{siting['cost_usd_per_yr'] / 1e6:,.2f} M USD/yr, {siting['status']})",
        highlight=False,
    )


def _print_workload(moved: dict) -> None:
    by_site = "; ".join(
        f"{site_id} in {v['in_mwh_it_per_yr'] / 1e3:,.1f} / out {v['out_mwh_it_per_yr'] / 1e3:,.1f}"
        for site_id, v in moved["by_site"].items()
    )
    console.print(
        f"workload shifting ({moved['flexible_share']:.0%} flexible): "
        f"{moved['moved_mwh_it_per_yr'] / 1e3:,.1f} GWh of IT load moved per year ({by_site} "
        f"GWh); cost {moved['cost_usd_per_yr'] / 1e6:,.2f} M USD/yr against "
        f"{moved['cost_without_shifting_usd_per_yr'] / 1e6:,.2f} without shifting: saving "
        f"{moved['saving_usd_per_yr'] / 1e6:,.2f} M USD/yr"
        + (
            " [yellow](within the MIP gap: set a smaller solver.mip_gap to tell)[/]"
            if moved["saving_within_mip_gap"]
            else ""
        ),
        highlight=False,
    )


def _criterion_text(rules) -> str:
    """``mean LOLE <= 1 h/yr``: the reliability criterion in words."""
    return f"{rules.lole_statistic} LOLE <= {rules.criterion_lole_h_per_yr:g} h/yr"


def _print_curves(curves: dict, rules) -> None:
    from dcpower.availability import reliability_steps_table

    table = _table(
        f"cost of reliability (criterion: {_criterion_text(rules)})",
        (
            "site",
            "N+k",
            "gas units",
            "cost [M USD/yr]",
            "extra [M USD/yr]",
            f"LOLE {rules.lole_statistic} [h/yr]",
            "meets",
            "chosen",
        ),
    )
    for row in reliability_steps_table(curves).itertuples(index=False):
        table.add_row(
            row.site,
            f"N+{row.redundancy_k}",
            row.gas_units,
            f"{row.cost_usd_per_yr / 1e6:,.2f}",
            f"{row.extra_cost_usd_per_yr / 1e6:,.2f}",
            f"{row.lole_h_per_yr:.3f}",
            "yes" if row.meets_criterion else "no",
            "<-" if row.chosen else "",
        )
    console.print(table)


def _print_criterion(criterion: dict) -> None:
    """One line per site: whether it meets the reliability criterion, and how surely."""
    for site_id, v in criterion["sites"].items():
        verdict = "meets" if v["meets"] else "does NOT meet"
        sampling = (
            " (within the Monte Carlo's sampling error: simulate more years to be sure)"
            if v["within_sampling_error"]
            else ""
        )
        console.print(
            f"{escape(site_id)}: {verdict} the criterion {v['statistic']} LOLE <= "
            f"{v['max_lole_h_per_yr']:g} h/yr: {v['lole_h_per_yr']:.3f} h/yr "
            f"[95 % {v['ci95'][0]:.3f}-{v['ci95'][1]:.3f}]{sampling}",
            highlight=False,
        )


def _exit_if_unverified(report: dict) -> None:
    from dcpower.verify import first_failure

    checks = report["checks"]
    failed = first_failure(report)
    if failed is None:
        console.print(f"verified: {len(checks)} independent checks passed (verification.json)")
        return
    errors.print(f"[bold red]verification failed:[/] {escape(failed)}")
    raise typer.Exit(EXIT_VERIFY_FAILED)


def _require_run_folder(run_dir: Path) -> None:
    if not is_run_folder(run_dir):
        raise ScenarioError(f"{run_dir}: not a run folder (no {SUMMARY_FILE})")


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `dcpower run`.")],
) -> None:
    """Rebuild results.xlsx, report.html and figures/ from a saved run folder (no solver)."""
    from dcpower.report import write_reports

    with _expected_failures():
        _require_run_folder(run_dir)
        written = write_reports(run_dir)
    for kind, path in written.items():
        console.print(f"{kind}: {escape(str(path))}")


@app.command()
def verify(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `dcpower run`.")],
) -> None:
    """Re-check a saved run hour by hour, independently of the model; write verification.json."""
    from dcpower.verify import write_verification

    with _expected_failures():
        _require_run_folder(run_dir)
        report = write_verification(run_dir)
    table = _table(
        f"{run_dir}: verification",
        ("site", "check", "result", "worst hour", "margin"),
        justify="left",
    )
    for check in report["checks"]:
        margin = check["margin"]
        table.add_row(
            check["site"],
            escape(check["check"]),
            "pass" if check["passed"] else "[bold red]FAIL[/]",
            check["worst_time"] or "",
            "" if margin is None else f"{margin:.4g} {check['unit']}",
        )
    console.print(table)
    changed = report.get("changed_since_written")
    if changed:
        console.print(
            f"note: {_shown(', '.join(changed))} differ from what dcpower wrote "
            f"(checksums of {MANIFEST_FILE}): verified as they are now"
        )
    _exit_if_unverified(report)


@app.command()
def pareto(
    scenario: ScenarioArg = None,
    points: Annotated[
        int, typer.Option(min=2, max=50, help="Points on the frontier, least cost included.")
    ] = 5,
    max_reduction: Annotated[
        float,
        typer.Option(
            min=0.01, max=0.99, help="CO2 cut of the last point against the least-cost plan."
        ),
    ] = 0.5,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for pareto.csv and pareto.png (default: runs/<name>-pareto)."),
    ] = None,
    verbose: Verbose = False,
) -> None:
    """Trace the cost-versus-CO2 frontier (epsilon-constraint on the CO2 of all sites)."""
    from dcpower.pareto import is_monotone, pareto_front, write_pareto

    _logging(verbose)
    with _expected_failures():
        loaded = load_scenario(scenario)
        target = out or Path("runs") / f"{loaded.name}-pareto"
        with console.status(f"[bold]{loaded.name}[/]: least-cost plan") as status:

            def progress(point: int, cap: float | None) -> None:
                cap_text = "no cap" if cap is None else f"cap {cap / 1e3:,.1f} kt CO2/yr"
                status.update(f"[bold]{loaded.name}[/]: point {point + 1} of {points}, {cap_text}")

            table = pareto_front(
                loaded, points=points, max_reduction=max_reduction, progress=progress
            )
        paths = write_pareto(table, target, loaded.name)
    frontier = _table(
        f"{loaded.name}: cost against CO2",
        (
            "point",
            "cap [kt/yr]",
            "CO2 [kt/yr]",
            "cost [M USD/yr]",
            "extra [M USD/yr]",
            "abatement [USD/t]",
            "renewable share",
            "status",
        ),
    )
    for row in table.itertuples(index=False):
        solved = row.status != "infeasible"
        frontier.add_row(
            str(row.point),
            "-" if pd.isna(row.co2_cap_t_per_yr) else f"{row.co2_cap_t_per_yr / 1e3:,.1f}",
            f"{row.co2_t_per_yr / 1e3:,.1f}" if solved else "",
            f"{row.cost_usd_per_yr / 1e6:,.2f}" if solved else "",
            f"{row.extra_cost_usd_per_yr / 1e6:,.2f}" if solved else "",
            "" if pd.isna(row.abatement_usd_per_t) else f"{row.abatement_usd_per_t:,.0f}",
            f"{row.renewable_share:.1%}" if solved else "",
            escape(row.status),
        )
    console.print(frontier)
    gap = loaded.solver.mip_gap
    console.print(
        f"monotone within the MIP gap ({gap:.2%}): "
        f"{'yes' if is_monotone(table, gap) else 'NO'}; "
        f"{escape(str(paths['table']))}, {escape(str(paths['figure']))}"
    )


@app.command()
def compare(
    scenario: ScenarioArg = None,
    flexible_share: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Share of IT load that may move between sites (default: the scenario's).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for compare.csv (default: runs/<name>-compare)."),
    ] = None,
    verbose: Verbose = False,
) -> None:
    """Compare site layouts for the same IT load: each site alone, all sites, with shifting."""
    from dcpower.compare import COMPARE_TABLE, compare_layouts

    _logging(verbose)
    with _expected_failures():
        loaded = load_scenario(scenario)
        target = out or Path("runs") / f"{loaded.name}-compare"
        with console.status(f"[bold]{loaded.name}[/]: comparing layouts") as status:
            table = compare_layouts(
                loaded,
                flexible_share,
                progress=lambda name: status.update(f"[bold]{loaded.name}[/]: {name}"),
            )
        target.mkdir(parents=True, exist_ok=True)
        table.to_csv(target / COMPARE_TABLE, index=False, float_format="%.9g")
    shown = _table(
        f"{loaded.name}: where should the next MW go?",
        (
            "layout",
            "IT [MW]",
            "plant built [MW, MWh]",
            "cost [M USD/yr]",
            "LCOE [USD/MWh]",
            "CO2 [kt/yr]",
            "worst availability [%]",
            "verified",
        ),
    )
    for row in table.itertuples(index=False):
        shown.add_row(
            escape(row.layout),
            escape(row.it_capacity_mw),
            escape(_plant_text(row)),
            f"{row.cost_usd_per_yr / 1e6:,.2f}",
            f"{row.lcoe_usd_per_mwh:,.1f}",
            f"{row.co2_t_per_yr / 1e3:,.1f}",
            "" if pd.isna(row.worst_availability_pct) else f"{row.worst_availability_pct:.4f}",
            "yes" if row.verified else "[bold red]NO[/]",
        )
    console.print(shown)
    console.print(f"-> {escape(str(target / COMPARE_TABLE))}")


def _plant_text(row) -> str:
    """Return what a layout builds, one line per capacity key that is not zero."""
    built = {k: getattr(row, k) for k in plant_capacity_keys() if getattr(row, k, 0) > 0}
    return "\n".join(f"{k} {v:,.0f}" for k, v in built.items()) or "nothing"


def _print_result(summary: dict, verification: dict | None = None) -> None:
    """Print the headline table and the design basis (as report.html and results.xlsx)."""
    sites = list(summary["sites"])
    _print_rows(
        f"{summary['scenario']}: least-cost plan",
        sites,
        tables.headline_rows(summary, verification),
    )
    _print_rows("Design basis (N+k)", sites, tables.design_basis_rows(summary, sites))
    console.print(escape(tables.DESIGN_BASIS_NOTE))


def _print_rows(title: str, sites: list[str], rows: list) -> None:
    """Print rows of per-site figures (and their total, for several sites) as one table."""
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for site_id in sites:
        table.add_column(site_id, justify="right")
    if len(sites) > 1:
        table.add_column("total", justify="right")
    for row in rows:
        cells = [tables.text(v, row.fmt) for v in row.values]
        if len(sites) > 1:
            cells.append("" if row.total is None else tables.text(row.total, row.fmt))
        table.add_row(escape(row.short_heading), *(escape(c) for c in cells))
    console.print(table)


@app.command()
def validate(
    scenario: ScenarioArg = None,
    out: Annotated[
        Path | None, typer.Option(help="Also check that a run could be written here.")
    ] = None,
) -> None:
    """Check a scenario without solving it: every check ``run`` makes before it solves.

    The schema and the files it names, each site's weather and hourly profiles (every
    weather year), the N+k design point, the cooling water within its limit, and with
    ``--out`` the run folder's path.
    """
    from dcpower.pipeline.inputs import (
        cooling_water_m3_per_yr,
        hourly_profiles,
        stage_count,
        stage_site,
        with_design_ambients_from_years,
    )
    from dcpower.profiles import design_point

    with _expected_failures():
        loaded = with_design_ambients_from_years(load_scenario(scenario))
        if out is not None:
            check_run_folder(out)
        design = {}
        for site_id in loaded.sites:
            # Every weather year, or every phase of a campus built in phases.
            for stage in range(stage_count(loaded, site_id)):
                site = stage_site(loaded, site_id, stage)
                hourly = hourly_profiles(loaded, site_id, stage)
                point = design_point(site, loaded.technologies, hourly)
                if not site.data_center.choose_cooling:  # else the choice heeds the limit
                    cooling_water_m3_per_yr(site_id, site, hourly)
                design[site_id] = max(
                    design.get(site_id, (0.0, 0.0)), (point.facility_load_mw, point.temp_air_c)
                )
    table = _table(
        f"{loaded.name}: valid",
        (
            "site",
            "climate",
            "IT MW",
            "design load MW (IT x PUE)",
            "design ambient degC",
            "gas USD/MMBtu",
            "technologies",
        ),
        justify="left",
    )
    for site_id, site in loaded.sites.items():
        table.add_row(
            site_id,
            site.climate if site.weather_file is None else str(site.weather_file),
            _it_capacity_text(site.data_center),
            f"{design[site_id][0]:.1f}",
            f"{design[site_id][1]:.1f}",
            f"{site.gas_price_usd_per_mmbtu:g}",
            ", ".join(site.technologies),
        )
    console.print(table)


def _it_capacity_text(data_center) -> str:
    """Return the IT capacity [MW], with the year of each phase if built in phases."""
    if not data_center.phases:
        return f"{data_center.it_capacity_mw:g}"
    return ", ".join(f"{p.it_capacity_mw:g} ({p.year})" for p in data_center.phases)


weather_app = typer.Typer(
    no_args_is_help=True, help="Weather records: download them, derive design temperatures."
)
app.add_typer(weather_app, name="weather")


@weather_app.command("fetch")
def weather_fetch(
    where: Annotated[
        str, typer.Argument(help="An embedded site id (aktau) or LAT,LON in degrees (43.6,51.2).")
    ],
    source: Annotated[
        str, typer.Option(help="pvgis-tmy, pvgis-hourly or nasa-power.")
    ] = "pvgis-tmy",
    years: Annotated[
        str | None,
        typer.Option(help="Calendar years of an hourly source: 2019, 2005-2023 or 2018,2020."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the files (default weather/<site>).")
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(help="Local time: IANA zone or UTC+04:00 (default: the site's zone)."),
    ] = None,
) -> None:
    """Download weather records (PVGIS, NASA POWER) into files dcpower reads, one per year."""
    from dcpower.weather.fetch import fetch_weather, parse_years

    with _expected_failures():
        latitude, longitude, zone, label = _fetch_location(where)
        folder = out if out is not None else Path("weather") / label
        _check_output_folder(folder)
        written = fetch_weather(
            source,
            latitude,
            longitude,
            folder,
            years=parse_years(years) if years is not None else None,
            tz=tz if tz is not None else zone,
        )
    table = _table(
        f"{source} at {latitude:.4f}, {longitude:.4f}",
        ("file", "year", "downloaded", "repairs"),
        justify="left",
    )
    for item in written:
        table.add_row(
            _shown(item.path),
            "typical" if item.year is None else str(item.year),
            "from the cache" if item.from_cache else "now",
            _shown("; ".join(item.notes)) or "-",
        )
    console.print(table)
    names = ", ".join(str(item.path) for item in written)
    console.print(
        _shown(
            "Check them with `dcpower profiles <site> --weather FILE`; use one as a site's "
            f"weather_file, or several as weather_years: [{names}]."
        )
    )


def _fetch_location(where: str) -> tuple[float, float, str | None, str]:
    """Latitude, longitude, time zone and folder label of an embedded site or LAT,LON."""
    from dcpower.weather import available_sites, load_site

    match = re.fullmatch(r"\s*([-+]?\d+(?:\.\d*)?)\s*,\s*([-+]?\d+(?:\.\d*)?)\s*", where)
    if match:
        latitude, longitude = float(match.group(1)), float(match.group(2))
        return latitude, longitude, None, f"{latitude:.4f}_{longitude:.4f}"
    if where not in available_sites():
        raise DcpowerError(
            f"'{where}': neither an embedded site ({', '.join(available_sites())}) nor "
            "LAT,LON in degrees (43.6,51.2)"
        )
    site = load_site(where)
    return site.latitude, site.longitude, site.timezone, where


@weather_app.command("design-temps")
def design_temps(
    files: Annotated[
        list[Path],
        typer.Argument(help="Weather files, one year each (EPW, PVGIS, NASA POWER, CSV)."),
    ],
    tz: Annotated[str | None, typer.Option(help="Time zone of naive CSV timestamps.")] = None,
) -> None:
    """Extreme annual and 0.4 % / 1 % design dry bulbs from several years of records."""
    from dcpower.weather.design import design_temperatures
    from dcpower.weather.readers import read_weather

    with _expected_failures():
        years = []
        for path in files:
            if not path.is_file():
                raise DcpowerError(f"weather file '{_shown(path)}': not found or not a file")
            data, _ = read_weather(path, tz=tz)
            years.append(data["temp_air"])
        found = design_temperatures(years)
    table = _table("design dry bulb, degC", ("figure", "value"), justify="left")
    for path, peak in zip(files, found["annual_max_c"], strict=True):
        table.add_row(f"highest hour of {_shown(path.name)}", f"{peak:.1f}")
    table.add_row("extreme annual, mean", f"{found['extreme_mean_c']:.1f}")
    table.add_row("extreme annual, standard deviation", f"{found['extreme_sd_c']:.2f}")
    for years_n, value in found["return_values_c"].items():
        table.add_row(f"{years_n}-year return value", f"{value:.1f}")
    for percent, value in found["exceeded_c"].items():
        table.add_row(f"{percent:g} % annual (exceeded {percent:g} % of hours)", f"{value:.1f}")
    console.print(table)
    console.print(
        f"{found['years']} years; ASHRAE Handbook-Fundamentals ch. 14 method (Gumbel by "
        "moments); return periods beyond the record's length extrapolate the fit. A site "
        "file's design_temp_air_c may take one of these where no published value is at hand."
    )


@app.command()
def sites() -> None:
    """List the embedded sites."""
    from dcpower.weather import available_sites, load_site

    table = _table("embedded sites", ("id", "name", "lat", "lon", "time zone"), justify="left")
    for site_id in available_sites():
        s = load_site(site_id)
        table.add_row(site_id, s.name, f"{s.latitude:.2f}", f"{s.longitude:.2f}", s.timezone)
    console.print(table)


@app.command()
def profiles(
    site: Annotated[
        str, typer.Argument(help="Site id of the scenario, or an embedded climate id.")
    ],
    weather: Annotated[
        Path | None, typer.Option(help="Weather file (EPW, PVGIS, NASA POWER, CSV).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the synthetic typical year.")] = None,
    scenario: Annotated[
        str, typer.Option(help="Scenario giving the data center and technologies.")
    ] = "caspian-hub",
    out: Annotated[
        Path | None, typer.Option(help="Folder for the hourly table (profiles-<site>.csv).")
    ] = None,
) -> None:
    """Print annual and monthly resource figures of a site and write its hourly profiles."""
    from dcpower.pipeline import hourly_profiles

    with _expected_failures():
        loaded = load_scenario(scenario)
        raw = loaded.model_dump(mode="json")
        base_id = site if site in raw["sites"] else next(iter(raw["sites"]))
        chosen = raw["sites"][base_id] | ({"climate": site} if site not in raw["sites"] else {})
        if weather is not None:
            chosen["weather_file"] = str(weather.resolve())
        if seed is not None:
            chosen["weather_seed"] = seed
        raw["sites"] = {site: chosen}
        from dcpower.scenario import scenario_from_dict

        one = scenario_from_dict(raw, origin="profiles")
        if weather is not None and not weather.exists():
            errors.print(
                f"[bold red]error:[/] --weather '{_shown(weather)}': file not found",
                highlight=False,
            )
            raise typer.Exit(EXIT_BAD_INPUT)
        if out is not None:
            _check_output_folder(out)  # before any work, as run does
        started = time.perf_counter()
        hourly = hourly_profiles(one, site)
        seconds = time.perf_counter() - started
    _print_profiles(site, one, hourly)
    console.print(f"profiles computed in {seconds:.2f} s")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"profiles-{site}.csv"
        table = hourly.reset_index(drop=True)
        table.insert(0, "time", [t.isoformat() for t in hourly.index])
        table.to_csv(path, index=False, float_format="%.6g")
        console.print(f"hourly table -> {path}")


@app.command()
def sweep(
    spec: Annotated[
        str,
        typer.Argument(
            help="Sweep YAML (with `base:`), or a base scenario (shipped name or path)."
        ),
    ],
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="PATH=V1,V2,... values to try (repeatable), e.g. "
            "sites.baku.gas_price_usd_per_mmbtu=2,4,6,8; values are YAML ([pv_fixed] is a list).",
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="PATH=VALUE set at every point (repeatable), e.g. "
            "'time={kind: window, start_hour: 0, n_hours: 168}'.",
        ),
    ] = None,
    one_at_a_time: Annotated[
        bool,
        typer.Option(
            "--one-at-a-time", help="Vary each path alone around the base (tornado, spider)."
        ),
    ] = False,
    sample: Annotated[
        int | None, typer.Option(help="Random draws of the sweep file's distributions.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the random draws.")] = None,
    output: Annotated[
        str | None,
        typer.Option(help="Result column the charts show, e.g. total.lcoe_usd_per_mwh."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Sweep folder (default: runs/sweeps/<sweep name>).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Local worker processes (default: the CPU count).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of a running dask scheduler, e.g. tcp://10.0.0.5:8786."),
    ] = None,
    verbose: Verbose = False,
) -> None:
    """Run a scenario many times with inputs varied (grid, one at a time, Monte Carlo) on dask."""
    from dcpower.sweep import output_label, points, run_sweep, spec_from_command_line

    _logging(verbose)
    started = time.perf_counter()
    with _expected_failures():
        swept = spec_from_command_line(
            spec,
            vary=vary,
            fixed=set_,
            sample=sample,
            seed=seed,
            one_at_a_time=one_at_a_time,
            output=output,
        )
        target = out or Path("runs") / "sweeps" / swept.name
        total = len(points(swept))
        label, scale = output_label(swept.output)
        with console.status(f"[bold]{escape(swept.name)}[/]: {total} points") as status:

            def progress(row: dict, done: int, todo: int) -> None:
                varied = [p for p in str(row.get("varied") or "").split(",") if p]
                where = ", ".join(f"{p}={row[p]}" for p in varied) or "base"
                value = row.get(swept.output)
                shown = "" if value is None or value != value else f" {value * scale:,.4g}"
                reason = f": {row['reason']}" if row.get("reason") else ""
                console.log(
                    escape(f"[{done}/{todo}] {row['point_id']} ({where}) {row['status']}")
                    + escape(f"{shown}{reason}"),
                    highlight=False,
                )
                status.update(f"[bold]{escape(swept.name)}[/]: {done}/{todo} points solved")

            try:
                table = run_sweep(
                    swept, target, scheduler=scheduler, workers=workers, progress=progress
                )
            except KeyboardInterrupt:
                errors.print(
                    f"[bold red]interrupted:[/] finished points are in {escape(str(target))}; "
                    "run the same command again to resume"
                )
                raise typer.Exit(EXIT_INTERRUPTED) from None
    counts = table["status"].value_counts()
    summary = _table(f"{swept.name}: {len(table)} points", ("status", "points"), justify="left")
    for status_name, n in counts.items():
        summary.add_row(str(status_name), str(n))
    console.print(summary)
    values = table[swept.output].dropna() * scale if swept.output in table else []
    if len(values):
        console.print(
            escape(
                f"{label}: min {values.min():,.4g}, median {values.median():,.4g}, "
                f"max {values.max():,.4g}"
            ),
            highlight=False,
        )
    solved, skipped = len(table.attrs["solved"]), len(table.attrs["skipped"])
    console.print(
        f"{solved} solved, {skipped} already done, {time.perf_counter() - started:.0f} s -> "
        f"{escape(str(target))} (results.csv, results.parquet, sweep.html)"
    )
    if not table["status"].isin(["optimal", "time_limit", "shortfall"]).any():
        errors.print("[bold red]infeasible:[/] no point of the sweep has a plan; see results.csv")
        raise typer.Exit(EXIT_INFEASIBLE)


def _print_profiles(site_id: str, scenario: Scenario, hourly: pd.DataFrame) -> None:
    techs = {t: scenario.technologies[t] for t in scenario.sites[site_id].technologies}
    month = hourly.index.month
    monthly = pd.DataFrame(index=range(1, 13))
    monthly["GHI kWh/m2"] = hourly["ghi"].groupby(month).sum() / 1000
    monthly["T mean C"] = hourly["temp_air"].groupby(month).mean()
    if "relative_humidity" in hourly:
        monthly["RH mean %"] = hourly["relative_humidity"].groupby(month).mean()
    figures = {t: registered.of(spec).profile_figures(t, spec, hourly) for t, spec in techs.items()}
    for columns, _ in figures.values():
        for label, values in columns.items():
            monthly[label] = values
    monthly["load MW"] = hourly["load_mw"].groupby(month).mean()
    monthly["PUE"] = hourly["pue"].groupby(month).mean()

    table = Table(title=f"{site_id}: monthly profile figures", title_justify="left")
    table.add_column("month")
    for column in monthly.columns:
        table.add_column(column, justify="right")
    annual = {}
    for column in monthly.columns:
        total = column.endswith(("kWh/m2", "kWh/kWp"))
        annual[column] = monthly[column].sum() if total else hourly_mean(hourly, column, monthly)
    for m, values in monthly.iterrows():
        table.add_row(str(m), *(_fmt(v) for v in values))
    table.add_row("year", *(_fmt(annual[c]) for c in monthly.columns), style="bold")
    console.print(table)

    facts = Table(title=f"{site_id}: annual figures", title_justify="left", show_header=False)
    facts.add_column("")
    facts.add_column("", justify="right")
    site = scenario.sites[site_id]
    facts.add_row(
        "weather",
        _shown(site.weather_file)
        if site.weather_file is not None
        else f"synthetic typical year, seed {site.weather_seed}",
    )
    facts.add_row(
        "data-center load mean / peak [MW]",
        f"{hourly['load_mw'].mean():.2f} / {hourly['load_mw'].max():.2f}",
    )
    facts.add_row(
        "PUE min / mean / max",
        f"{hourly['pue'].min():.3f} / {hourly['pue'].mean():.3f} / {hourly['pue'].max():.3f}",
    )
    hottest = hourly["temp_air"].idxmax()
    facts.add_row("hottest hour", f"{hottest.isoformat()} ({hourly['temp_air'].max():.1f} C)")
    if "temp_wet_bulb" in hourly:
        wettest = hourly["temp_wet_bulb"].idxmax()
        facts.add_row(
            "highest wet bulb",
            f"{wettest.isoformat()} ({hourly['temp_wet_bulb'].max():.1f} C)",
        )
    for _, annual_facts in figures.values():
        for label, text in annual_facts.items():
            facts.add_row(label, text)
    console.print(facts)


def hourly_mean(hourly: pd.DataFrame, column: str, monthly: pd.DataFrame) -> float:
    """Annual mean of a monthly-mean column, weighted by hours in each month."""
    hours = hourly.index.month.value_counts().sort_index()
    return float((monthly[column] * hours.to_numpy()).sum() / hours.sum())


def _fmt(value: float) -> str:
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3f}"


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


if __name__ == "__main__":
    app()
