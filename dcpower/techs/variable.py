"""Variable renewables (PV, wind): what plants whose output an hourly resource caps share.

:class:`VariableRenewable` is the base of the PV and wind technologies: its block and
read-back (``dcpower.techs.renewable``, pyomo, imported when a model is built), its
independent checks (output within capacity x resource, in the dispatch and the outage
windows; curtailment the rest), its Monte Carlo behaviour (output as dispatched) and its
finance assets. A subclass gives its kind, parameters, profile and display. No pyomo here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from dcpower.techs.contract import (
    Asset,
    Checker,
    Readback,
    SiteRows,
    Supply,
    Technology,
    TechSpec,
    Total,
    Windows,
    profile_column,
)

if TYPE_CHECKING:  # pragma: no cover
    import pyomo.environ as pyo

    from dcpower.optimization.build import SiteInputs

#: Curtailment, summed over the plants and re-checked from each one's resource and output.
CURTAILMENT = Total(
    "curtailment_mw",
    90,
    outage=False,
    per_technology=False,
    recheck=("curtailment = available - output", "MW"),
)


def _columns(technology: Technology, tech_id: str) -> tuple[str, str]:
    """Output column and resource (per-MW) profile column of a plant."""
    output = f"{technology.totals[0].column}_{tech_id}"
    return output, profile_column(technology, "cf", tech_id)


def check(technology: Technology, tech_id: str, c: Checker) -> None:
    """Output <= capacity x resource in every hour."""
    out_column, cf_column = _columns(technology, tech_id)
    available = c.cap(tech_id, "MW") * c.p(cf_column)
    out = c.d(out_column)
    c.hourly(
        f"{technology.kind} {tech_id} output within resource",
        available - out,
        np.fmax(np.abs(available), np.abs(out)),
        "MW",
        lambda i: f"output {out[i]:.6g} MW, available {available[i]:.6g} MW",
    )


def curtailment(technology: Technology, tech_id: str, c: Checker) -> dict[str, np.ndarray]:
    """Return what the resource offered beyond the output, per hour [MW]."""
    out_column, cf_column = _columns(technology, tech_id)
    available = c.cap(tech_id, "MW") * c.p(cf_column)
    return {"curtailment_mw": np.maximum(available - c.d(out_column), 0.0)}


def window_limits(technology: Technology, tech_id: str, c: Checker, windows: Windows) -> dict:
    """Return the output in the window steps with its limit, capacity x resource [MW]."""
    out_column, cf_column = _columns(technology, tech_id)
    return {out_column: (c.w(out_column), windows.profile(cf_column) * c.cap(tech_id, "MW"))}


class VariableRenewable(Technology):
    """A plant of free size whose output per MW is the hour's resource, curtailed at will.

    Subclasses set ``kind``, ``spec``, ``display``, ``catalogue``, ``profile_columns``
    (``{"cf": "<kind>_cf"}``), ``totals`` (their output total, then :data:`CURTAILMENT`),
    the summary keys, :attr:`capex_field` and :meth:`profile`.

    Attributes
    ----------
    capex_field : str
        The parameter holding the overnight cost per kW of the capacity sized. [USD/kW]
    """

    resource = "variable"
    capex_field: ClassVar[str] = "capex_usd_per_kw"

    def add_block(self, m: pyo.ConcreteModel, tech_id: str, spec: TechSpec, inp: SiteInputs):
        """Add the plant: capacity, output capped by the resource (``techs.renewable``)."""
        from dcpower.techs import renewable  # pyomo: only when a model is built

        capex = getattr(spec, self.capex_field)
        renewable.add_block(m, tech_id, capex, spec, inp.profiles[tech_id]["cf"], inp)

    def read(self, block, tech_id: str, spec: TechSpec, index) -> Readback:
        """Return capacity [MW], output ``<kind>_mw_<id>`` and curtailment [MW]."""
        from dcpower.techs import renewable

        return renewable.read(block, tech_id, self.kind, index)

    def read_outage(self, block, tech_id: str, spec: TechSpec, pairs: list) -> Readback:
        """Return the output in each outage-window step [MW]."""
        from dcpower.techs import renewable

        return renewable.read_outage(block, tech_id, self.kind, pairs)

    def behaviour(self, tech_id: str, spec: TechSpec, rows: SiteRows) -> Supply:
        """Return its output as dispatched (the weather's, never drawn to fail)."""
        return Supply(rows.column(_columns(self, tech_id)[0]))

    def assets(self, tech_id: str, spec: TechSpec, rows: SiteRows, scenario) -> list[Asset]:
        """Return the plant at its overnight cost per kW of the capacity sized."""
        capex = 1e3 * getattr(spec, self.capex_field) * rows.capacity(tech_id, "MW")
        return [Asset(tech_id, self.kind, capex, float(spec.lifetime_yr))]

    def check(self, tech_id: str, spec: TechSpec, c: Checker) -> None:
        """Check its output within capacity x resource, hour by hour."""
        check(self, tech_id, c)

    def recompute(self, tech_id: str, spec: TechSpec, c: Checker) -> dict:
        """Return its curtailment: the resource offered beyond its output [MW]."""
        return curtailment(self, tech_id, c)

    def window_limits(self, tech_id: str, spec: TechSpec, c: Checker, windows: Windows):
        """Return its output in the window steps with capacity x resource."""
        return window_limits(self, tech_id, c, windows)
