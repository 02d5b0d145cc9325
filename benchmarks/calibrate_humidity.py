"""Calibrate a site's synthetic dew point on a station's ASHRAE humidity design values.

The synthetic year's daily dew point (``dcpower.weather.synthetic``) has four parameters:
its annual mean, a slope on the seasonal temperature, a slope on the day's temperature
anomaly and the SD of an anomaly of its own. This script fits them by least squares so
that, over seeds 0..N-1 (hours pooled), the synthetic years give four figures of ASHRAE
Handbook-Fundamentals 2013's yearly table (ch. 14):

- DP004: the dew point exceeded in 0.4 % of hours (dehumidification design);
- DP996: the dew point exceeded in 99.6 % of hours (humidification design);
- MCWB at DB004: the mean wet bulb of the hours at the 0.4 % dry bulb (within 0.5 degC);
- WB004: the wet bulb exceeded in 0.4 % of hours (evaporation design);

and prints the fitted parameters, the figures reached and the mean relative humidity
(a check against any published normal). The fit reuses each seed's temperature; the
figures printed at the end are recomputed with ``typical_year`` itself. Run from the
repository root::

    python benchmarks/calibrate_humidity.py baku 27.2 -4.2 21.1 27.7
    python benchmarks/calibrate_humidity.py aktau 25.1 -19.2 19.6 26.2 --seeds 10
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import optimize

from dcpower.weather import load_site, typical_year
from dcpower.weather import synthetic as syn
from dcpower.weather.psychrometrics import dew_point_c, relative_humidity_pct, wet_bulb_c

FIELDS = (
    "dew_point_mean_c",
    "dew_point_seasonal_slope",
    "dew_point_anomaly_slope",
    "dew_point_anomaly_sd_c",
)
#: Half-width of the dry-bulb band of the mean coincident wet bulb. [degC]
BAND_C = 0.5


def figures(temp: np.ndarray, dew: np.ndarray) -> np.ndarray:
    """DP004, DP996, MCWB at DB004, WB004 [degC] and mean RH [%] of pooled hours."""
    rh = relative_humidity_pct(temp, dew)
    wet = wet_bulb_c(temp, rh)
    db004 = np.quantile(temp, 0.996)
    band = np.abs(temp - db004) <= BAND_C
    return np.array(
        [
            np.quantile(dew, 0.996),
            np.quantile(dew, 0.004),
            wet[band].mean(),
            np.quantile(wet, 0.996),
            rh.mean(),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("targets", type=float, nargs=4, help="DP004 DP996 MCWB@DB004 WB004")
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    site = load_site(args.site)
    sites = syn.correlated_sites(site)
    years = []
    for seed in range(args.seeds):
        temp = typical_year(site, seed=seed)[0]["temp_air"].to_numpy()
        n_days = temp.size // 24
        latent = syn._shared_ar1(seed, sites, "temperature_day", n_days, syn.TEMP_ANOMALY_PHI)
        years.append((temp, syn._anomaly_sd_c(site) * latent, seed))

    def pooled(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        trial = site.model_copy(update=dict(zip(FIELDS, values, strict=True)))
        temps, dews = [], []
        for temp, anomaly, seed in years:
            rng = syn._stream(seed, site, "dew_day")
            temps.append(temp)
            dews.append(syn._dew_point(temp, anomaly, rng, trial))
        return np.concatenate(temps), np.concatenate(dews)

    target = np.array(args.targets)
    fit = optimize.least_squares(
        lambda v: figures(*pooled(v))[:4] - target,
        x0=[10.0, 0.7, -1.0, 3.0],
        bounds=([-40.0, 0.0, -3.0, 0.0], [35.0, 2.0, 2.0, 10.0]),
    )
    fitted = {f: round(float(v), 3) for f, v in zip(FIELDS, fit.x, strict=True)}
    trial = site.model_copy(update=fitted)
    data = [typical_year(trial, seed=seed)[0] for seed in range(args.seeds)]
    temp = np.concatenate([d["temp_air"].to_numpy() for d in data])
    rh = np.concatenate([d["relative_humidity"].to_numpy() for d in data])
    wet = wet_bulb_c(temp, rh)
    band = np.abs(temp - np.quantile(temp, 0.996)) <= BAND_C
    dew_c = dew_point_c(temp, rh)
    highest_wet = np.mean([wet_bulb_c(d["temp_air"], d["relative_humidity"]).max() for d in data])
    july = np.mean([d["relative_humidity"][d.index.month == 7].mean() for d in data])
    print(f"{args.site}: {fitted}")
    print(
        f"  over seeds 0-{args.seeds - 1} (ASHRAE): DP004 {np.quantile(dew_c, 0.996):.1f} "
        f"({target[0]:g}), DP996 {np.quantile(dew_c, 0.004):.1f} ({target[1]:g}), "
        f"MCWB at DB004 {wet[band].mean():.1f} ({target[2]:g}), WB004 "
        f"{np.quantile(wet, 0.996):.1f} ({target[3]:g}); highest wet bulb of a year, mean "
        f"{highest_wet:.1f}; mean RH {rh.mean():.0f} %, July {july:.0f} %"
    )


if __name__ == "__main__":
    main()
