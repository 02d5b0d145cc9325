"""Unit conventions shared across dcpower: power in MW, energy in MWh, time in hours.

Fuel is in MMBtu on a higher-heating-value basis, money in USD, emissions in tonnes CO2.
"""

#: Hours in the (non-leap) reference year that every profile and dispatch covers. [h]
HOURS_PER_YEAR = 8760
