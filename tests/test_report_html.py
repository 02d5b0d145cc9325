"""The HTML report of a run folder: self-contained, offline, with its figures and numbers."""

from __future__ import annotations

import base64
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dcpower.cli import app
from dcpower.report import figures
from dcpower.report.html import fmt_musd, fmt_num, write_report
from dcpower.report.tables import headline_rows
from dcpower.report.tables import text as tables_text

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def run_folder(small_scenario_module: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "small"
    result = CliRunner().invoke(app, ["run", str(small_scenario_module), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def report(run_folder: Path) -> Path:
    return write_report(run_folder)


@pytest.fixture(scope="module")
def text(report: Path) -> str:
    return report.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def summary(run_folder: Path) -> dict:
    return json.loads((run_folder / "summary.json").read_text())


def expected_figures(run_folder: Path) -> set[str]:
    """Figure names the report must hold, from the run folder's own tables."""
    dispatch = pd.read_csv(run_folder / "dispatch.csv")
    capacities = pd.read_csv(run_folder / "capacities.csv")
    names = {"capacity_mix", "duration_curves", "cost_breakdown", "cash_flow"}
    for site in figures.sites_of(dispatch):
        names.add(f"monthly_energy_{site}")
        weeks = figures.pick_weeks(dispatch, site)
        assert "peak_load" in weeks
        names.update(f"dispatch_{w.replace('_load', '')}_week_{site}" for w in weeks)
        renewables = capacities[
            (capacities["site"] == site) & capacities["kind"].isin(["pv", "wind"])
        ]["capacity"].sum()
        assert ("low_renewable" in weeks) == (renewables > 0)
    if capacities.loc[capacities["unit"] == "MWh", "capacity"].sum() > 0:
        names.add("battery_soc")
    return names


@pytest.mark.component
def test_report_exists_with_site_names_and_headline_numbers(
    report: Path, text: str, summary: dict, run_folder: Path
):
    assert report == run_folder / "report.html"
    assert report.stat().st_size > 0
    assert text.startswith("<!DOCTYPE html>")
    verification = json.loads((run_folder / "verification.json").read_text())
    headline = headline_rows(summary, verification)
    assert {"Annual cost", "CO2", "Renewable share", "Units built"} <= {r.label for r in headline}
    for row in headline:  # the console's figures, as the console formats them
        for value in row.values:
            assert html.escape(tables_text(value, row.fmt)).replace("\n", "<br>") in text
    for site in summary["sites"]:
        assert figures.site_label(site) in text
        fin = summary["finance"]["sites"][site]
        assert fmt_num(fin["lcoe_usd_per_mwh_real"], 1) in text
        assert fmt_num(fin["lcoe_usd_per_mwh_nominal"], 1) in text
        assert fmt_musd(fin["npv_cost_usd"]) in text
    assert fmt_musd(summary["totals"]["capex_usd"]) in text
    for section in ("Headline figures", "Reliability", "Finance", "Assumptions"):
        assert section in text
    assert "inputs/technologies.csv" in text


@pytest.mark.component
def test_report_is_fully_offline(text: str):
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", text, flags=re.IGNORECASE)
    assert refs, "the report should embed its images"
    assert all(ref.startswith("data:") for ref in refs), [r[:60] for r in refs]
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?\s*https?://", text, flags=re.IGNORECASE)
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text.lower()
    assert "<link" not in text.lower()
    assert "@import" not in text


@pytest.mark.component
def test_report_embeds_every_figure_as_base64_png(text: str, run_folder: Path):
    names = expected_figures(run_folder)
    images = IMG.findall(text)
    assert len(images) == len(names)
    assert text.count("<img") == len(names)
    for data in images:
        assert base64.b64decode(data).startswith(PNG_SIGNATURE)
    for name in names:
        assert f'id="{name}"' in text


@pytest.mark.component
def test_figures_folder_holds_valid_pngs(report: Path, run_folder: Path):
    folder = run_folder / "figures"
    pngs = sorted(folder.glob("*.png"))
    assert {p.stem for p in pngs} == expected_figures(run_folder)
    for png in pngs:
        data = png.read_bytes()
        assert len(data) > 1000
        assert data.startswith(PNG_SIGNATURE), png.name
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width >= 1000 and height >= 400, (png.name, width, height)  # 150 dpi, slide-ready


@pytest.mark.component
def test_report_to_another_path(run_folder: Path, tmp_path: Path):
    out = write_report(run_folder, tmp_path / "sub" / "r.html")
    assert out == tmp_path / "sub" / "r.html"
    assert out.read_text(encoding="utf-8").count("data:image/png;base64,") == len(
        expected_figures(run_folder)
    )


@pytest.mark.component
def test_short_window_weeks_are_the_whole_window(run_folder: Path):
    dispatch = pd.read_csv(run_folder / "dispatch.csv")
    for site in figures.sites_of(dispatch):
        n = int((dispatch["site"] == site).sum())
        assert n < figures.WEEK_H
        for start, stop in figures.pick_weeks(dispatch, site).values():
            assert (start, stop) == (0, n)


@pytest.mark.unit
def test_weeks_on_a_synthetic_year():
    hours = pd.date_range("2023-01-01", periods=8760, freq="h")
    load = pd.Series(40.0, index=range(8760))
    load[5000] = 50.0
    wind = pd.Series(10.0, index=range(8760))
    wind[24 * 100 : 24 * 107] = 0.0  # days 100..106 without wind
    dispatch = pd.DataFrame(
        {
            "site": "baku",
            "time": hours.strftime("%Y-%m-%dT%H:%M:%S") + "+04:00",
            "load_mw": load,
            "wind_mw": wind,
            "pv_mw": 0.0,
            "gas_mw": load - wind,
            "weight_h": 1.0,
        }
    )
    weeks = figures.pick_weeks(dispatch, "baku")
    start, stop = weeks["peak_load"]
    assert stop - start == 168 and start <= 5000 < stop and start % 24 == 0
    assert weeks["low_renewable"] == (2400, 2568)
    fig = figures.dispatch_week(dispatch, "baku", weeks["low_renewable"], "t")
    ax = fig.axes[0]
    assert "[MW]" in ax.get_ylabel() and ax.get_xlabel()


@pytest.mark.component
def test_every_axis_has_a_unit(run_folder: Path):
    tables = {n: pd.read_csv(run_folder / f"{n}.csv") for n in ("dispatch", "capacities", "costs")}
    figs = [
        figures.capacity_mix(tables["capacities"]),
        figures.cost_breakdown(tables["costs"]),
        figures.duration_curves(tables["dispatch"]),
        figures.monthly_energy(tables["dispatch"], "baku"),
    ]
    for fig in figs:
        for ax in fig.axes:
            labels = ax.get_ylabel() + ax.get_xlabel()
            if ax.get_ylabel():
                assert "[" in ax.get_ylabel(), ax.get_ylabel()
            assert labels


@pytest.mark.component
def test_report_never_imports_pyomo(run_folder: Path):
    code = (
        "import sys\n"
        "import dcpower.report.html as h\n"
        "assert 'pyomo' not in sys.modules\n"
        f"h.write_report({str(run_folder)!r}, {str(run_folder / 'again.html')!r})\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'pyomo' "
        "or m.startswith(('dcpower.optimization', 'dcpower.techs.base', 'dcpower.pipeline'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_report_shows_the_monte_carlo_availability_per_site(text, summary):
    """Each site's LOLE with its interval and percentiles, and availability, as in
    summary.json; no Tier is read from them."""
    availability = summary["reliability"]["availability"]
    assert "Availability by sequential Monte Carlo" in text
    for figures_ in availability["sites"].values():
        lole = figures_["lole_h_per_yr"]
        low, high = lole["ci95"]
        assert f"{fmt_num(lole['mean'], 2)} ({fmt_num(low, 2)}–{fmt_num(high, 2)})" in text
        assert fmt_num(figures_["availability_time_pct"]["mean"], 4) in text
        spread = " / ".join(fmt_num(lole[q], 2) for q in ("p50", "p90", "p99"))
        assert spread in text
    assert "(Tier" not in text


@pytest.mark.component
def test_a_report_that_fails_leaves_the_earlier_figures_whole(
    run_folder: Path, tmp_path: Path, monkeypatch
):
    """The charts go to a scratch folder that replaces figures/ only once the report is
    written: a chart that fails half-way leaves figures/ and report.html as they were, and
    no scratch folder (issue #18, partial reports)."""
    import shutil

    from dcpower.report import html as report_html

    folder = Path(shutil.copytree(run_folder, tmp_path / "run"))
    before = {p.name: p.read_bytes() for p in (folder / "figures").iterdir()}
    report_before = (folder / "report.html").read_bytes()
    real = report_html.build_charts

    def half(tables, flows):
        charts = real(tables, flows)
        charts[0].figure.suptitle("a different first chart")  # its PNG would differ
        yield charts[0]
        raise RuntimeError("chart failed")

    monkeypatch.setattr(report_html, "build_charts", half)
    with pytest.raises(RuntimeError, match="chart failed"):
        write_report(folder)
    assert {p.name: p.read_bytes() for p in (folder / "figures").iterdir()} == before
    assert (folder / "report.html").read_bytes() == report_before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
