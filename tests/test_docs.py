"""The README stays one screen without measured money figures; docs/ stays linked and current.

The scenario reference (docs/scenario-reference.md) is generated from the schema, never
written by hand.
"""

import re
from pathlib import Path

import pytest

from dcpower.paths import PROJECT_ROOT
from dcpower.reference import REFERENCE_PAGE, reference_page

pytestmark = pytest.mark.unit

README = PROJECT_ROOT / "README.md"
#: Markdown pages whose relative links must resolve: the README and every page in docs/.
PAGES = [README, *sorted((PROJECT_ROOT / "docs").glob("*.md"))]

#: A number followed by a currency (optionally with a scale: "30.06 M USD/yr", "7.38 USD",
#: "218.45 EUR/m3", "1.70 AZN/USD"), a currency sign before a number, or a tariff in local
#: subunits ("7.3 qepik/kWh").
MONEY = re.compile(
    r"\d[\d,.]*\s*(?:[kKmMbB]n?|million|billion)?\s*(?:USD|EUR|AZN|KZT|\$|€)"
    r"|[$€]\s*\d"
    r"|\d[\d,.]*\s*(?:qepik|tiyn|tenge)"
)
#: An inline markdown link or image: [text](target) or ![alt](target).
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.MULTILINE | re.DOTALL)


def test_scenario_reference_is_current():
    page = PROJECT_ROOT / REFERENCE_PAGE
    assert page.read_text(encoding="utf-8") == reference_page(), (
        f"{REFERENCE_PAGE} is stale: run `python -m dcpower.reference --write`"
    )


def test_scenario_reference_says_it_is_generated():
    head = (PROJECT_ROOT / REFERENCE_PAGE).read_text(encoding="utf-8").splitlines()[:6]
    assert any("python -m dcpower.reference --write" in line for line in head)


def test_readme_fits_one_screen():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move detail to docs/"


def test_readme_has_no_measured_money_figures():
    found = [
        f"line {number}: {match.group(0)!r}"
        for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1)
        for match in MONEY.finditer(line)
    ]
    assert not found, (
        "README.md holds money figures (they go stale and get copied); put measured figures "
        "in docs/studies.md or docs/performance.md with their date and command: " + "; ".join(found)
    )


@pytest.mark.parametrize(
    ("text", "money"),
    [
        ("costs 30.06 M USD/yr", True),
        ("+0.16 M USD/yr", True),
        ("7.38 USD per MMBtu", True),
        ("218.45 EUR/m3", True),
        ("7.3 qepik/kWh", True),
        ("$5 per kW", True),
        ("1,500USD", True),
        ("| cost [M USD/yr] | LCOE [USD/MWh] |", False),
        ("`gas_price_usd_per_mmbtu=2,4,6,8`", False),
        ("4 x 18.8 MW engines, 30 % of IT load", False),
    ],
)
def test_money_pattern(text, money):
    assert bool(MONEY.search(text)) is money


def test_readme_keeps_the_ci_install_and_test_commands():
    """CI installs "exactly as the README says": every command of .ci/run is in the README."""
    readme = README.read_text(encoding="utf-8")
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [
        line.strip()
        for line in ci
        if line.strip().startswith(("python3 -m venv", "pip install -e", "python -m pytest"))
    ]
    assert len(commands) == 3, commands
    for command in commands:
        assert command in readme, f"README.md lost the CI command {command!r}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE):
        slug = _slug(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans are not links
    return LINK.findall(text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_relative_links_resolve(page):
    broken = []
    for target in _links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # http:, https:, mailto: ...
        path_part, _, anchor = target.partition("#")
        linked = (page.parent / path_part).resolve() if path_part else page
        if not linked.exists():
            broken.append(f"{target} (no {linked.relative_to(PROJECT_ROOT)})")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target} (no heading #{anchor})")
    assert not broken, f"{page.relative_to(PROJECT_ROOT)}: broken links: {broken}"


def test_link_check_sees_links():
    """The link pattern finds the README's links to docs/ (so the check above is not empty)."""
    assert "docs/README.md" in _links(README)


@pytest.mark.parametrize("model", sorted(p.stem for p in (PROJECT_ROOT / "models").glob("*.yaml")))
def test_every_shipped_model_validates(model):
    from dcpower.scenario import load_scenario

    scenario = load_scenario(model)
    assert scenario.name == model
