"""The sweep of ``dcpower sweep``: a sweep file or a base scenario, and the arguments."""

from __future__ import annotations

from dcpower.scenario import resolve_scenario_path
from dcpower.sweep.paths import parse_assignment
from dcpower.sweep.spec import SweepSpec, is_sweep_file, load_sweep, sweep_from_dict


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
