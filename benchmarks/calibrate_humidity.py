"""Calibrate a site's synthetic dew point on a station's ASHRAE humidity design values.

The synthetic year's daily dew point (``dcpower.weather.synthetic``) has five parameters
(the site file's ``dew_point_*`` fields). This script fits them by least squares so that,
over seeds 0..N-1 (hours pooled), the synthetic years give seven figures of ASHRAE
Handbook-Fundamentals 2013's yearly table (ch. 14), each a value and its coincident one:

- DP004 / its MCDB: the dew point exceeded in 0.4 % of hours, and the mean dry bulb of
  the hours at it (dehumidification design);
- DP996 / its MCDB: the dew point exceeded in 99.6 % of hours, and the mean dry bulb of
  the hours at it (humidification design);
- MCWB at DB004: the mean wet bulb of the hours at the 0.4 % dry bulb (cooling design);
- WB004 / its MCDB: the wet bulb exceeded in 0.4 % of hours, and the mean dry bulb of the
  hours at it (evaporation design).

"The hours at" a value are those within 0.5 degC of it. The fit starts from a few points
and keeps the best; it reuses each seed's temperature, and the figures printed at the end
(with the mean relative humidity by month, a check against any published normal) are
recomputed with ``typical_year`` itself. Run from the repository root::

    python benchmarks/calibrate_humidity.py baku 27.2 28.1 -4.2 0.8 21.1 27.7 29.0
    python benchmarks/calibrate_humidity.py aktau 25.1 28.6 -19.2 -10.5 19.6 26.2 29.8
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import optimize

from dcpower.weather import load_site, typical_year
from dcpower.weather import synthetic as syn
from dcpower.weather.psychrometrics import dew_point_c, relative_humidity_pct, wet_bulb_c
from dcpower.weather.sites import DEW_POINT_FIELDS

NAMES = ("DP004", "its MCDB", "DP996", "its MCDB", "MCWB at DB004", "WB004", "its MCDB")
#: Half-width of the band of hours "at" a value. [degC]
BAND_C = 0.5
#: Starting points (in DEW_POINT_FIELDS order); the best fit of them is kept.
STARTS = ((10.0, 0.7, -1.0, -0.05, 3.0), (5.0, 0.8, -0.3, -0.1, 2.0), (8.0, 0.5, 0.0, 0.0, 3.0))
LOWER = (-40.0, 0.0, -3.0, -0.5, 0.0)
UPPER = (35.0, 2.0, 3.0, 0.5, 10.0)


def _value_and_coincident(x: np.ndarray, share: float, other: np.ndarray) -> tuple[float, float]:
    value = float(np.quantile(x, share))
    return value, float(other[np.abs(x - value) <= BAND_C].mean())


def figures(temp: np.ndarray, dew: np.ndarray) -> np.ndarray:
    """The seven ASHRAE figures (module docstring) of pooled hours [degC]."""
    wet = wet_bulb_c(temp, relative_humidity_pct(temp, dew))
    dp004 = _value_and_coincident(dew, 0.996, temp)
    dp996 = _value_and_coincident(dew, 0.004, temp)
    mcwb = _value_and_coincident(temp, 0.996, wet)[1]
    wb004 = _value_and_coincident(wet, 0.996, temp)
    return np.array([*dp004, *dp996, mcwb, *wb004])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("targets", type=float, nargs=7, help=" ".join(NAMES))
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
    temp = np.concatenate([year[0] for year in years])
    target = np.array(args.targets)

    def misses(values: np.ndarray) -> np.ndarray:
        trial = site.model_copy(update=dict(zip(DEW_POINT_FIELDS, values, strict=True)))
        dew = [
            syn._dew_point(t, anomaly, syn._stream(seed, site, "dew_day"), trial)
            for t, anomaly, seed in years
        ]
        return figures(temp, np.concatenate(dew)) - target

    fits = [
        optimize.least_squares(misses, x0=x0, bounds=(LOWER, UPPER), x_scale="jac") for x0 in STARTS
    ]
    best = min(fits, key=lambda fit: fit.cost)
    fitted = {f: round(float(v), 3) for f, v in zip(DEW_POINT_FIELDS, best.x, strict=True)}
    trial = site.model_copy(update=fitted)
    data = [typical_year(trial, seed=seed)[0] for seed in range(args.seeds)]
    rh = np.concatenate([d["relative_humidity"].to_numpy() for d in data])
    month = np.concatenate([d.index.month.to_numpy() for d in data])
    reached = figures(temp, dew_point_c(temp, rh))
    highest_wet = np.mean([wet_bulb_c(d["temp_air"], d["relative_humidity"]).max() for d in data])
    print(f"{args.site}: {fitted}")
    print(
        f"  over seeds 0-{args.seeds - 1} (ASHRAE): "
        + ", ".join(
            f"{name} {got:.1f} ({want:g})"
            for name, got, want in zip(NAMES, reached, target, strict=True)
        )
    )
    print(
        f"  highest wet bulb of a year, mean {highest_wet:.1f} degC; mean RH {rh.mean():.0f} %, "
        "by month " + " ".join(f"{rh[month == m].mean():.0f}" for m in range(1, 13))
    )


if __name__ == "__main__":
    main()
