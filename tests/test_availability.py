"""Monte Carlo availability (dcpower.availability): known answers on hand-made arrays, and a
48-hour run folder end to end."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from dcpower.availability import (
    default_outage_params,
    format_availability,
    move_work,
    mttf_h,
    percentile_ci,
    simulate_availability,
    simulate_site,
    summarize,
    unit_down_hours,
    verdict,
)

H = 8760


def one_type(units: int, unit_mw: float, online: float, output_mw: float, n: int = H) -> dict:
    """A single gas unit type with flat profiles."""
    return {
        "g": {
            "units": units,
            "unit_mw": unit_mw,
            "cf": np.ones(n),
            "online": np.full(n, float(online)),
            "output_mw": np.full(n, float(output_mw)),
        }
    }


def params(forced_outage_rate: float, mttr: float = 20.0, fts: float = 0.0) -> dict:
    return {
        "g": {
            "forced_outage_rate": forced_outage_rate,
            "mean_time_to_repair_h": mttr,
            "failure_to_start_prob": fts,
        }
    }


def run_site(gas: dict, prm: dict, years: int, seed: int = 0, load: float = 10.0, **kw) -> dict:
    n = next(iter(gas.values()))["cf"].size
    per_year = simulate_site(
        load_mw=np.full(n, load),
        renewables_mw=np.zeros(n),
        weight_h=np.full(n, H / n),
        gas=gas,
        outage_params=prm,
        years=years,
        rng=np.random.default_rng(seed),
        **kw,
    )
    return summarize(per_year, float(H), load * H)


# -- pure parts ---------------------------------------------------------------------------------


@pytest.mark.unit
def test_mttf_from_for_and_mttr() -> None:
    assert mttf_h(0.031, 31.0) == pytest.approx(969.0)
    assert mttf_h(0.0, 31.0) == math.inf


@pytest.mark.unit
def test_unit_down_share_matches_forced_outage_rate() -> None:
    down, (seq, hour, counted) = unit_down_hours(np.random.default_rng(1), 2000, H, 0.05, 20.0)
    assert down.shape == (2000, H)
    assert down.mean() == pytest.approx(0.05, rel=0.05)
    # failures per unit-year: 8760 / (MTTF + MTTR) = 8760 x FOR / MTTR
    assert seq.size / 2000 == pytest.approx(H * 0.05 / 20.0, rel=0.05)
    assert hour.min() >= 0 and hour.max() < H and set(np.unique(counted)) <= {0, 1}


@pytest.mark.unit
def test_for_zero_and_enough_capacity_gives_full_availability() -> None:
    out = run_site(one_type(1, 12.0, 1, 10.0), params(0.0, fts=0.0), years=200)
    assert out["lole_h_per_yr"]["mean"] == 0.0
    assert out["eue_mwh_per_yr"]["mean"] == 0.0
    assert out["availability_time_pct"]["mean"] == 100.0
    assert out["availability_energy_pct"]["mean"] == 100.0
    assert out["years_with_loss_of_load"] == 0
    assert out["share_of_years_with_loss_of_load_upper95"] == pytest.approx(3 / 200)
    assert out["interruptions_per_yr"]["mean"] == 0.0
    assert out["lole_h_per_yr"]["p99"] == 0.0


@pytest.mark.unit
def test_single_unit_carrying_the_load_is_out_for_for_times_8760_hours() -> None:
    """One unit, whole load, FOR f: LOLE close to f x 8760 h, within the 95 % CI.

    The unit is not committed in the dispatch (online = 0), so a failure is no trip to ride
    through and only the hourly outage counts, which has the known answer.
    """
    f = 0.05
    out = run_site(one_type(1, 10.0, 0, 10.0), params(f, mttr=20.0), years=600, seed=3)
    low, high = out["lole_h_per_yr"]["ci95"]
    assert low <= f * H <= high
    assert out["eue_mwh_per_yr"]["mean"] == pytest.approx(10.0 * out["lole_h_per_yr"]["mean"])
    assert out["availability_time_pct"]["mean"] == pytest.approx(100 * (1 - f), abs=0.3)


@pytest.mark.unit
def test_two_identical_units_match_the_binomial_closed_form() -> None:
    """Two identical 10 MW units, forced-outage rate f, no storage, a 10 MW load that one unit
    carries (units not committed, so only outages count). Loss of load needs both down at
    once; with independent units the binomial gives P = f^2, so
    LOLE = f^2 x 8760 h and availability = 1 - f^2.

    f = 0.1 -> LOLE = 0.01 x 8760 = 87.6 h/yr, availability 99.0 %.
    """
    f = 0.1
    out = run_site(one_type(2, 10.0, 0, 10.0), params(f, mttr=20.0), years=1500, seed=7)
    low, high = out["lole_h_per_yr"]["ci95"]
    assert low <= f**2 * H <= high
    a_low, a_high = out["availability_time_pct"]["ci95"]
    assert a_low <= 100 * (1 - f**2) <= a_high


@pytest.mark.unit
def test_n_plus_1_cuts_lole_by_orders_of_magnitude() -> None:
    prm = params(0.01, mttr=20.0)
    n = run_site(one_type(1, 10.0, 1, 10.0), prm, years=400)
    n_plus_1 = run_site(one_type(2, 10.0, 2, 10.0), prm, years=400)
    assert n["lole_h_per_yr"]["mean"] > 80.0
    assert n_plus_1["lole_h_per_yr"]["mean"] < n["lole_h_per_yr"]["mean"] / 50.0


@pytest.mark.unit
def test_confidence_interval_shrinks_with_more_years() -> None:
    prm = params(0.05, mttr=20.0)

    def width(years: int) -> float:
        lo, hi = run_site(one_type(1, 10.0, 0, 10.0), prm, years=years)["lole_h_per_yr"]["ci95"]
        return hi - lo

    assert width(1600) < width(100) / 2.5


@pytest.mark.unit
def test_same_seed_same_numbers_other_seed_differs() -> None:
    prm = params(0.05, mttr=20.0, fts=0.01)
    a = run_site(one_type(2, 6.0, 2, 10.0), prm, years=100, seed=7)
    b = run_site(one_type(2, 6.0, 2, 10.0), prm, years=100, seed=7)
    c = run_site(one_type(2, 6.0, 2, 10.0), prm, years=100, seed=8)
    assert a == b
    assert a["lole_h_per_yr"]["mean"] != c["lole_h_per_yr"]["mean"]


@pytest.mark.unit
def test_failed_start_takes_the_unit_out() -> None:
    """A unit that never fails while running but always fails to start: every start loses load."""
    n = 48
    gas = one_type(1, 10.0, 0, 10.0, n=n)
    gas["g"]["online"] = np.tile([0.0, 1.0], n // 2)  # 24 starts in the window
    out = run_site(gas, params(0.0, mttr=1.0, fts=1.0), years=20, load=5.0)
    assert out["lole_h_per_yr"]["mean"] > 0.0
    none = run_site(gas, params(0.0, mttr=1.0, fts=0.0), years=20, load=5.0)
    assert none["lole_h_per_yr"]["mean"] == 0.0


@pytest.mark.unit
def test_battery_rides_through_a_trip_and_bridges_outages() -> None:
    """Two 10 MW units, 12 MW load, both committed: a trip leaves 10 MW, 2 MW short.

    Without storage the ride-through fails; a battery with power and energy covers the trip
    and, being large, most of the outage hours too.
    """
    prm = params(0.02, mttr=10.0)
    gas = one_type(2, 10.0, 2, 12.0)
    bare = run_site(gas, prm, years=100, load=12.0)
    assert bare["ride_through_failures_per_yr"]["mean"] > 10.0
    battery = {
        "power_mw": 12.0,
        "energy_mwh": 500.0,
        "eta_charge": 0.95,
        "eta_discharge": 0.95,
        "min_soc_fraction": 0.1,
        "charge_mw": np.zeros(H),
        "discharge_mw": np.zeros(H),
        "soc_mwh": np.full(H, 500.0),
    }
    stored = run_site(gas, prm, years=100, load=12.0, batteries=[battery])
    assert stored["ride_through_failures_per_yr"]["mean"] == 0.0
    assert stored["lole_h_per_yr"]["mean"] < bare["lole_h_per_yr"]["mean"] / 5.0


@pytest.mark.unit
def test_percentiles_of_a_known_distribution() -> None:
    """Annual LOLE 0, 1, ..., 999 h (1000 years, uniform): P50 = 499.5, P90 = 899.1,
    P99 = 989.01 (numpy's linear interpolation). The P90's 95 % interval from order
    statistics: ranks 900 -+ 1.96 sqrt(1000 x 0.9 x 0.1) = 900 -+ 18.6, i.e. the 881st to
    the 919th smallest values, 880 to 918 h."""
    lole = np.arange(1000.0)
    value, low, high = percentile_ci(lole, 90)
    assert value == pytest.approx(899.1)
    assert (low, high) == (880.0, 918.0)
    figures = summarize(
        {
            "lol_hours": lole,
            "eue_mwh": 2 * lole,
            "interruptions": np.ones(1000),
            "trip_failures": np.zeros(1000),
        },
        8760.0,
        1e6,
    )
    assert figures["lole_h_per_yr"]["p50"] == pytest.approx(499.5)
    assert figures["lole_h_per_yr"]["p99"] == pytest.approx(989.01)
    assert figures["eue_mwh_per_yr"]["p90"] == pytest.approx(1798.2)
    # one interruption a year: its mean length is the mean LOLE
    assert figures["mean_interruption_h"] == pytest.approx(499.5)
    assert "tier_met" not in figures


@pytest.mark.unit
def test_the_verdict_says_when_sampling_could_change_it() -> None:
    """Mean LOLE 499.5 h with a 95 % interval of +-1.96 x 288.8 / sqrt(1000) = +-17.9 h.

    Bound 600: met, outside the interval. Bound 490: not met, and the interval (481.6 to
    517.4) straddles it: more simulated years could change the verdict. On the P90
    (899.1, interval 880 to 918), a bound of 900 is met within the sampling error.
    """
    lole = np.arange(1000.0)
    per_year = {
        "lol_hours": lole,
        "eue_mwh": lole,
        "interruptions": np.ones(1000),
        "trip_failures": np.zeros(1000),
    }
    figures = summarize(per_year, 8760.0, 1e6)
    assert verdict(figures, 600.0, "mean")["meets"]
    assert not verdict(figures, 600.0, "mean")["within_sampling_error"]
    short = verdict(figures, 490.0, "mean")
    assert not short["meets"] and short["within_sampling_error"]
    assert short["ci95"] == pytest.approx([481.6, 517.4], abs=0.1)
    p90 = verdict(figures, 900.0, "p90")
    assert p90["meets"] and p90["within_sampling_error"]


@pytest.mark.unit
def test_interruptions_count_runs_of_loss_of_load_hours() -> None:
    """One 8-h run and one 2-h run in a 24-h year with weight 1: 2 interruptions, 10 h."""
    from dcpower.availability import PER_YEAR_KEYS, _add_per_year, _Chunk

    lol = np.zeros((1, 24))
    lol[0, 3:11] = 5.0
    lol[0, 20:22] = 5.0
    chunk = _Chunk(
        years=slice(0, 1),
        unserved_mw=lol,
        spare_mw=np.zeros((1, 24)),
        trip_lost_mwh=np.zeros((1, 24)),
        trip_lol=np.zeros((1, 24), dtype=bool),
        trip_failures=np.zeros(1),
    )
    out = {key: np.zeros(1) for key in PER_YEAR_KEYS}
    _add_per_year(out, chunk, lol, np.full(24, 10.0), np.ones(24))
    assert out["interruptions"][0] == 2.0
    assert out["lol_hours"][0] == 10.0
    assert out["lol_hours_unit_outages"][0] == 10.0 and out["lol_hours_gas_supply"][0] == 0.0


@pytest.mark.unit
def test_catalogue_has_outage_data_for_every_gas_type() -> None:
    table = default_outage_params()
    for gas_type in ("recip_engine", "aero_gt", "frame_gt", "ccgt"):
        p = table[gas_type]
        assert 0 < p["forced_outage_rate"] < 1
        assert p["mean_time_to_repair_h"] > 0
        assert 0 <= p["failure_to_start_prob"] < 1


@pytest.mark.unit
def test_module_does_not_load_pyomo_or_the_model() -> None:
    """The registry (dcpower.techs) is pyomo-free; the technologies' blocks must not load."""
    code = (
        "import sys, dcpower.availability\n"
        "bad = [m for m in sys.modules if m == 'pyomo' or m.startswith(("
        "'pyomo.', 'dcpower.optimization', 'dcpower.pipeline', 'dcpower.techs.base'))]\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- a 48-hour run folder -----------------------------------------------------------------------

SCENARIO: dict = {
    "name": "availability-test",
    "sites": {
        "aktau": {
            "climate": "aktau",
            "data_center": {"it_capacity_mw": 40, "utilization": 0.8},
            "technologies": ["pv_single_axis", "recip_engine", "aero_gt"],
        },
        "baku": {
            "climate": "baku",
            "data_center": {"it_capacity_mw": 40, "utilization": 0.8},
            "technologies": ["pv_single_axis", "battery_li_ion", "recip_engine", "aero_gt"],
            "gas_price_usd_per_mmbtu": 30.0,
        },
    },
    "technologies": {
        "pv_single_axis": {},
        "battery_li_ion": {"capex_energy_usd_per_kwh": 50.0, "capex_power_usd_per_kw": 50.0},
        "recip_engine": {},
        "aero_gt": {},
    },
    "economics": {},
    "reliability": {"redundancy_k": 1, "hourly_n_minus_1": True, "ride_through_min": 15},
    "time": {"kind": "window", "start_hour": 4800, "n_hours": 48},
    "solver": {"time_limit_s": 60, "mip_gap": 0.01, "threads": 1, "commitment": "relaxed"},
}


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    import dcpower
    from dcpower.scenario import scenario_from_dict

    out = tmp_path_factory.mktemp("availability") / "run"
    dcpower.run(scenario_from_dict(SCENARIO), out=out, parallel=False)
    return out


@pytest.mark.component
def test_run_folder_result_is_complete_and_json_ready(run_folder: Path) -> None:
    result = simulate_availability(run_folder, years=200, seed=0)
    json.dumps(result, allow_nan=False)  # ready for summary.json
    assert result["horizon"] == {
        "kind": "window",
        "hours_simulated": 48,
        "scaled_to_year": True,
        "note": result["horizon"]["note"],
    }
    assert "stand for a full year" in result["horizon"]["note"]
    assert set(result["sites"]) == {"aktau", "baku"}
    assert result["sites"]["baku"]["battery_mwh"] > 0  # the battery path runs too
    for site in result["sites"].values():
        assert site["gas_units"]
        for key in ("lole_h_per_yr", "eue_mwh_per_yr", "availability_time_pct"):
            low, high = site[key]["ci95"]
            assert low <= site[key]["mean"] <= high
        assert 0 <= site["years_with_loss_of_load"] <= 200
        assert site["lole_h_per_yr"]["p50"] <= site["lole_h_per_yr"]["p90"]
        assert site["lole_h_per_yr"]["p90"] <= site["lole_h_per_yr"]["p99"]
    table = format_availability(result)
    assert "aktau" in table and "baku" in table and "window scaled to a year" in table


@pytest.mark.component
def test_run_folder_seeded_determinism(run_folder: Path) -> None:
    prm = {t: {"forced_outage_rate": 0.2} for t in ("recip_engine", "aero_gt")}
    a = simulate_availability(run_folder, years=300, seed=5, outage_params=prm)
    b = simulate_availability(run_folder, years=300, seed=5, outage_params=prm)
    c = simulate_availability(run_folder, years=300, seed=6, outage_params=prm)
    assert a["sites"] == b["sites"]
    assert a["sites"] != c["sites"]
    assert a["outage_params"]["recip_engine"]["forced_outage_rate"] == 0.2


@pytest.mark.component
def test_run_folder_with_perfect_units_never_loses_load(run_folder: Path) -> None:
    prm = {
        t: {"forced_outage_rate": 0.0, "failure_to_start_prob": 0.0}
        for t in ("recip_engine", "aero_gt")
    }
    result = simulate_availability(run_folder, years=50, seed=0, outage_params=prm)
    for site in result["sites"].values():
        assert site["lole_h_per_yr"]["mean"] == 0.0
        assert site["availability_time_pct"]["mean"] == 100.0


@pytest.mark.component
def test_thousand_years_of_a_small_case_take_a_few_seconds(run_folder: Path) -> None:
    started = time.perf_counter()
    simulate_availability(run_folder, years=1000, seed=0)
    assert time.perf_counter() - started < 5.0


@pytest.mark.unit
def test_work_moves_to_a_site_with_room_and_spare_supply():
    """Site a is 5 MW short (PUE 1.25, so 4 MW of IT must leave); b has PUE 1.5.

    Hour 0: b has 8 MW spare, room for 10 MW IT: 4 MW IT moves (6 MW at b), a is served.
    Hour 1: b has 3 MW spare: 2 MW IT moves, relieving 2.5 MW; 2.5 MW stays unserved.
    Hour 2: only 1 MW of a's IT may leave: 1.25 MW relieved, 3.75 stays.
    Hour 3: b's halls have room for 3 MW IT: 3.75 MW relieved, 1.25 stays.
    """
    unserved = [np.full((1, 4), 5.0), np.zeros((1, 4))]
    spare = [np.zeros((1, 4)), np.array([[8.0, 3.0, 8.0, 8.0]])]
    movable = [np.array([6.0, 6.0, 1.0, 6.0]), np.full(4, 6.0)]
    room = [np.zeros(4), np.array([10.0, 10.0, 10.0, 3.0])]
    pue = [np.full(4, 1.25), np.full(4, 1.5)]
    left, moved = move_work(unserved, spare, movable, room, pue)
    np.testing.assert_allclose(left[0], [[0.0, 2.5, 3.75, 1.25]])
    np.testing.assert_allclose(moved[0], [[4.0, 2.0, 1.0, 3.0]])
    np.testing.assert_allclose(left[1], 0.0)
    np.testing.assert_allclose(moved[1], 0.0)
    np.testing.assert_allclose(unserved[0], 5.0)  # inputs untouched


@pytest.mark.unit
def test_non_flexible_load_is_lost_only_beyond_the_flexible_work_left():
    """A site 5 MW short at PUE 1.25 with 2 MW of flexible IT work (2.5 MW of load).

    Hour 0: nothing moved: the 2.5 MW of flexible load pauses, 5 - 2.5 = 2.5 MW of
    non-flexible load is lost. Hour 1: 1 MW IT moved away and 3.75 MW still unserved: the
    1 MW IT left (1.25 MW) pauses, 3.75 - 1.25 = 2.5 MW lost. Hour 2: 2 MW short with all
    2 MW IT here: 2 - 2.5 < 0, nothing lost.
    """
    from dcpower.availability import non_flexible_shortfall

    short = non_flexible_shortfall(
        np.array([[5.0, 3.75, 2.0]]), np.full(3, 2.0), np.array([[0.0, 1.0, 0.0]]), np.full(3, 1.25)
    )
    np.testing.assert_allclose(short, [[2.5, 2.5, 0.0]])


@pytest.mark.unit
def test_verdict_holds_from_1000_to_10000_years_unless_within_sampling_error() -> None:
    """Two 10 MW units for a 10 MW load (N+1), FOR 5 %, 20-h repairs, full year.

    Both out at once about FOR^2 = 0.25 % of the time, ~22 h/yr. A bound of 100 h/yr is
    far above, 5 h/yr far below: the same verdict at 1,000 and 10,000 years, outside the
    sampling error. A bound at the 1,000-year mean itself is within its sampling error.
    """
    gas = one_type(2, 10.0, 2, 10.0)
    few = run_site(gas, params(0.05), years=1000, seed=1)
    many = run_site(gas, params(0.05), years=10000, seed=2)
    for bound in (100.0, 5.0):
        for statistic in ("mean", "p90"):
            a, b = verdict(few, bound, statistic), verdict(many, bound, statistic)
            assert a["meets"] == b["meets"]
            assert not a["within_sampling_error"] and not b["within_sampling_error"]
    assert 10.0 < few["lole_h_per_yr"]["mean"] < 40.0
    assert verdict(few, few["lole_h_per_yr"]["mean"], "mean")["within_sampling_error"]


@pytest.mark.unit
def test_gas_interruptions_alone_match_the_closed_form() -> None:
    """5 interruptions a year, geometric lengths with mean 10 h, no unit ever fails.

    Gas-only units stop for the whole interruption: LOLE = 5 x 10 = 50 h/yr. Dual-fuel
    units run 5 h on their tank; the memoryless length leaves E[(d - 5)+] = 10 x 0.9^5
    per interruption: LOLE = 5 x 10 x 0.59049 = 29.52 h/yr (overlaps, 0.1 % of the year
    each, are neglected). 2,000 years: within 4 %.
    """
    for fuel_h, expected in ((0.0, 50.0), (5.0, 50.0 * 0.9**5)):
        gas = one_type(2, 10.0, 2, 10.0)
        gas["g"]["liquid_fuel_h"] = fuel_h
        out = run_site(gas, params(0.0), years=2000, gas_interruptions=(5.0, 10.0))
        assert out["lole_h_per_yr"]["mean"] == pytest.approx(expected, rel=0.04)
        # every lost hour is put down to the gas supply
        assert out["by_cause"]["gas_supply"] == pytest.approx(out["lole_h_per_yr"]["mean"])
        assert out["by_cause"]["unit_outages"] == 0.0
        assert out["interruptions_per_yr"]["mean"] == pytest.approx(
            5.0 * (0.9**5 if fuel_h else 1.0), rel=0.06
        )


@pytest.mark.unit
@pytest.mark.parametrize(
    ("sections", "load_mw", "expected_h"),
    [(2, 15.0, 40.0), (1, 8.0, 20.0), (2, 8.0, 0.0)],
    ids=["one-section-short", "whole-plant", "either-section-suffices"],
)
def test_bus_section_outages_take_their_units_out(sections, load_mw, expected_h) -> None:
    """Two 10 MW units that never fail, on ``sections`` bus sections; each section is out
    2 times a year for a mean 10 h (geometric), i.e. 20 h/yr per section.

    - 2 sections, 15 MW load: both units are needed, so either section out loses load:
      LOLE = 2 x 20 = 40 h/yr (both out at once, 20 x 20 / 8760 = 0.05 h/yr, neglected);
    - 1 section, 8 MW: the section holds both units: LOLE = 20 h/yr;
    - 2 sections, 8 MW: one unit suffices, so only both out at once loses load:
      about 20 x 20 / 8760 = 0.05 h/yr (asserted below 0.2).

    Every lost hour is put down to the balance of plant. 2,000 years: within 5 %.
    """
    from dcpower.availability import units_per_section

    assert units_per_section(2, sections) == ([2] if sections == 1 else [1, 1])
    out = run_site(
        one_type(2, 10.0, 2, load_mw),
        params(0.0),
        years=2000,
        load=load_mw,
        bus_sections=sections,
        section_failures=((2.0, 10.0), (0.0, 768.0)),
    )
    lole = out["lole_h_per_yr"]["mean"]
    if expected_h:
        assert lole == pytest.approx(expected_h, rel=0.05)
    else:
        assert lole < 0.2
    assert out["by_cause"]["balance_of_plant"] == pytest.approx(lole)
    assert out["by_cause"]["unit_outages"] == 0.0


@pytest.mark.unit
def test_units_are_spread_over_bus_sections_as_evenly_as_they_go() -> None:
    """7 units on 3 sections: 3 + 2 + 2; 6 on 3: 2 each; 1 on 2: 1 + 0. At 2 units per
    section a plant of 6 units needs 3 sections, of 7 units 4, of none 1."""
    from dcpower.availability import sections_needed, units_per_section

    assert [sections_needed(units, 2) for units in (6, 7, 0)] == [3, 4, 1]
    assert units_per_section(7, 3) == [3, 2, 2]
    assert units_per_section(6, 3) == [2, 2, 2]
    assert units_per_section(1, 2) == [1, 0]


@pytest.mark.unit
def test_grid_interruptions_cut_the_import_and_are_their_own_cause() -> None:
    """A 10 MW load half on a 5 MW import and half on one 5 MW unit that never fails:
    every hour of a grid interruption loses load. 3 interruptions a year of mean 4 h:
    LOLE = 3 x 4 = 12 h/yr, all put down to the grid."""
    n = H
    gas = one_type(1, 5.0, 1, 5.0)
    per_year = simulate_site(
        load_mw=np.full(n, 10.0),
        renewables_mw=np.full(n, 5.0),
        weight_h=np.ones(n),
        gas=gas,
        outage_params=params(0.0),
        years=2000,
        rng=np.random.default_rng(3),
        grid_mw=np.full(n, 5.0),
        grid_interruptions=(3.0, 4.0),
    )
    out = summarize(per_year, float(H), 10.0 * H)
    assert out["lole_h_per_yr"]["mean"] == pytest.approx(12.0, rel=0.05)
    assert out["by_cause"]["grid"] == pytest.approx(out["lole_h_per_yr"]["mean"])


@pytest.mark.unit
def test_repair_logistics_lengthen_repairs_and_keep_the_failure_frequency() -> None:
    """FOR 0.031, MTTR 31 h: MTTF 969 h. With 48 h of logistics: MTTR 79 h, FOR 79 /
    (969 + 79) = 0.0754."""
    from dcpower.availability import with_logistics

    out = with_logistics({"g": {"forced_outage_rate": 0.031, "mean_time_to_repair_h": 31.0,
                                "failure_to_start_prob": 0.0}}, 48.0)["g"]  # fmt: skip
    assert out["mean_time_to_repair_h"] == 79.0
    assert out["forced_outage_rate"] == pytest.approx(79.0 / 1048.0)


@pytest.mark.unit
def test_work_moves_only_after_the_migration_delay() -> None:
    """A 4-h loss of load then a 1-h one: with a 2-h delay the first two hours of the
    first run and the whole second run stay unserved; hours 3-4 of the first may move."""
    from dcpower.availability import _not_yet_movable

    unserved = np.array([[0.0, 5.0, 5.0, 5.0, 5.0, 0.0, 3.0, 0.0]])
    waiting = _not_yet_movable(unserved, np.full(8, 10.0), 2)
    np.testing.assert_allclose(waiting, [[0, 5, 5, 0, 0, 0, 3, 0]])
    assert not _not_yet_movable(unserved, np.full(8, 10.0), 0).any()
