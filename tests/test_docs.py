"""The README's scenario reference is generated from the schema, never written by hand."""

import pytest

from dcpower.paths import PROJECT_ROOT
from dcpower.reference import readme_with_reference

pytestmark = pytest.mark.unit


def test_readme_scenario_reference_is_current():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == readme_with_reference(readme), (
        "README scenario reference is stale: run `python -m dcpower.reference --write-readme`"
    )
