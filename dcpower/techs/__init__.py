"""Technologies: one subpackage each, registered in :mod:`dcpower.techs.contract`.

Importing this package registers the built-in technologies (PV, wind, battery, gas). Their
pyomo blocks are imported only when a model is built, so code that reads run folders can
loop over the registry without loading pyomo. Add a technology by writing its subpackage
(see ``docs/adding-a-technology.md``) and importing it here.
"""

from dcpower.techs import battery, gas, pv, wind
from dcpower.techs.contract import (
    Display,
    Readback,
    Technology,
    TechSpec,
    Total,
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

__all__ = [
    "Display",
    "Readback",
    "TechSpec",
    "Technology",
    "Total",
    "battery",
    "dispatch_totals",
    "gas",
    "kind_of_catalogue_id",
    "kinds",
    "of",
    "own_columns",
    "profile_column",
    "pv",
    "register",
    "technologies",
    "unregister",
    "wind",
]
