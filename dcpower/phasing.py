"""A campus built in phases: each phase's site, and the weight of its years in the objective.

A phased site (``data_center.phases``) is modelled as one block per phase, each with the
phase's IT capacity and its own typical days; capacity built in a phase stays in every later
phase. Every block's annual cost holds the annualized capex of the capacity installed in
its phase, so a unit bought in phase p pays its annuity in each year from phase p on (the
convention of PyPSA's multi-period investment: annuities counted while in the horizon, the
rest of the asset's life left as value beyond it).

The objective is the present value of every year's cost over the project life, at the WACC,
from the first phase's year, expressed as a level annual cost: the phases' annual costs
weighted by :func:`phase_weights`.
"""

from __future__ import annotations

import numpy as np

from dcpower.scenario import Phase, Scenario, Site

#: Folder of a run folder that holds the run folder of each earlier phase of a build-out.
PHASES_DIR = "phases"


def phase_weights(years: list[int], wacc: float, life_yr: int) -> list[float]:
    """Share of the project's discounted years that each phase runs.

    The project runs ``life_yr`` years from the first phase's year; phase p runs from its
    year until the next phase's (the last until the end of the project life). Year t of
    the project (t = 1 for the first) is discounted by ``(1 + wacc) ** -t`` (end-of-year
    flows, as :func:`dcpower.finance.discount_factors`).

    Parameters
    ----------
    years : list of int
        Calendar year of each phase, rising.
    wacc : float
        Real discount rate. [1/yr]
    life_yr : int
        Project life from the first phase's year. [yr]

    Returns
    -------
    list of float
        One weight per phase, summing to 1: the phase's discounted years over all the
        project's. [-]

    Examples
    --------
    Two phases two years apart over four years at 10 %: years 1-2 weigh
    1/1.1 + 1/1.1**2 = 1.7355, years 3-4 1/1.1**3 + 1/1.1**4 = 1.4343.

    >>> [round(w, 6) for w in phase_weights([2030, 2032], 0.10, 4)]
    [0.547511, 0.452489]
    """
    starts = np.asarray(years) - years[0]
    if starts[-1] >= life_yr:
        raise ValueError(
            f"the last phase starts {starts[-1]} years after the first, at or after the end "
            f"of the project life ({life_yr} years)"
        )
    ends = np.append(starts[1:], life_yr)
    factor = (1.0 + wacc) ** -np.arange(1, life_yr + 1, dtype=float)
    discounted = np.array([factor[s:e].sum() for s, e in zip(starts, ends, strict=True)])
    return (discounted / discounted.sum()).tolist()


def phase_site(site: Site, phase: Phase) -> Site:
    """Return the site as one phase of its campus has it (that phase's IT capacity)."""
    return site.model_copy(update={"data_center": site.data_center.in_phase(phase)})


def phase_scenario(scenario: Scenario, site_id: str, index: int) -> Scenario:
    """Return the scenario of one phase of a site's build-out: that site alone, at that phase.

    It is what the phase's own run folder holds (``phases/<site>-<year>/scenario.yaml``):
    the plant of the phase dispatched over the year and verified like any run.
    """
    site = scenario.sites[site_id]
    phase = site.data_center.phases[index]
    return scenario.model_copy(update={"sites": {site_id: phase_site(site, phase)}})


def phase_folder(site_id: str, year: int) -> str:
    """Return the run folder of a phase, relative to the run's: ``phases/<site>-<year>``."""
    return f"{PHASES_DIR}/{site_id}-{year}"
