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


@pytest.mark.parametrize("model", sorted(p.stem for p in (PROJECT_ROOT / "models").glob("*.yaml")))
def test_every_shipped_model_validates(model):
    from dcpower.scenario import load_scenario

    scenario = load_scenario(model)
    assert scenario.name == model
