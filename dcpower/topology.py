"""What the model can check of a site's Uptime Tier topology: a checklist, not a Tier.

Uptime Institute Tiers are defined by topology (Tier III concurrently maintainable, Tier IV
fault tolerant), not by an availability percentage. Of the power plant, the model can
check three things at the design point (``dcpower.profiles.design_basis``):

- **concurrently maintainable**: the design load is still covered with any one unit out
  for maintenance (the largest one: N+1 at the design point);
- **fault tolerant**: covered with one unit in maintenance and another failed (the two
  largest out: N+2 at the design point);
- **on-site fuel**: hours the on-site liquid fuel runs the design load on dual-fuel units
  (Uptime asks for a minimum at N for Tier III and IV; the scenario states its own).

It cannot check distribution paths, compartmentalisation or controls; the checklist says so.
Pure Python over the design point and the plan: no pyomo.
"""

from __future__ import annotations

from dcpower.profiles import DesignPoint, design_basis

#: What the plant model cannot tell about a Tier topology.
NOT_CHECKED = (
    "distribution paths (UPS, switchgear, busbars to the IT load), compartmentalisation, "
    "controls and the maintainability of each component other than the generating units"
)


def checklist(
    point: DesignPoint, firms: list, fuel_mmbtu: float, fuel_mmbtu_per_mwh: float
) -> dict:
    """Return the topology checklist of a sized site.

    Parameters
    ----------
    point : DesignPoint
        The site's design point.
    firms : list of (str, Firm)
        What each technology adds to N+k (``Technology.firm``), as for the design basis.
    fuel_mmbtu : float
        Liquid fuel held on site (backup tanks). [MMBtu]
    fuel_mmbtu_per_mwh : float
        Full-load heat rate of the units that burn it (HHV). [MMBtu/MWh]

    Returns
    -------
    dict
        ``concurrently_maintainable`` and ``fault_tolerant`` (bool), their margins
        ``maintenance_margin_mw`` and ``fault_tolerance_margin_mw`` [MW] (firm capacity with
        the one or two largest units out - design load), ``on_site_fuel_h`` [h] (fuel over
        the burn of the facility load at the design point, at the full-load heat rate; 0
        without any), and
        ``not_checked``.
    """
    one_out = design_basis(point, firms, 1)
    two_out = design_basis(point, firms, 2)
    # The heat rate applies to net output, which serves the facility load.
    burn_mmbtu_per_h = point.facility_load_mw * fuel_mmbtu_per_mwh
    return {
        "concurrently_maintainable": one_out["margin_mw"] >= -1e-9,
        "maintenance_margin_mw": one_out["margin_mw"],
        "fault_tolerant": two_out["margin_mw"] >= -1e-9,
        "fault_tolerance_margin_mw": two_out["margin_mw"],
        "on_site_fuel_h": fuel_mmbtu / burn_mmbtu_per_h if burn_mmbtu_per_h > 0 else 0.0,
        "not_checked": NOT_CHECKED,
    }
