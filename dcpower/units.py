"""Unit conventions shared across dcpower: power in MW, energy in MWh, time in hours.

Fuel is in MMBtu on a higher-heating-value basis, money in USD, emissions in tonnes CO2.
"""

#: Hours in the (non-leap) reference year that every profile and dispatch covers. [h]
HOURS_PER_YEAR = 8760

#: Heat content of one MWh in MMBtu (1 MWh = 3.6 GJ = 3.412142 MMBtu; 1 MMBtu = 1.055056
#: GJ). [MMBtu/MWh]
MMBTU_PER_MWH = 3.412142
