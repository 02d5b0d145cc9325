"""Vanadium redox flow battery parameters (pyomo-free)."""

from __future__ import annotations

from typing import Literal

from dcpower.techs.battery.spec import BatteryTech


class FlowBatteryTech(BatteryTech):
    """Vanadium redox flow battery (10-100 h class): tanks and stacks sized and priced apart.

    The fields are the battery's (:class:`~dcpower.techs.battery.spec.BatteryTech`): energy
    [MWh] is the electrolyte in the tanks, power [MW] the cell stacks and power conversion,
    so the model sizes the two separately and the duration (energy / power) follows from
    the costs. Defaults come from the catalogue id ``flow_battery_vanadium``
    (``inputs/technologies.csv``).
    """

    kind: Literal["flow_battery"] = "flow_battery"  # type: ignore[assignment]
