"""Pure resource physics: PV, wind, gas derating and data-center load profiles."""
