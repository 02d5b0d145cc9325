"""The scenario reference, generated from the schema into ``docs/scenario-reference.md``.

``python -m dcpower.reference --write`` regenerates the page; without ``--write`` it prints
it. ``tests/test_docs.py`` checks that the page in the repository is current.
"""

from __future__ import annotations

import types
import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from dcpower import techs
from dcpower.paths import PROJECT_ROOT
from dcpower.scenario import (
    BackupFuel,
    DataCenter,
    Economics,
    Finance,
    GridConnection,
    PUEModel,
    Reliability,
    Scenario,
    Site,
    Solver,
    TimeHorizon,
)

#: Sections of the reference: heading and the model documented under it.
SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("scenario (top level)", Scenario),
    ("sites.<id>", Site),
    ("sites.<id>.data_center", DataCenter),
    ("sites.<id>.data_center.pue", PUEModel),
    ("sites.<id>.grid", GridConnection),
    # one section per registered technology (dcpower.techs), in display order
    *((f"technologies.<id> (kind: {t.kind})", t.spec) for t in techs.technologies()),
    ("economics", Economics),
    ("backup_fuel", BackupFuel),
    ("reliability", Reliability),
    ("time", TimeHorizon),
    ("solver", Solver),
    ("finance", Finance),
)

#: The generated page, relative to the project root.
REFERENCE_PAGE = "docs/scenario-reference.md"

#: The page's first lines: what it is and how to regenerate it.
HEADER = f"""# Scenario reference

*This page is generated from the scenario schema (`dcpower/scenario.py`); do not edit it by
hand. After changing the schema, regenerate it with `python -m dcpower.reference --write`
(`tests/test_docs.py` fails while `{REFERENCE_PAGE}` is stale).*

A scenario YAML has the sections below (see `models/caspian-hub.yaml`). A technology whose
id is in the catalogue (`pv_fixed`, `pv_single_axis`, `wind_onshore`, `battery_li_ion`,
`recip_engine`, `aero_gt`, `frame_gt`, `ccgt`) takes every "required" field from
`inputs/technologies.csv`; give only what you change, e.g.
`recip_engine: {{capex_usd_per_kw: 1500}}`. Another id needs `kind` and every required field
(or `catalogue_id` to start from a catalogue entry). A site's `gas_price_usd_per_mmbtu` and
`carbon_price_usd_per_t` default to `inputs/economics.csv` for the embedded climates.
`dcpower validate SCENARIO` checks a scenario without solving it.
"""


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return " \\| ".join(repr(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in typing.get_args(annotation))
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type_name(a) for a in typing.get_args(annotation))}]"
    if annotation is type(None):
        return "null"
    return getattr(annotation, "__name__", str(annotation))


def _default(field) -> str:
    if field.default is PydanticUndefined:
        if field.default_factory is not None:
            return "(see section)"
        return "**required**"
    return f"`{field.default!r}`".replace("|", "\\|")


def scenario_reference_markdown() -> str:
    """Markdown tables of every scenario field: name, type, default, description with unit."""
    lines = []
    for heading, model in SECTIONS:
        lines += [f"## `{heading}`", "", (model.__doc__ or "").strip().splitlines()[0], ""]
        lines += ["| field | type | default | description [unit] |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            if name == "kind" and len(typing.get_args(field.annotation)) == 1:
                continue  # a technology's fixed discriminator, named in the heading
            description = (field.description or "").replace("|", "\\|")
            lines.append(
                f"| `{name}` | {_type_name(field.annotation)} | {_default(field)} | {description} |"
            )
        lines.append("")
    return "\n".join(lines)


def reference_page() -> str:
    """Return the whole text of ``docs/scenario-reference.md``: header, then every section."""
    return HEADER + "\n" + scenario_reference_markdown()


if __name__ == "__main__":
    import sys

    if "--write" in sys.argv:
        (PROJECT_ROOT / REFERENCE_PAGE).write_text(reference_page(), encoding="utf-8")
    else:
        print(reference_page(), end="")
