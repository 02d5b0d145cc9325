"""Building blocks of every input schema: strict sections and constrained numbers."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]


class Strict(BaseModel):
    """Base for every scenario section: unknown fields are errors, values are re-validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
