"""Technologies: one subpackage each, registered in :mod:`dcpower.techs.contract`.

Importing this package imports every subpackage of it, and each registers its technology
(PV, wind, battery, gas, ...). Their pyomo blocks are imported only when a model is built,
so code that reads run folders can loop over the registry without loading pyomo. A new
technology is a new subpackage (see ``docs/adding-a-technology.md``); nothing else changes.
"""

import importlib
import pkgutil

from dcpower.techs.contract import (
    GRID_IMPORT,
    HEAT_RECOVERED,
    HEAT_USED,
    LOAD_RELIEF,
    Display,
    Readback,
    Technology,
    TechSpec,
    Total,
    balance_terms,
    dispatch_totals,
    kind_of_catalogue_id,
    kinds,
    of,
    own_columns,
    profile_column,
    register,
    technologies,
    unregister,
)

for _module in pkgutil.iter_modules(__path__):
    if _module.ispkg:  # a technology's folder (plain modules here are shared helpers)
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "GRID_IMPORT",
    "HEAT_RECOVERED",
    "HEAT_USED",
    "LOAD_RELIEF",
    "Display",
    "Readback",
    "TechSpec",
    "Technology",
    "Total",
    "balance_terms",
    "dispatch_totals",
    "kind_of_catalogue_id",
    "kinds",
    "of",
    "own_columns",
    "profile_column",
    "register",
    "technologies",
    "unregister",
]
