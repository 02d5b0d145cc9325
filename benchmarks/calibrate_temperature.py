"""Calibrate a site's synthetic heat waves on a station's extreme annual dry bulb.

The synthetic year's monthly mean temperatures and daily ranges come from the site file;
how hot its hottest hours get is set by the SD of the daily temperature anomaly
(``temp_anomaly_sd_c``). This script finds, by bisection, the SD at which the mean over
seeds of the synthetic years' highest hour equals a target (ASHRAE's extreme annual
maximum dry bulb, mean), and prints the check figures ASHRAE also tabulates: the SD of
the annual maxima and the dry bulbs exceeded in 0.4 %, 1 % and 2 % of hours. Run from the
repository root::

    python benchmarks/calibrate_temperature.py aktau 39.8
    python benchmarks/calibrate_temperature.py baku 37.5 --seeds 20
"""

from __future__ import annotations

import argparse

import numpy as np

from dcpower.weather import load_site, typical_year
from dcpower.weather.design import design_temperatures


def figures(site, sd_c: float, seeds: int) -> dict:
    """Design dry bulbs of the synthetic years of seeds 0..seeds-1 at this anomaly SD."""
    trial = site.model_copy(update={"temp_anomaly_sd_c": sd_c})
    years = [typical_year(trial, seed=seed)[0]["temp_air"] for seed in range(seeds)]
    found = design_temperatures(years)
    pooled = np.concatenate([year.to_numpy() for year in years])
    found["exceeded_2_c"] = float(np.quantile(pooled, 0.98))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("target_c", type=float, help="mean of the annual highest hour [degC]")
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    site = load_site(args.site)
    low, high = 0.5, 8.0
    for _ in range(12):
        middle = 0.5 * (low + high)
        if figures(site, middle, args.seeds)["extreme_mean_c"] < args.target_c:
            low = middle
        else:
            high = middle
    sd = round(0.5 * (low + high), 2)
    found = figures(site, sd, args.seeds)
    print(
        f"{args.site}: temp_anomaly_sd_c {sd} gives, over seeds 0-{args.seeds - 1}: annual "
        f"highest hour mean {found['extreme_mean_c']:.1f} (SD {found['extreme_sd_c']:.2f}), "
        f"0.4 % {found['exceeded_c'][0.4]:.1f}, 1 % {found['exceeded_c'][1.0]:.1f}, "
        f"2 % {found['exceeded_2_c']:.1f} degC"
    )


if __name__ == "__main__":
    main()
