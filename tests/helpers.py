"""Small hand-made site inputs for hand-solved optimization tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dcpower.optimization.build import SiteInputs
from dcpower.scenario import Economics, Reliability, Site
from dcpower.tariff import time_of_day_price
from dcpower.techs.battery import BatteryTech
from dcpower.techs.gas import GasTech
from dcpower.techs.pv import PVTech

ECONOMICS = Economics(wacc=0.0, co2_kg_per_mmbtu=53.06)


def gas_tech(**over) -> GasTech:
    """A 5 MW unit with round numbers: 1000 USD/kW, no O&M, 10 MMBtu/MWh flat heat rate."""
    base = dict(
        unit_mw=5.0,
        capex_usd_per_kw=1000.0,
        fom_usd_per_kw_yr=0.0,
        vom_usd_per_mwh=0.0,
        lifetime_yr=20.0,
        heat_rate_full_load_mmbtu_per_mwh=10.0,
        no_load_fuel_fraction=0.0,
        min_load_fraction=0.0,
        startup_cost_usd_per_mw=0.0,
        ramp_pct_per_min=100.0,
        derate_start_c=15.0,
        derate_pct_per_c=0.0,
        max_units=10,
    )
    return GasTech(**{**base, **over})


def lossless_battery(energy_usd_per_kwh: float = 1.0, power_usd_per_kw: float = 5.0):
    """A lossless battery with a one-year life at these capital costs [USD/kWh, USD/kW]."""
    return BatteryTech(
        capex_energy_usd_per_kwh=energy_usd_per_kwh,
        capex_power_usd_per_kw=power_usd_per_kw,
        lifetime_yr=1.0,
        eta_charge=1.0,
        eta_discharge=1.0,
    )


def capacities(run) -> pd.Series:
    """A solved site's capacities by (technology, unit)."""
    return run.solution.capacities.set_index(["technology", "unit"])["capacity"]


def site_inputs(
    load_mw,
    technologies,
    *,
    gas_price=3.0,
    available=None,
    cf=None,
    reliability=None,
    integer_commitment=True,
    design_load_mw=None,
    design_factor=None,
    grid=None,
    backup_fuel=None,
    site_id="test",
    it_load=None,
    pue=None,
    cooling_electric=None,
    **site_fields,
) -> SiteInputs:
    """Inputs of a small site: 1-h steps, each standing for 8760 / n hours of the year.

    ``it_load`` and ``pue`` (per step) are for workload shifting, where the load is
    ``it_load x pue``; ``cooling_electric`` the mechanical-cooling load an absorption
    chiller may relieve; ``site_fields`` set fields of the scenario's ``Site`` (e.g. the
    data center's IT capacity, an emission cap).
    """
    load = np.asarray(load_mw, dtype=float)
    n = len(load)
    index = pd.date_range("2023-01-01", periods=n, freq="h", tz="Asia/Baku")
    avail = np.ones(n) if available is None else np.asarray(available, float)
    profiles = {
        k: (
            {"available_factor": avail, "heat_rate_factor": np.ones(n)}
            if t.kind == "gas"
            else {"cf": np.asarray(cf, float)}
            if t.kind in ("pv", "wind")
            else {}
        )
        for k, t in technologies.items()
    }
    site = Site(
        **{
            "climate": "test",
            "data_center": {"it_capacity_mw": 1.0},
            "technologies": list(technologies),
            "gas_price_usd_per_mmbtu": gas_price,
            "grid": grid,
            **site_fields,
        }
    )
    tariff = site.grid
    grid_price = (
        None
        if tariff is None
        else time_of_day_price(
            index.hour,
            tariff.day_price_usd_per_mwh,
            tariff.night_price_usd_per_mwh,
            tariff.day_start_hour,
            tariff.day_end_hour,
        )
    )
    return SiteInputs(
        site_id=site_id,
        index=index,
        duration_h=np.ones(n),
        weight_h=np.full(n, 8760.0 / n),
        load_mw=load,
        design_load_mw=float(load.max() if design_load_mw is None else design_load_mw),
        site=site,
        technologies=technologies,
        profiles=profiles,
        design_factor={
            k: float(avail.min()) if design_factor is None else design_factor
            for k, t in technologies.items()
            if t.kind == "gas"
        },
        economics=ECONOMICS,
        reliability=reliability or Reliability(),
        integer_commitment=integer_commitment,
        it_load_mw=None if it_load is None else np.asarray(it_load, float),
        pue=None if pue is None else np.asarray(pue, float),
        cooling_electric_mw=(
            np.zeros(n) if cooling_electric is None else np.broadcast_to(cooling_electric, n)
        ),
        grid_price_usd_per_mwh=grid_price,
        backup_fuel=backup_fuel,
    )


__all__ = [
    "BatteryTech",
    "PVTech",
    "Reliability",
    "capacities",
    "gas_tech",
    "lossless_battery",
    "site_inputs",
]


def one_engine_scenario(
    monkeypatch,
    load_mw: np.ndarray,
    time: dict,
    engine: GasTech | None = None,
    cooling_electric_mw: float = 0.0,
    data_center: dict | None = None,
    **others,
):
    """A one-site scenario ("s") on a given hourly load, with :func:`gas_tech`'s 5 MW engines.

    Gas at 3 USD/MMBtu (30 USD/MWh of fuel), wacc 0, no redundancy rows (k = 0, N-1 off),
    full availability; ``hourly_profiles`` is patched where the sizing looks it up
    (``dcpower.pipeline.inputs``) to return the load. ``engine`` replaces the engine;
    ``others`` are further technologies that need no profile (storage, an absorption
    chiller), by id; ``cooling_electric_mw`` the mechanical-cooling load an absorption
    chiller may relieve; ``data_center`` further data-center fields.
    """
    import dcpower.pipeline.inputs as inputs
    from dcpower.scenario import scenario_from_dict

    index = pd.date_range("2023-01-01", periods=len(load_mw), freq="h", tz="Asia/Baku")
    hourly = pd.DataFrame(
        {
            "temp_air": 20.0,
            "ghi": 0.0,
            "it_load_mw": load_mw,
            "pue": 1.0,
            "load_mw": load_mw,
            "cooling_electric_mw": cooling_electric_mw,
            "gas_cf_eng": 1.0,
            "heat_rate_factor_eng": 1.0,
        },
        index=index,
    )
    monkeypatch.setattr(inputs, "hourly_profiles", lambda scenario, site_id, year=0: hourly)
    specs = {"eng": engine or gas_tech(), **others}
    return scenario_from_dict(
        {
            "name": "spike",
            "sites": {
                "s": {
                    "climate": "baku",
                    "data_center": {"it_capacity_mw": 10.0, **(data_center or {})},
                    "technologies": list(specs),
                    "gas_price_usd_per_mmbtu": 3.0,
                }
            },
            "technologies": {k: spec.model_dump(mode="json") for k, spec in specs.items()},
            "economics": {"wacc": 0.0},
            "reliability": {"redundancy_k": 0, "hourly_n_minus_1": False},
            "time": time,
            "solver": {"mip_gap": 1e-6},
        }
    )
