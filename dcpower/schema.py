"""Building blocks of every input schema: strict sections and constrained numbers."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]


class Strict(BaseModel):
    """Base for every scenario section: unknown fields are errors, values are re-validated.

    Infinite and NaN numbers are refused as bad input (``.inf`` in YAML is a float): an
    infinite capex or capacity would otherwise reach the solver and end as "no plan".
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)
