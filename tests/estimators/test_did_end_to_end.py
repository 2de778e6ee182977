#!/usr/bin/python3
"""End to end: `pzsim did` on short runs of scenarios/default.yaml (2012-2016, seeds 1 and 2)
against their counterfactuals (zones removed). Checks that every estimator's rows are there for
the three outcomes, that the true ATT equals policy minus counterfactual recomputed here from
the files, that TWFE and its city-clustered standard error match statsmodels, that the
Callaway-Sant'Anna ATT matches a plain group-mean computation, that a compare folder
(comparison.json, contract 1) gives the same rows as the file lists, and the exit codes.

Usage: /usr/bin/python3 test_did_end_to_end.py PZSIM SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import statsmodels.api as sm
import xarray as xr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

check = Checks()
OUTCOMES = ("exports_cbec_usd", "firm_births", "employment")


def close(a, b, rel=1e-8, abs_=1e-10):
    return abs(a - b) <= max(abs_, rel * max(abs(a), abs(b)))


def run(args, expect=0):
    done = subprocess.run(args, capture_output=True, text=True)
    check(done.returncode == expect, f"{' '.join(map(str, args))}: exit {done.returncode}, expected {expect}: {done.stderr[-400:]}")
    return done


def annual_panel(path):
    """(cohort per city as year index or -1, {outcome: cities x years array}, years), national units."""
    ds = xr.open_dataset(path, engine="h5netcdf")
    f = ds.attrs["sample_fraction"]
    year = ds["time"].dt.year
    outcomes = {
        "exports_cbec_usd": (ds["exports_usd"].sel(channel="cbec").sum("sector") / f).groupby(year).sum(),
        "firm_births": (ds["firm_births"] / f).groupby(year).sum(),
        "employment": (ds["employment"] / f).groupby(year).mean(),
    }
    years = list(outcomes["employment"]["year"].values)
    zone = ds["zone_active"].groupby(year).max().transpose("city", "year").values
    cohort = np.array([int(np.argmax(z)) if z.any() else -1 for z in zone])
    return cohort, {k: v.transpose("city", "year").values.astype(float) for k, v in outcomes.items()}, years


def monthly_panel(path):
    """The same by month: a city is treated from its approval month."""
    ds = xr.open_dataset(path, engine="h5netcdf")
    f = ds.attrs["sample_fraction"]
    outcomes = {
        "exports_cbec_usd": ds["exports_usd"].sel(channel="cbec").sum("sector") / f,
        "firm_births": ds["firm_births"] / f,
        "employment": ds["employment"] / f,
    }
    treated = ds["zone_active"].transpose("city", "time").values.astype(bool)
    return treated, {k: v.transpose("city", "time").values.astype(float) for k, v in outcomes.items()}


def twfe_statsmodels(y, cohort):
    """TWFE by least squares on city and year dummies, clustered by city, reghdfe's factor."""
    n_cities, n_years = y.shape
    rows = [dict(city=i, year=t, y=y[i, t], d=float(cohort[i] >= 0 and t >= cohort[i]))
            for i in range(n_cities) for t in range(n_years)]
    df = pd.DataFrame(rows)
    exog = pd.concat([df[["d"]], pd.get_dummies(df.city, prefix="c", dtype=float),
                      pd.get_dummies(df.year, prefix="y", drop_first=True, dtype=float)], axis=1)
    fit = sm.OLS(df.y, exog).fit(cov_type="cluster", cov_kwds={"groups": df.city, "use_correction": False})
    n, k, g = len(df), 1 + n_years - 1, n_cities
    factor = g / (g - 1) * (n - 1) / (n - k)
    return fit.params["d"], float(np.sqrt(fit.cov_params().loc["d", "d"] * factor))


def callaway_santanna_never(y, cohort):
    """Simple aggregation of ATT(g,t) = mean change since g-1 of cohort g minus never-treated's."""
    num = den = 0.0
    never = cohort == -1
    for g in sorted(set(cohort[cohort >= 1])):
        members = cohort == g
        for t in range(g, y.shape[1]):
            att = (y[members, t] - y[members, g - 1]).mean() - (y[never, t] - y[never, g - 1]).mean()
            num += members.sum() * att
            den += members.sum()
    return num / den


