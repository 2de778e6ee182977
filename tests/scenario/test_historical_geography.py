#!/usr/bin/python3
"""Where the historical scenario's exports come from in its first year, against the data.

Usage: /usr/bin/python3 tests/scenario/test_historical_geography.py <path-to-pzsim> <source-dir>

Runs scenarios/baseline.yaml (historical.yaml without zones: the same cities and firms) for
2012 from the founding firms (no burn-in), seed 1, and checks the year's exports by city
against data/provinces.csv (`exports_base_share`) and data/cities.csv:
  * every province's share of exports is within TOLERANCE_PP of the data;
  * Shenzhen, Shanghai, Suzhou, Dongguan and Ningbo (the five largest exporters in the data)
    are among the ten largest exporting cities.
It checks what the start is built to do: founding firms placed so that each city starts with
its share of expected sales (state.cpp, place_largest_first), exporters chosen within each
sector, and a city productivity that gives every city the same unit labour cost.
Why 2.5 points: what remains at the start is the gap between expected and realised sales
(which markets each exporter serves is drawn) and a year of the model's dynamics; this run
gives 1.8, 1.5 and 0.7 points at seeds 1-3. With independent placement and exporters ranked
nationally (before this test) the first month alone was 10-13 points off, one firm of a small
city taking a whole sector's exports. 2.5 points leaves room for seed noise and for changes
elsewhere in the model. The later years are not held to it here: by 2019 the largest gap is
2.4-6.6 points at seeds 1-3 (docs/model.md, "What the model does with them").
"""
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
import xarray as xr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

TOLERANCE_PP = 2.5
LARGEST = ("Shenzhen", "Shanghai", "Suzhou", "Dongguan", "Ningbo")
YEAR = "2012"


def main():
    if len(sys.argv) != 3:
        print("usage: test_historical_geography.py <path-to-pzsim> <source-dir>")
        sys.exit(1)
    pzsim, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(os.path.join(source, "data", "provinces.csv"), newline="", encoding="utf-8") as f:
        data_share = {r["province"]: float(r["exports_base_share"]) for r in csv.DictReader(f)}
    check = Checks()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "baseline.h5")
        subprocess.run([pzsim, "run", os.path.join(source, "scenarios", "baseline.yaml"), "-q", "--seed", "1",
                        "--set", "run.months=12", "--set", "run.burn_in_months=0", "-o", out], check=True)
        with xr.open_dataset(out, engine="h5netcdf") as ds:
            months = ds["month"].values.astype(str)
            year = np.array([m.startswith(YEAR) for m in months])
            exports = ds["exports_usd"].sum(("sector", "channel")).values[year].sum(axis=0)
            cities = ds["city"].values.astype(str)
            provinces = ds["province"].values.astype(str)
    share = exports / exports.sum()
    gaps = {p: 100.0 * (share[provinces == p].sum() - s) for p, s in data_share.items()}
    worst = sorted(gaps.items(), key=lambda kv: -abs(kv[1]))
    print(f"{YEAR} provincial export shares against the data (pp): " +
          ", ".join(f"{p} {g:+.2f}" for p, g in worst[:6]))
    for p, g in worst:
        check(abs(g) <= TOLERANCE_PP, f"{p}: share of {YEAR} exports {g:+.2f} pp from the data (tolerance {TOLERANCE_PP})")
    top = [cities[i] for i in np.argsort(-exports)[:10]]
    print(f"{YEAR} top ten exporting cities: {', '.join(top)}")
    for name in LARGEST:
        check(name in top, f"{name} is not among the ten largest exporters in {YEAR}")
    check.finish("ok")


if __name__ == "__main__":
    main()
