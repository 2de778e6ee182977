#!/usr/bin/python3
"""`pzsim evidence` recomputed independently with xarray.

Usage: /usr/bin/python3 tests/evidence/test_evidence.py <path-to-pzsim> <source-dir>

Runs a small scenario and its counterfactual at two seeds (`pzsim compare -o`), writes a
targets file that uses every kind of computation (sums per year in CNY, selections, zone and
city filters, stocks at a month, monthly means, weighted means, counterfactual ratios,
snapshots, scenario values, top-k and share-deviation checks), runs `pzsim evidence
--format json` and recomputes every value from the files with xarray and h5py. Also checks
the csv and table formats, the accepted intervals and `within`, and that bad targets files
and bad inputs exit 2 with file:line:column messages, and that the project's own
analysis/evidence.yaml loads.
"""
import csv
import glob
import io
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import xarray as xr
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

check = Checks()


def run(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


TARGETS = """
description: test targets
rows:
  - id: cbec_cny_per_year
    label: CBEC exports in CNY a year, 2014-2015
    target: 10
    unit: CNY bn/year
    period: 2014-2015
    source: test
    tolerance: {relative: 0.5, reason: test}
    model:
      operands:
        cbec: {variable: exports_usd, select: {channel: cbec}, months: [2014, 2015], currency: CNY, reduce: per_year}
      value: cbec / 1e9
  - id: zone_share_now
    label: zone cities' share of CBEC, zones counted month by month
    target: {min: 50}
    unit: "%"
    period: "2016"
    source: test
    tuned: "a test parameter"
    tolerance: {absolute: 0, reason: test}
    model:
      operands:
        zones: {variable: exports_usd, select: {channel: cbec}, months: "2016", cities: {zone: now}}
        all: {variable: exports_usd, select: {channel: cbec}, months: "2016"}
      value: zones / all * 100
  - id: hangzhou_and_zone_by
    label: Hangzhou plus cities zoned by 2016-01, inland and coastal, several sectors
    target: {low: 1, high: 2}
    unit: USD m
    period: 2015-06..2016-03
    source: test
    tolerance: {absolute: 0.5, reason: test}
    model:
      operands:
        a: {variable: exports_usd, select: {sector: [apparel, toys]}, months: [2015-06, 2016-03], cities: {names: [Hangzhou]}}
        b: {variable: exports_usd, months: [2015-06, 2016-03], cities: {zone_by: 2016-01, coastal: false}}
        c: {variable: exports_usd, months: [2015-06, 2016-03], cities: {zone: never, macro_region: [east, west]}}
      value: (a + 2 * b - c) / 1e6
  - id: cbec_exporters_end
    label: CBEC exporters at the end of 2015
    target: 1000
    unit: firms
    period: 2015-12
    source: test
    tolerance: {relative: 0.1, reason: test}
    model:
      operands:
        n: {variable: exporters, select: {channel: cbec}, months: 2015-12, reduce: end}
  - id: employment_mean
    label: mean employment 2014-2016, zone cities ever
    target: 1
    unit: million
    period: 2014-2016
    source: test
    tolerance: {relative: 0.1, reason: test}
    model:
      operands:
        e: {variable: employment, months: [2014, 2016], reduce: mean, cities: {zone: ever}}
      value: e / 1e6
  - id: wage_weighted
    label: employment-weighted wage, 2016
    target: 4000
    unit: CNY/month
    period: "2016"
    source: test
    tolerance: {relative: 0.2, reason: test}
    model:
      operands:
        w: {variable: wage_cny, months: "2016", reduce: weighted_mean, weight: employment, national: false}
  - id: effect_pct
    label: zone effect on CBEC exports of zone cities
    target: {min: 0}
    unit: "%"
    period: 2015-2016
    source: test
    tolerance: {absolute: 0, reason: test}
    model:
      operands:
        p: {variable: exports_usd, select: {channel: cbec}, months: [2015, 2016], cities: {zone: ever}}
        q: {variable: exports_usd, select: {channel: cbec}, months: [2015, 2016], cities: {zone: ever}, run: counterfactual}
      value: (p / q - 1) * 100
  - id: eu_aware
    label: EU aware share in the 2015-12 snapshot
    target: 20
    unit: "%"
    period: 2015-12
    source: test
    tolerance: {absolute: 5, reason: test}
    model:
      operands:
        aware: {snapshot: 2015-12, dataset: consumers/aware, weight: consumers/weight, where: {consumers/destination: eu}, reduce: weighted_mean}
        us_weight: {snapshot: 2015-12, dataset: consumers/weight, where: {consumers/destination: us}, national: true}
      value: aware * 100 + us_weight * 0
  - id: shoppers_share
    label: import shoppers over online shoppers, 2015
    target: 35
    unit: "%"
    period: "2015"
    source: test
    tolerance: {absolute: 5, reason: test}
    model:
      operands:
        adopted: {variable: import_shoppers_adopted, months: "2015", reduce: mean}
        labour: {scenario_sum: cities.list.labour_force}
        share: {scenario: import_side.online_shopper_share}
      value: adopted / (labour * share) * 100
  - id: top3
    label: Hangzhou and Shanghai among the top 3 exporting cities
    target: 2
    unit: of 2
    period: "2015"
    source: test
    tolerance: {absolute: 0, reason: test}
    model:
      operands:
        x: {variable: exports_usd, months: "2015", group_by: city}
      check: top_k
      ranked: x
      k: 3
      include: [Hangzhou, Shanghai]
  - id: province_gap
    label: largest provincial share gap
    target: {max: 3}
    unit: pp
    period: "2015"
    source: test
    tolerance: {absolute: 0, reason: test}
    model:
      operands:
        x: {variable: exports_usd, months: "2015", group_by: province}
      check: share_deviation
      ranked: x
      data: shares.csv
      key: province
      column: share
  - id: not_here
    label: a row that cannot be measured
    target: 96
    unit: "%"
    period: "2000"
    source: test
    measurable: false
    reason: needs firm-level sales
    measured_by: nothing
  - id: missing_variable
    label: a variable this file lacks
    target: 1
    unit: "1"
    period: "2015"
    source: test
    tolerance: {absolute: 1, reason: test}
    model:
      operands:
        x: {variable: no_such_output_variable, months: "2015"}
"""

SHARES_CSV = 'province,share,comment\nZhejiang,30,"a, quoted"\nShanghai,20,x\nAtlantis,5,not in the model\n'


def months_index(ds, first, last):
    labels = [str(m) for m in ds["month"].values]
    return labels.index(first), labels.index(last)


def window(ds, first, last):
    i, j = months_index(ds, first, last)
    return ds.isel(time=slice(i, j + 1))


def expected_values(pol, cf, pol_h5, scenario, shares):
    """Every row's value recomputed from one seed's files."""
    f = pol.attrs["sample_fraction"]
    zone = pol["zone_active"]
    out = {}

    w = window(pol, "2014-01", "2015-12")
    cbec = w["exports_usd"].sel(channel="cbec").sum(["city", "sector"]) * w["cny_per_usd"]
    out["cbec_cny_per_year"] = float(cbec.sum()) / f / 2 / 1e9

    w = window(pol, "2016-01", "2016-12")
    x = w["exports_usd"].sel(channel="cbec").sum("sector")
    out["zone_share_now"] = float(x.where(w["zone_active"] == 1).sum()) / float(x.sum()) * 100

    w = window(pol, "2015-06", "2016-03")
    ex = w["exports_usd"]
    a = float(ex.sel(city="Hangzhou", sector=["apparel", "toys"]).sum()) / f
    by2016 = zone.sel(time=zone["month"] == "2016-01").squeeze("time", drop=True).astype(bool)
    inland = pol["coastal"] == 0
    check(int((by2016 & inland).sum()) > 0, "the test selects some inland zone cities")
    b = float(ex.where(by2016 & inland, 0.0).sum()) / f
    never = ~zone.max("time").astype(bool)
    east_west = pol["macro_region"].isin(["east", "west"])
    c = float(ex.where(never & east_west, 0.0).sum()) / f
    out["hangzhou_and_zone_by"] = (a + 2 * b - c) / 1e6

    end = pol.sel(time=pol["month"] == "2015-12")
    out["cbec_exporters_end"] = float(end["exporters"].sel(channel="cbec").sum()) / f

    ever = zone.max("time").astype(bool)
    w = window(pol, "2014-01", "2016-12")
    e = w["employment"].where(ever, 0).sum("city")
    out["employment_mean"] = float(e.mean()) / f / 1e6

    w = window(pol, "2016-01", "2016-12")
    out["wage_weighted"] = float((w["wage_cny"] * w["employment"]).sum()) / float(w["employment"].sum())

    p = float(window(pol, "2015-01", "2016-12")["exports_usd"].sel(channel="cbec").where(ever, 0.0).sum())
    q = float(window(cf, "2015-01", "2016-12")["exports_usd"].sel(channel="cbec").where(ever, 0.0).sum())
    out["effect_pct"] = (p / q - 1) * 100

    snap = pol_h5["snapshots/2015-12/consumers"]
    destinations = list(pol["destination"].values)
    eu = snap["destination"][:] == destinations.index("eu")
    weight = snap["weight"][:][eu]
    out["eu_aware"] = float((weight * snap["aware"][:][eu]).sum() / weight.sum()) * 100

    adopted = float(window(pol, "2015-01", "2015-12")["import_shoppers_adopted"].sum("city").mean()) / f
    labour = sum(float(c["labour_force"]) for c in scenario["cities"]["list"])
    out["shoppers_share"] = adopted / (labour * float(scenario["import_side"]["online_shopper_share"])) * 100

    w = window(pol, "2015-01", "2015-12")
    by_city = w["exports_usd"].sum(["time", "sector", "channel"])
    top = [str(c) for c in by_city.sortby(by_city, ascending=False)["city"].values[:3]]
    out["top3"] = float(sum(1 for c in ["Hangzhou", "Shanghai"] if c in top))

    by_province = w["exports_usd"].sum(["time", "sector", "channel"]).groupby("province").sum()
    model_share = by_province / by_province.sum()
    total = sum(shares.values())
    gaps = []
    for province, share in shares.items():
        m = float(model_share.sel(province=province)) if province in model_share["province"].values else 0.0
        gaps.append(abs(m - share / total) * 100)
    out["province_gap"] = max(gaps)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    pzsim, source = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        settings = ["--set", "run.months=60", "--set", "outputs.snapshot_every=12", "--set", "firms.count=2000",
                    "--set", "consumers.agents_per_destination=3000", "-q"]
        pairs = []
        for seed in (4, 5):
            out_dir = os.path.join(tmp, f"s{seed}")
            os.makedirs(out_dir)
            r = run([pzsim, "compare", os.path.join(source, "scenarios/default.yaml"), "--seed", str(seed), "-o", out_dir] + settings)
            if r.returncode != 0:
                print(r.stdout, r.stderr)
                return 1
            files = sorted(glob.glob(os.path.join(out_dir, "**", "*.h5"), recursive=True))
            roles = {}
            for path in files:
                with h5py.File(path, "r") as h:
                    role = h.attrs["role"]
                    roles[role.decode() if isinstance(role, bytes) else role] = path
            pairs.append((roles["policy"], roles["counterfactual"]))
        targets = os.path.join(tmp, "targets.yaml")
        with open(targets, "w") as fh:
            fh.write(TARGETS)
        with open(os.path.join(tmp, "shares.csv"), "w") as fh:
            fh.write(SHARES_CSV)

        policies = [p for p, _ in pairs]
        # Counterfactuals given in the other order: pairing is by seed.
        counterfactuals = [c for _, c in reversed(pairs)]
        r = run([pzsim, "evidence"] + policies + ["--counterfactual"] + counterfactuals +
                ["--targets", targets, "--format", "json"])
        check(r.returncode == 0, f"evidence --format json exits 0 (got {r.returncode}: {r.stderr})")
        report = json.loads(r.stdout)
        check(report["seeds"] == [4, 5], f"seeds in order: {report['seeds']}")
        rows = {row["id"]: row for row in report["rows"]}

        per_seed = []
        for policy, counterfactual in pairs:
            pol = xr.open_dataset(policy, engine="h5netcdf").load()
            cf = xr.open_dataset(counterfactual, engine="h5netcdf").load()
            with h5py.File(policy, "r") as h:
                scenario = yaml.safe_load(pol.attrs["scenario_yaml"])
                per_seed.append(expected_values(pol, cf, h, scenario, {"Zhejiang": 30.0, "Shanghai": 20.0, "Atlantis": 5.0}))
        for row_id in per_seed[0]:
            row = rows[row_id]
            check(row["status"] == "measured", f"{row_id}: measured (got {row['status']}: {row['message']})")
            got = row["per_seed"]
            want = [values[row_id] for values in per_seed]
            check(len(got) == 2 and all(close(g, w) for g, w in zip(got, want)), f"{row_id}: per seed {got} == {want}")
            mean = sum(want) / 2
            check(close(row["mean"], mean) and close(row["min"], min(want)) and close(row["max"], max(want)),
                  f"{row_id}: mean/min/max {row['mean']}, {row['min']}, {row['max']} vs {want}")
            lo, hi = row["accepted"]
            lo = -math.inf if lo is None else lo
            hi = math.inf if hi is None else hi
            check(row["within"] == (lo <= row["mean"] <= hi), f"{row_id}: within follows the accepted interval")
            check(row["computed"] != "", f"{row_id}: says how it is computed")
        # Accepted intervals from the targets' tolerances.
        check(rows["cbec_cny_per_year"]["accepted"] == [5, 15], f"relative tolerance: {rows['cbec_cny_per_year']['accepted']}")
        check(rows["hangzhou_and_zone_by"]["accepted"] == [0.5, 2.5], "absolute tolerance on a range")
        check(rows["zone_share_now"]["accepted"][1] is None or rows["zone_share_now"]["accepted"][1] > 1e300,
              "a minimum has no upper bound")
        check(rows["not_here"]["status"] == "not measurable" and "firm-level" in rows["not_here"]["message"],
              "an unmeasurable row says why")
        check(rows["missing_variable"]["status"] == "missing input" and "no_such_output_variable" in rows["missing_variable"]["message"],
              "a row reading an absent variable says which")
        check("top 3:" in rows["top3"]["detail"], "top_k lists the top groups")

        # A compare folder (contract 1): comparison.json lists the runs; two scenarios, the
        # counterfactuals matched by the chosen scenario's label and by seed.
        folder = os.path.join(tmp, "cmp")
        os.makedirs(os.path.join(folder, "runs"))
        listed = []
        for (policy, counterfactual), seed in zip(pairs, (4, 5)):
            for role, path, scenario, label in (("policy", policy, "default", "default"),
                                                ("counterfactual", counterfactual, None, "counterfactual-0000abcd"),
                                                ("policy", counterfactual, "other", "other")):
                name = f"runs/{label}-s{seed}.h5"
                if not os.path.exists(os.path.join(folder, name)):
                    os.symlink(path, os.path.join(folder, name))
                listed.append({"scenario": scenario, "label": label, "role": role, "seed": seed, "file": name})
        # A decoy counterfactual of another label must not be picked.
        os.symlink(pairs[0][0], os.path.join(folder, "runs/counterfactual-ffff0000-s4.h5"))
        listed.insert(0, {"scenario": None, "label": "counterfactual-ffff0000", "role": "counterfactual", "seed": 4,
                          "file": "runs/counterfactual-ffff0000-s4.h5"})
        with open(os.path.join(folder, "comparison.json"), "w") as fh:
            json.dump({"seeds": [4, 5], "scenarios": [
                {"name": "default", "counterfactual": "counterfactual-0000abcd"},
                {"name": "other", "counterfactual": "counterfactual-0000abcd"}], "runs": listed}, fh)
        r = run([pzsim, "evidence", folder, "--targets", targets, "--format", "json"])
        check(r.returncode == 0, f"compare folder: exit 0 ({r.stderr.strip()})")
        if r.returncode == 0:
            from_folder = {row["id"]: row for row in json.loads(r.stdout)["rows"]}
            check(all(from_folder[i]["per_seed"] == rows[i]["per_seed"] for i in per_seed[0]),
                  "a compare folder gives the same values as its files")
        r = run([pzsim, "evidence", folder, "--targets", targets, "--format", "json", "--scenario", "other"])
        check(r.returncode == 0 and json.loads(r.stdout)["policy_files"][0].endswith("other-s4.h5"), "--scenario picks the runs")
        r = run([pzsim, "evidence", folder, "--scenario", "nope"])
        check(r.returncode == 2 and "nope" in r.stderr, "an unknown scenario of a compare folder: exit 2")
        r = run([pzsim, "evidence", tmp])
        check(r.returncode == 2 and "comparison.json" in r.stderr, "a folder without comparison.json: exit 2")

        # Without counterfactuals, the counterfactual row is reported, not an error.
        r = run([pzsim, "evidence", policies[0], "--targets", targets, "--format", "csv"])
        check(r.returncode == 0, f"csv exits 0: {r.stderr}")
        table = list(csv.DictReader(io.StringIO(r.stdout)))
        by_id = {row["id"]: row for row in table}
        check(by_id["effect_pct"]["status"] == "needs --counterfactual", "csv: counterfactual row needs --counterfactual")
        check(close(float(by_id["cbec_cny_per_year"]["model_mean"]), per_seed[0]["cbec_cny_per_year"]), "csv: value of seed 4")
        r = run([pzsim, "evidence", policies[0], "--targets", targets])
        check(r.returncode == 0 and "| cbec_cny_per_year |" in r.stdout and "How each value is computed" in r.stdout,
              "the table lists rows and computations")
        # In-sample rows (tuned:) are marked and counted apart from the out-of-sample ones.
        zone_line = next((l for l in r.stdout.splitlines() if l.startswith("| zone_share_now |")), "")
        cbec_line = next((l for l in r.stdout.splitlines() if l.startswith("| cbec_cny_per_year |")), "")
        check("(in sample)" in zone_line and "(in sample)" not in cbec_line, f"tuned rows marked: {zone_line} / {cbec_line}")
        check("1 measured row(s) are in sample" in r.stdout and "In sample: a test parameter" in r.stdout,
              "the table counts and explains in-sample rows")
        check(rows["zone_share_now"]["tuned"] == "a test parameter" and rows["cbec_cny_per_year"]["tuned"] is None,
              "json: tuned is the text or null")
        check(by_id["zone_share_now"]["tuned"] == "a test parameter", "csv: the tuned column")

        # Bad inputs exit 2 with the place of the mistake.
        bad = TARGETS.replace("    model:\n      operands:\n        cbec:", "    modle:\n      operands:\n        cbec:", 1)
        with open(targets, "w") as fh:
            fh.write(bad)
        r = run([pzsim, "evidence", policies[0], "--targets", targets])
        line = bad.splitlines().index("    modle:") + 1
        check(r.returncode == 2 and f"{targets}:{line}:5" in r.stderr and "did you mean 'model'" in r.stderr,
              f"unknown key: exit 2 with file:line:col and a hint (got {r.returncode}: {r.stderr.strip()})")
        bad = TARGETS.replace("value: cbec / 1e9", "value: cbec / / 1e9", 1)
        with open(targets, "w") as fh:
            fh.write(bad)
        r = run([pzsim, "evidence", policies[0], "--targets", targets])
        line = next(i for i, l in enumerate(bad.splitlines(), 1) if "cbec / / 1e9" in l)
        check(r.returncode == 2 and f"{targets}:{line}:14" in r.stderr and "expression" in r.stderr,
              f"bad expression: exit 2 with file:line:col (got {r.returncode}: {r.stderr.strip()})")
        bad = TARGETS.replace("select: {channel: cbec}, months: [2014, 2015]", "select: {channel: cbc}, months: [2014, 2015]", 1)
        with open(targets, "w") as fh:
            fh.write(bad)
        r = run([pzsim, "evidence", policies[0], "--targets", targets])
        check(r.returncode == 2 and "cbec_cny_per_year" in r.stderr and "did you mean 'cbec'" in r.stderr,
              f"unknown label: exit 2 naming the row (got {r.returncode}: {r.stderr.strip()})")
        r = run([pzsim, "evidence", os.path.join(tmp, "nope.h5")])
        check(r.returncode == 2 and "nope.h5" in r.stderr, f"missing run file: exit 2 ({r.stderr.strip()})")
        r = run([pzsim, "evidence", policies[0], "--counterfactual", pairs[1][1]])
        check(r.returncode == 2 and "seed" in r.stderr, f"counterfactual of another seed: exit 2 ({r.stderr.strip()})")

        # The project's own targets file loads and measures a real run.
        r = run([pzsim, "evidence", policies[0], "--format", "json"])
        check(r.returncode == 0, f"analysis/evidence.yaml works on a short run: {r.stderr.strip()}")
        if r.returncode == 0:
            ids = [row["id"] for row in json.loads(r.stdout)["rows"]]
            check("cbec_exports_2022_real" in ids and "exporter_concentration" in ids, "the project's rows are present")

    return check.exit_code("evidence: all checks passed")


if __name__ == "__main__":
    sys.exit(main())
