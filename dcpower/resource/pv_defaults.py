"""Default parameters of a utility PV plant, each with its source.

Kept apart from :mod:`dcpower.resource.pv` (which imports pvlib) so that the scenario schema
can take its defaults from here cheaply, as it does for the load model. The catalogue rows
``pv_fixed`` and ``pv_single_axis`` of ``inputs/technologies.csv`` repeat these figures with
the same sources for the run's Assumptions sheet; a test keeps the two equal.

Sources: NREL PVWatts v5 manual (Dobos 2014, http://pvwatts.nrel.gov/downloads/pvwattsv5.pdf)
and PVWatts v8 as coded in NREL's SAM Simulation Core (``ssc/cmod_pvwattsv8.cpp``).
"""

from __future__ import annotations

import math

#: PVWatts v5 default loss items that apply to a utility plant [%]. Soiling and
#: availability are separate parameters; the "shading 3 %" item is left out because row
#: shading is modelled by the infinite-sheds geometry and an open utility site has no
#: nearby obstacles; snow 0 and age 0 are the PVWatts defaults.
PVWATTS_UTILITY_LOSS_ITEMS_PCT: dict[str, float] = {
    "mismatch": 2.0,
    "wiring": 2.0,
    "connections": 0.5,
    "lid": 1.5,
    "nameplate_rating": 1.0,
}

#: The items above combined multiplicatively as PVWatts does [%]: 6.8149 % (all PVWatts v5
#: defaults together, with soiling 2, shading 3 and availability 3, make 14.08 %).
PVWATTS_DC_LOSSES_PCT: float = round(
    100.0 * (1.0 - math.prod(1.0 - v / 100.0 for v in PVWATTS_UTILITY_LOSS_ITEMS_PCT.values())),
    4,
)

#: Length of the PVWatts v8 reference module [m]: 300 W at 21 % efficiency ("premium"),
#: aspect ratio 1.7, so sqrt(300 / 210 * 1.7) = 1.5584 m (rounded to 0.1 mm).
PVWATTS_MODULE_LENGTH_M: float = round(math.sqrt(300.0 / (0.21 * 1000.0) * 1.7), 4)

#: Modules across the slant width of a row, in portrait (PVWatts v8): "typical fixed 2 up
#: portrait"; single-axis trackers one module in portrait ("e.g. Nextracker or
#: ArrayTechnologies single portrait").
MODULES_IN_PORTRAIT: dict[str, int] = {"fixed": 2, "single_axis": 1}

#: Ground coverage ratio [-], PVWatts v8 default ``gcr``.
GCR: float = 0.4
#: Tracker rotation limit [deg], PVWatts v8 default ``rotlim``.
MAX_ANGLE_DEG: float = 45.0
#: Lowest module edge above the ground [m], the clearance PVWatts v8 passes to its
#: rear-side irradiance model (``calc_rear_side``).
GROUND_CLEARANCE_M: float = 1.0
#: Rear over front efficiency of bifacial modules [-], PVWatts v8 ("0 or ~0.65").
BIFACIALITY: float = 0.65
#: Ground reflectance [-], PVWatts v8 default albedo.
ALBEDO: float = 0.2
#: DC nameplate per AC rating [-]; NREL ATB 2024 utility PV inverter loading ratio ~1.34
#: (site_data.md 2.1).
DC_AC_RATIO: float = 1.3
#: Temperature coefficient of DC power [1/degC], PVWatts v8 "premium" module.
GAMMA_PDC_PER_C: float = -0.0035
#: Nominal inverter efficiency [-], PVWatts v5 and v8 default ``inv_eff`` 96 %.
INVERTER_EFFICIENCY: float = 0.96
#: SAPM cell-temperature parameters [-]: bifacial modules are glass-glass (King et al.
#: 2004, SAPM, as tabulated in ``pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS``).
TEMPERATURE_MODEL: str = "open_rack_glass_glass"
#: Soiling loss [%], PVWatts v5 default.
SOILING_LOSS_PCT: float = 2.0
#: Plant unavailability [%]. ESTIMATE: PVWatts' generic default is 3 %; a new utility plant
#: under an O&M contract is assumed to do better; not sourced.
AVAILABILITY_LOSS_PCT: float = 1.0
