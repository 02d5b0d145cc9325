"""One headline table for the console, report.html and results.xlsx (dcpower.report.tables)."""

import pytest

from dcpower.report.tables import headline_rows, summary_rows, text

pytestmark = pytest.mark.unit


def site(load_mwh: float, share: float, cost: float, pv_mw: float) -> dict:
    return {
        "peak_load_mw": load_mwh / 100,
        "load_mwh_per_yr": load_mwh,
        "renewable_share": share,
        "cost_usd_per_yr": cost,
        "capex_usd": 10 * cost,
        "co2_t_per_yr": 0.0,
        "unserved_mwh_per_yr": 0.0,
        "lcoe_usd_per_mwh": cost / load_mwh,
        "capacity": {"gas": {"eng": {"units": 2, "unit_mw": 5.0}}, "pv_mw": pv_mw},
        "generation_mwh_per_yr": {},
    }


SUMMARY = {
    "scenario": "two",
    "sites": {"a": site(1_000.0, 0.5, 2e6, 3.0), "b": site(3_000.0, 1 / 3, 4e6, 0.0)},
    "totals": {"cost_usd_per_yr": 6e6, "capex_usd": 6e7, "load_mwh_per_yr": 4_000.0},
}


def row(rows, label):
    return next(r for r in rows if r.label == label)


def test_renewable_share_of_all_sites_is_load_weighted():
    """a: 1,000 MWh at 50 %, b: 3,000 MWh at 1/3: fuel or grid 500 + 2,000 = 2,500 of
    4,000 MWh, so 1 - 2,500 / 4,000 = 37.5 % (not the mean of the shares, 41.7 %)."""
    share = row(headline_rows(SUMMARY), "Renewable share")
    assert share.total == pytest.approx(0.375)
    assert text(share.total, share.fmt) == "37.5 %"


def test_renewable_share_of_all_sites_weighs_the_energy_each_plant_supplies():
    """As above, with 1,000 MWh/yr of b's load relieved by absorption chillers: b supplies
    2,000 MWh, 1/3 of it not from fuel or grid (1,333.3 fuel or grid); all sites: 1 -
    (500 + 1,333.3) / (1,000 + 2,000) = 38.9 %, as summary.json's emissions share counts it
    (weighting by load would give 41.7 %)."""
    relieved = {
        **SUMMARY,
        "sites": {
            **SUMMARY["sites"],
            "b": {
                **site(3_000.0, 1 / 3, 4e6, 0.0),
                "generation_mwh_per_yr": {"chiller_relief": 1e3},
            },
        },
    }
    share = row(headline_rows(relieved), "Renewable share")
    assert share.total == pytest.approx(1 - (500 + 2_000 / 1.5) / 3_000)
    assert text(share.total, share.fmt) == "38.9 %"


def test_headline_is_the_workbooks_rows_marked_headline():
    every = summary_rows(SUMMARY)
    assert headline_rows(SUMMARY) == [r for r in every if r.headline]
    cost = row(every, "Annual cost")
    assert (cost.heading, cost.short_heading) == ("Annual cost [USD/yr]", "Annual cost [M USD/yr]")
    assert [text(v, cost.fmt) for v in cost.values] == ["2.00", "4.00"]
    units = row(every, "Units built")
    assert units.values == ["2 x 5 MW eng", "2 x 5 MW eng"]


def test_a_technology_is_a_headline_where_it_is_built():
    """PV is built at one site: its row shows; wind, built nowhere, is only in the workbook."""
    labels = {r.label for r in headline_rows(SUMMARY)}
    assert "PV" in labels and "Wind" not in labels
    assert "Wind" in {r.label for r in summary_rows(SUMMARY)}
