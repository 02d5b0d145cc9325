"""Vanadium redox flow battery: long-duration storage on the battery's model and read-back.

A flow battery keeps its energy in electrolyte tanks and converts it in cell stacks, so
energy [MWh] and power [MW] are sized and priced apart, as for the Li-ion battery, and it
runs on the same state-of-charge model (:mod:`dcpower.techs.battery.block`): cyclic over the
horizon, linked across typical periods, gas-outage windows, N-1 reserve and N+k firm power.
It has its own catalogue entry, efficiencies, columns (``battery_charge_mw_<id>``, ...,
summed into the storage totals), display and headline capacities.
"""

from __future__ import annotations

from dcpower.techs.battery import Battery
from dcpower.techs.contract import Display, register
from dcpower.techs.flow_battery.spec import FlowBatteryTech

__all__ = ["FlowBattery", "FlowBatteryTech"]


@register
class FlowBattery(Battery):
    """Vanadium redox flow battery: the battery's block, read-back and Monte Carlo behaviour.

    Inherits from :class:`~dcpower.techs.battery.Battery` everything a store is (block,
    read-back, outage windows, behaviour in the availability Monte Carlo, the storage totals
    ``battery_charge_mw``, ``battery_discharge_mw`` and ``battery_soc_mwh`` with its own
    columns ``<total>_<id>``); it has its own kind, parameters, catalogue id, display and
    headline capacities.
    """

    kind = "flow_battery"
    spec = FlowBatteryTech
    resource = "storage"
    display = Display(name="Flow battery", colour="#00838F", order=55)
    catalogue = {"flow_battery_vanadium": {}}
    #: Headline capacities (``summary.json`` "capacity"): key -> (kind, unit) summed over
    #: ``capacities.csv``.
    summary_capacity = {
        "flow_battery_mw": ("flow_battery", "MW"),
        "flow_battery_mwh": ("flow_battery", "MWh"),
    }
