"""Wind yields of the synthetic years over seeds: capacity factor, P50 / P90.

P90 is the yield exceeded in 90 % of the years (the 10th percentile). GHI is not listed:
each synthetic year meets the site file's monthly GHI totals exactly. Run from the
repository root::

    python benchmarks/weather_seeds.py                 # the embedded sites, seeds 0-29
    python benchmarks/weather_seeds.py baku --seeds 10
"""

from __future__ import annotations

import argparse

import numpy as np

from dcpower.resource.wind import wind_cf
from dcpower.weather import available_sites, load_site, typical_year


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="*", default=available_sites())
    parser.add_argument("--seeds", type=int, default=30)
    args = parser.parse_args()
    print(f"wind CF [%] over seeds 0-{args.seeds - 1}")
    print(f"{'site':16} {'seed 0':>8} {'P50':>8} {'P90':>8} {'min':>8} {'max':>8}")
    for name in args.sites:
        site = load_site(name)
        cf = [100 * wind_cf(*typical_year(site, seed=seed)).mean() for seed in range(args.seeds)]
        p50, p90 = np.percentile(cf, [50, 10])
        print(f"{name:16} {cf[0]:8.1f} {p50:8.1f} {p90:8.1f} {min(cf):8.1f} {max(cf):8.1f}")


if __name__ == "__main__":
    main()
