"""Test helper (not a test): a `pzsim compare -o DIR` folder made with today's single-seed
`pzsim compare`, laid out as contract 1 says (DIR/runs/<label>-s<seed>.h5, DIR/comparison.json),
for the report test until the multi-seed compare writes such folders itself.

Rows: national, direct (zone cities) and spillover (other cities) x employment at the end,
CBEC and all exports over the run; paired-t 95% interval across seeds, computed from the run
files here (so the numbers are real, not made up).
"""
import hashlib
import json
import os
import shutil
import subprocess

import numpy as np
import xarray as xr
from scipy import stats

METRICS = {  # metric: (unit, function of a dataset and a city mask -> national value)
    "net_jobs_end": ("jobs", lambda ds, m: float(ds["employment"].isel(time=-1).values[m].sum())),
    "exports_cbec_usd": ("USD", lambda ds, m: float(ds["exports_usd"].sel(channel="cbec").sum(("time", "sector")).values[m].sum())),
    "exports_usd": ("USD", lambda ds, m: float(ds["exports_usd"].sum(("time", "sector", "channel")).values[m].sum())),
}


def make(pzsim, scenario, seeds, overrides, directory):
    os.makedirs(os.path.join(directory, "runs"), exist_ok=True)
    stem = os.path.splitext(os.path.basename(scenario))[0]
    runs, pairs, cf_label = [], [], None
    for seed in seeds:
        scratch = os.path.join(directory, f"scratch-{seed}")
        command = [pzsim, "compare", scenario, "--seed", str(seed), "-o", scratch, "-q", "--threads", "2"]
        for o in overrides:
            command += ["--set", o]
        os.makedirs(scratch)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        if cf_label is None:  # named after the first seed's counterfactual: the label is per scenario, not per seed
            with xr.open_dataset(os.path.join(scratch, f"{stem}-counterfactual.h5"), engine="h5netcdf") as cf:
                cf_label = "counterfactual-" + hashlib.sha256(cf.attrs["scenario_yaml"].encode()).hexdigest()[:8]
        files = {"policy": f"runs/{stem}-s{seed}.h5", "counterfactual": f"runs/{cf_label}-s{seed}.h5"}
        for role, file in files.items():
            shutil.move(os.path.join(scratch, f"{stem}-{role}.h5"), os.path.join(directory, file))
            runs.append({"scenario": stem if role == "policy" else cf_label, "role": role, "seed": seed, "file": file})
        shutil.rmtree(scratch)
        pairs.append([xr.open_dataset(os.path.join(directory, files[r]), engine="h5netcdf") for r in ("policy", "counterfactual")])

    first = pairs[0][0]
    zone = first["zone_active"].values.any(axis=0)
    masks = {"national": np.ones_like(zone), "direct": zone, "spillover": ~zone}
    rows = []
    for estimand, mask in masks.items():
        for metric, (unit, value) in METRICS.items():
            pol = np.array([value(p, mask) / p.attrs["sample_fraction"] for p, _ in pairs])
            cf = np.array([value(c, mask) / c.attrs["sample_fraction"] for _, c in pairs])
            effect = pol - cf
            n = len(effect)
            half = stats.t.ppf(0.975, n - 1) * effect.std(ddof=1) / np.sqrt(n)
            lo, hi = effect.mean() - half, effect.mean() + half
            rows.append({"scenario": stem, "estimand": estimand, "metric": metric, "unit": unit,
                         "policy_mean": pol.mean(), "counterfactual_mean": cf.mean(),
                         "effect_mean": effect.mean(), "effect_lo": lo, "effect_hi": hi,
                         "effect_pct_mean": 100 * effect.mean() / cf.mean() if cf.mean() != 0 else None,
                         "n": n, "contains_zero": bool(lo <= 0 <= hi), "per_seed": effect.tolist()})
    cities = first["province"].values
    synthetic = int((cities == "synthetic").sum())
    comparison = {
        "pzsim_version": first.attrs["pzsim_version"], "git_commit": first.attrs["git_commit"],
        "created_utc": first.attrs["created_utc"], "seeds": list(seeds), "interval": "paired t, 95%",
        "calibrated": False,
        "cities": {"total": len(cities), "real": len(cities) - synthetic, "synthetic": synthetic},
        "scenarios": [{"name": stem, "path": scenario, "zone_cities": int(zone.sum()), "counterfactual": cf_label}],
        "rows": rows, "runs": runs,
    }
    for p, c in pairs:
        p.close()
        c.close()
    with open(os.path.join(directory, "comparison.json"), "w") as f:
        json.dump(comparison, f, indent=1)
    return comparison
