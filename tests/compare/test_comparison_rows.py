#!/usr/bin/python3
"""Two rows of `pzsim compare`'s comparison.csv recomputed by hand from its run files.

Usage: /usr/bin/python3 tests/compare/test_comparison_rows.py <path-to-pzsim> <source-dir>

Runs `pzsim compare -o DIR --seeds 1-3` on a small scenario, then with xarray, pandas and
scipy only (no pzsim code): the direct effect on CBEC exports by real channel (zone cities =
cities with zone_active in the policy run's last month; effect per seed = policy - paired
counterfactual, summed over months, sector and cities, divided by sample_fraction) and the
national net-jobs effect (employment in the last month) with its paired-t 95% interval.
Also: comparison.json matches the CSV, every run file carries its role and seed, and the
national rows equal zone plus other cities.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import fail  # noqa: E402


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def main():
    pzsim, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        scenario = os.path.join(tmp, "small.yaml")
        with open(scenario, "w") as f:
            f.write(f"extends: {source}/scenarios/default.yaml\n"
                    "run: {start: 2015-01, months: 24, burn_in_months: 6}\n"
                    "firms: {count: 1500}\nconsumers: {agents_per_destination: 2000}\n")
        out = os.path.join(tmp, "cmp")
        subprocess.run([pzsim, "compare", scenario, "--seeds", "1-3", "-q", "--threads", "2", "-o", out],
                       check=True, stdout=subprocess.DEVNULL)
        rows = pd.read_csv(os.path.join(out, "comparison.csv"))
        with open(os.path.join(out, "comparison.json")) as f:
            doc = json.load(f)
        if len(doc["rows"]) != len(rows):
            fail(f"comparison.json has {len(doc['rows'])} rows, comparison.csv {len(rows)}")
        if doc["seeds"] != [1, 2, 3] or doc["calibrated"] is not False:
            fail(f"comparison.json header: seeds {doc['seeds']}, calibrated {doc['calibrated']}")
        runs = {(r["role"], r["seed"]): r["file"] for r in doc["runs"]}
        if len(doc["runs"]) != 6:
            fail(f"expected 6 runs (3 policy, 3 counterfactual), got {len(doc['runs'])}")

        def row(estimand, metric):
            r = rows[(rows.scenario == "small") & (rows.estimand == estimand) & (rows.metric == metric)]
            if len(r) != 1:
                fail(f"{len(r)} rows for {estimand} {metric}")
            return r.iloc[0]

        direct_cbec, national_jobs = [], []
        for seed in (1, 2, 3):
            p = xr.open_dataset(os.path.join(out, runs[("policy", seed)]), engine="h5netcdf")
            c = xr.open_dataset(os.path.join(out, runs[("counterfactual", seed)]), engine="h5netcdf")
            for ds, role in ((p, "policy"), (c, "counterfactual")):
                if ds.attrs["role"] != role or int(ds.attrs["seed"]) != seed:
                    fail(f"{role} seed {seed}: file says role {ds.attrs['role']} seed {ds.attrs['seed']}")
            scale = 1.0 / float(p.attrs["sample_fraction"])
            zone = p["zone_active"].isel(time=-1).astype(bool)
            cbec = lambda ds: float(ds["exports_usd"].sel(channel="cbec").where(zone, 0).sum()) * scale
            direct_cbec.append(cbec(p) - cbec(c))
            jobs = lambda ds: float(ds["employment"].isel(time=-1).sum()) * scale
            national_jobs.append(jobs(p) - jobs(c))
            p.close()
            c.close()

        r = row("direct", "exports_cbec_usd")
        if not close(r.effect_mean, np.mean(direct_cbec), 1e-6):
            fail(f"direct exports_cbec_usd: csv {r.effect_mean}, recomputed {np.mean(direct_cbec)}")
        r = row("national", "net_jobs_end")
        mean, sd = np.mean(national_jobs), np.std(national_jobs, ddof=1)
        half = stats.t.ppf(0.975, 2) * sd / np.sqrt(3)
        for name, mine in (("effect_mean", mean), ("effect_lo", mean - half), ("effect_hi", mean + half)):
            if not close(r[name], mine, 1e-6):
                fail(f"national net_jobs_end {name}: csv {r[name]}, recomputed {mine}")
        if bool(r.contains_zero) != bool(mean - half <= 0 <= mean + half):
            fail("national net_jobs_end: contains_zero disagrees with the interval")

        # National rows equal zone plus other cities (issue 8, part 7), for every additive metric.
        ratios = rows.metric.str.contains("_per_")
        checked = 0
        for metric in rows[~ratios].metric.unique():
            n, d, s = row("national", metric), row("direct", metric), row("spillover", metric)
            for col in ("policy_mean", "counterfactual_mean", "effect_mean"):
                if not close(n[col], d[col] + s[col], 1e-9):
                    fail(f"{metric} {col}: national {n[col]} != direct {d[col]} + spillover {s[col]}")
            checked += 1
        if checked < 10:
            fail(f"only {checked} metrics checked")
        print(f"recomputed direct exports_cbec_usd ({np.mean(direct_cbec):.4g}) and national net_jobs_end "
              f"({mean:.4g} [{mean - half:.4g}, {mean + half:.4g}]); national = direct + spillover for {checked} metrics")


if __name__ == "__main__":
    main()