def main():
    pzsim, source = sys.argv[1], sys.argv[2]
    scenario = os.path.join(source, "scenarios", "default.yaml")
    short = ["--set", "run.months=60", "--set", "firms.count=4000", "--set", "consumers.agents_per_destination=5000"]
    no_zones = ["--set", "zones.selection=none", "--set", "zones.list=[]"]
    with tempfile.TemporaryDirectory() as tmp:
        policy, counterfactual = [], []
        for seed in (1, 2):
            p, c = os.path.join(tmp, f"policy-s{seed}.h5"), os.path.join(tmp, f"cf-s{seed}.h5")
            run([pzsim, "run", scenario, *short, "--seed", str(seed), "-o", p, "-q"])
            run([pzsim, "run", scenario, *short, *no_zones, "--seed", str(seed), "-o", c, "-q"])
            policy.append(p)
            counterfactual.append(c)
        if check.failed():
            return

        out = run([pzsim, "did", *policy, "--counterfactual", *counterfactual, "--format", "json"])
        report = json.loads(out.stdout)
        check(report["seeds"] == [1, 2], f"seeds {report['seeds']}")
        rows = report["rows"]
        overall = {(r["outcome"], r["estimator"]): r for r in rows if r["event_time"] is None}
        for outcome in OUTCOMES:
            for estimator in ("twfe", "callaway_santanna", "callaway_santanna_not_yet", "sun_abraham", "true_att"):
                check((outcome, estimator) in overall, f"no {estimator} row for {outcome}")
            check(any(r["outcome"] == outcome and r["estimator"] == "event_study" and r["event_time"] == 0 for r in rows),
                  f"no event-study row at event time 0 for {outcome}")
        if check.failed():
            return

        # The true ATT recomputed from the files: same scale rule (log when every value of
        # every file is positive, else asinh), mean over zone city-years from approval.
        panels = [(annual_panel(p), annual_panel(c)) for p, c in zip(policy, counterfactual)]
        for outcome in OUTCOMES:
            positive = all((pp[1][outcome] > 0).all() and (cc[1][outcome] > 0).all() for pp, cc in panels)
            scale = np.log if positive else np.arcsinh
            check(overall[(outcome, "true_att")]["scale"] == ("log points" if positive else "asinh points"),
                  f"{outcome}: scale {overall[(outcome, 'true_att')]['scale']}")
            per_seed, never, twfe_weighted = [], [], []
            for (cohort, pol, years), (_, cf, _) in panels:
                treated = np.array([[g >= 0 and t >= g for t in range(len(years))] for g in cohort])
                effect = scale(pol[outcome]) - scale(cf[outcome])
                per_seed.append(float(effect[treated].mean()))
                never.append(float(effect[cohort < 0, cohort[cohort >= 0].min():].mean()))
                d = treated.astype(float)
                d_resid = d - d.mean(axis=1, keepdims=True) - d.mean(axis=0, keepdims=True) + d.mean()
                weight = np.where(treated, d_resid, 0.0) / (d_resid * d).sum()
                twfe_weighted.append(float((weight * effect).sum()))
            weights = report["twfe_weights"][outcome]
            check(close(weights["weighted_true_effect"], np.mean(twfe_weighted)),
                  f"{outcome}: TWFE-weighted truth {weights['weighted_true_effect']} != {np.mean(twfe_weighted)}")
            check(weights["negative_cells"] == int((weight < 0).sum()) and weights["treated_cells"] == int(treated.sum()),
                  f"{outcome}: TWFE weight counts {weights}")
            check(close(report["true_effect_never_treated"][outcome], np.mean(never)),
                  f"{outcome}: effect on never-treated {report['true_effect_never_treated'][outcome]} != {np.mean(never)}")
            row = overall[(outcome, "true_att")]
            check(close(row["estimate"], np.mean(per_seed)), f"{outcome}: true ATT {row['estimate']} != {np.mean(per_seed)} from the files")
            check(all(close(a, b) for a, b in zip(row["per_seed"], per_seed)), f"{outcome}: per-seed true ATT {row['per_seed']} != {per_seed}")
            half = 12.706 * np.std(per_seed, ddof=1) / np.sqrt(2)  # t interval over 2 seeds, 1 degree of freedom
            check(close(row["lo"], np.mean(per_seed) - half, rel=1e-4) and close(row["hi"], np.mean(per_seed) + half, rel=1e-4),
                  f"{outcome}: true ATT interval [{row['lo']}, {row['hi']}] != mean +- {half}")
            check(row["n_cities"] == 20 and row["n_periods"] == 5, f"{outcome}: {row['n_cities']} cities, {row['n_periods']} periods")
            print(f"{outcome}: true ATT {row['estimate']:.4f} ({row['scale']}), TWFE {overall[(outcome, 'twfe')]['estimate']:.4f}, "
                  f"CS {overall[(outcome, 'callaway_santanna')]['estimate']:.4f}")

        # Monthly panel: the true ATT over the zone city-months from approval.
        monthly = json.loads(run([pzsim, "did", *policy, "--counterfactual", *counterfactual, "--period", "month",
                                  "--format", "json"]).stdout)
        check(monthly["unit_time"] == "months" and len(monthly["periods"]) == 60, "monthly panel: wrong periods")
        month_rows = {(r["outcome"], r["estimator"]): r for r in monthly["rows"] if r["event_time"] is None}
        month_panels = [(monthly_panel(p), monthly_panel(c)) for p, c in zip(policy, counterfactual)]
        for outcome in OUTCOMES:
            positive = all((pp[1][outcome] > 0).all() and (cc[1][outcome] > 0).all() for pp, cc in month_panels)
            scale = np.log if positive else np.arcsinh
            truth = np.mean([float((scale(pol[outcome]) - scale(cf[outcome]))[treated].mean())
                             for (treated, pol), (_, cf) in month_panels])
            row = month_rows[(outcome, "true_att")]
            check(close(row["estimate"], truth), f"{outcome}: monthly true ATT {row['estimate']} != {truth} from the files")
            check(row["n_periods"] == 60, f"{outcome}: monthly panel has {row['n_periods']} periods")
            for estimator in ("twfe", "callaway_santanna", "sun_abraham"):
                check((outcome, estimator) in month_rows, f"no monthly {estimator} row for {outcome}")

        # Seed 1 alone: TWFE and its clustered error against statsmodels, CS against group means.
        one = json.loads(run([pzsim, "did", policy[0], "--counterfactual", counterfactual[0], "--format", "json"]).stdout)
        one_overall = {(r["outcome"], r["estimator"]): r for r in one["rows"] if r["event_time"] is None}
        (cohort, pol, _), _ = panels[0]
        for outcome in OUTCOMES:
            scale = np.log if one_overall[(outcome, "twfe")]["scale"] == "log points" else np.arcsinh
            y = scale(pol[outcome])
            beta, se = twfe_statsmodels(y, cohort)
            row = one_overall[(outcome, "twfe")]
            check(close(row["estimate"], beta, rel=1e-7), f"{outcome}: TWFE {row['estimate']} != statsmodels {beta}")
            check(close(row["se"], se, rel=1e-7), f"{outcome}: TWFE se {row['se']} != statsmodels {se}")
            cs = callaway_santanna_never(y, cohort)
            check(close(one_overall[(outcome, "callaway_santanna")]["estimate"], cs, rel=1e-7),
                  f"{outcome}: CS {one_overall[(outcome, 'callaway_santanna')]['estimate']} != group means {cs}")

        # A compare folder (contract 1) gives the same rows as the file lists.
        folder = os.path.join(tmp, "cmp")
        os.makedirs(os.path.join(folder, "runs"))
        runs = []
        for seed, p, c in zip((1, 2), policy, counterfactual):
            os.symlink(p, os.path.join(folder, "runs", f"default-s{seed}.h5"))
            os.symlink(c, os.path.join(folder, "runs", f"counterfactual-0badcafe-s{seed}.h5"))
            runs += [{"scenario": "default", "role": "policy", "seed": seed, "file": f"runs/default-s{seed}.h5"},
                     {"scenario": "default", "role": "counterfactual", "seed": seed, "file": f"runs/counterfactual-0badcafe-s{seed}.h5"}]
        with open(os.path.join(folder, "comparison.json"), "w") as f:
            json.dump({"seeds": [1, 2], "scenarios": [{"name": "default", "path": scenario, "zone_cities": 8,
                                                       "counterfactual": "counterfactual-0badcafe"}], "rows": [], "runs": runs}, f)
        from_folder = run([pzsim, "did", folder, "--format", "csv"]).stdout
        # The same with runs named by label (as `pzsim compare` writes them), a shared
        # counterfactual listed under no scenario.
        labelled = dict(json.load(open(os.path.join(folder, "comparison.json"))))
        labelled["runs"] = [dict(r, label=os.path.basename(r["file"]).rsplit("-s", 1)[0],
                                 scenario=None if r["role"] == "counterfactual" else r["scenario"]) for r in runs]
        labelled_folder = os.path.join(tmp, "cmp-labelled")
        os.makedirs(labelled_folder)
        os.symlink(os.path.join(folder, "runs"), os.path.join(labelled_folder, "runs"))
        with open(os.path.join(labelled_folder, "comparison.json"), "w") as f:
            json.dump(labelled, f)
        check(run([pzsim, "did", labelled_folder, "--format", "csv"]).stdout == from_folder, "labelled compare folder gives other rows")
        from_files = run([pzsim, "did", *policy, "--counterfactual", *counterfactual, "--format", "csv"]).stdout
        check(from_folder == from_files and from_folder.count("\n") > 20, "compare folder and file lists give different rows")
        table = run([pzsim, "did", folder]).stdout
        for word in ("twfe", "callaway_santanna", "sun_abraham", "true_att", "event_study", *OUTCOMES):
            check(word in table, f"table lacks {word}")

        # Bad input: exit code 2.
        run([pzsim, "did", os.path.join(tmp, "missing")], expect=2)
        run([pzsim, "did", *policy, "--counterfactual", counterfactual[0]], expect=2)
        run([pzsim, "did", policy[0], "--counterfactual", counterfactual[1]], expect=2)  # seeds differ
        run([pzsim, "did", folder, "--scenario", "nope"], expect=2)
        run([pzsim, "did", folder, "--window", "0", "3"], expect=2)
        run([pzsim, "did", "--help"])


main()
check.finish("ok")
