#!/usr/bin/python3
"""Zone effects by approval cohort and by coastal vs inland, from a policy run and its
counterfactual (same scenario and seed, e.g. the two files `pzsim compare -o DIR` writes).

Usage: /usr/bin/python3 analysis/cohort_effects.py POLICY.h5 COUNTERFACTUAL.h5 [--years N]

For each cohort (zones approved in the same month) and each of coastal / inland, prints the
relative difference policy / counterfactual - 1 of CBEC exports and of all exports, summed
over the N years (default 4) from approval: the model's true average effect on the treated
cohort, the quantity that synthetic-control and staggered DiD studies estimate.
"""
import argparse

import numpy as np
import xarray as xr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("policy")
    parser.add_argument("counterfactual")
    parser.add_argument("--years", type=int, default=4, help="years after approval to sum over (default 4)")
    args = parser.parse_args()
    policy = xr.open_dataset(args.policy, engine="h5netcdf")
    counterfactual = xr.open_dataset(args.counterfactual, engine="h5netcdf")
    zone = policy["zone_active"].values  # time x city
    coastal = policy["coastal"].values.astype(bool)
    approved = np.where(zone.any(axis=0), zone.argmax(axis=0), -1)
    months = policy["month"].values
    cbec = [ds["exports_usd"].sel(channel="cbec").sum("sector").values for ds in (policy, counterfactual)]
    total = [ds["exports_usd"].sum(("sector", "channel")).values for ds in (policy, counterfactual)]
    print(f"Effects summed over {args.years} years from approval (fewer where the run ends first)")
    print(f"{'cohort':8} {'cities':8} {'n':>4} {'CBEC exports':>13} {'all exports':>12}")
    for start in sorted(set(approved[approved >= 0])):
        end = min(start + 12 * args.years, len(months))
        for is_coastal in (True, False):
            cities = np.where((approved == start) & (coastal == is_coastal))[0]
            if len(cities) == 0:
                continue
            rows = slice(start, end)

            def effect(series):
                treated, untreated = series[0][rows][:, cities].sum(), series[1][rows][:, cities].sum()
                return f"{100 * (treated / untreated - 1):+.1f}%" if untreated > 0 else "n/a"

            print(f"{months[start]:8} {'coastal' if is_coastal else 'inland':8} {len(cities):4d} "
                  f"{effect(cbec):>13} {effect(total):>12}")


if __name__ == "__main__":
    main()
