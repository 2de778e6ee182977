#!/usr/bin/python3
"""The effects block of docs/validation.md, from a `pzsim compare -o DIR` folder holding the
historical and the status-only scenarios (scripts/make-validation runs it).

Writes, between the EFFECTS markers of the document:
  1. national, zone-city (direct) and other-city (spillover) effects of both scenarios for the
     headline metrics, with compare's 95% intervals over seeds;
  2. the displacement share compare computes (estimand `displacement`, docs/compare.md): how
     much of the zone cities' gain the other cities lose, -spillover / direct, ratio of the
     seed means with compare's interval;
  3. issue 8's status-only checks: the zone-city CBEC effect within +-2% of the counterfactual,
     and a national CBEC interval that contains 0.

Usage: analysis/validation_effects.py COMPARISON.json DOC.md RUN_COMMIT RUN_TIME
       analysis/validation_effects.py COMPARISON.json -      (print the block only)
"""
import json
import sys

import numpy as np

from markers import MarkersMissing, replace_between_markers

BEGIN = "<!-- BEGIN EFFECTS by scripts/make-validation: do not edit by hand -->"
END = "<!-- END EFFECTS -->"

METRICS = [
    ("exports_cbec_usd", "CBEC exports, real channel, whole run", "USD bn", 1e9),
    ("exports_cbec_recorded_usd", "CBEC exports, recorded, whole run", "USD bn", 1e9),
    ("exports_usd", "exports, all channels, whole run", "USD bn", 1e9),
    ("net_jobs_end", "employment at the end", "thousand jobs", 1e3),
    ("job_years", "job-years over the run", "thousand job-years", 1e3),
    ("fiscal_cost_net_usd", "fiscal cost, net, whole run", "USD bn", 1e9),
]
ESTIMANDS = [("national", "national"), ("direct", "zone cities"), ("spillover", "other cities")]
DISPLACEMENT = ["exports_cbec_usd", "exports_usd", "net_jobs_end"]


def rows_by_key(comparison):
    return {(r["scenario"], r["estimand"], r["metric"]): r for r in comparison["rows"]}


def fmt(x, digits=3):
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:,.{digits}g}" if abs(x) < 1000 else f"{x:,.0f}"


def block(comparison, run_commit="", run_time=""):
    rows = rows_by_key(comparison)
    scenarios = [s["name"] for s in comparison["scenarios"]]
    seeds = comparison["seeds"]
    out = [BEGIN, ""]
    where = f" at commit {run_commit} ({run_time})" if run_commit else ""
    out.append(f"_Made by `scripts/make-validation` from `pzsim compare` of {', '.join('`' + s + '`' for s in scenarios)}, "
               f"seeds {seeds[0]}-{seeds[-1]} ({len(seeds)} seeds){where}; interval: {comparison['interval']}._")
    out.append("")
    out.append("| scenario | cities | metric | unit | effect | 95% interval | % of counterfactual | interval contains 0 |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for sc in scenarios:
        for metric, label, unit, scale in METRICS:
            for est, est_label in ESTIMANDS:
                r = rows.get((sc, est, metric))
                if r is None:
                    continue
                pct = r.get("effect_pct_mean")
                out.append(f"| {sc} | {est_label} | {label} | {unit} | {fmt(r['effect_mean'] / scale)} | "
                           f"[{fmt(r['effect_lo'] / scale)}, {fmt(r['effect_hi'] / scale)}] | "
                           f"{'n/a' if pct is None else f'{pct:+.2f}%'} | {'yes' if r['contains_zero'] else 'no'} |")
    out.append("")
    out.append("**How much of the zone cities' gain comes from other cities** (compare's `displacement` rows: "
               "minus the other cities' effect over the zone cities' effect, ratio of the seed means, with its "
               f"{comparison['interval']} interval; the per-seed ratios' range in brackets). 100% would be pure business "
               "stealing; 0% no loss elsewhere; negative, other cities gain too.")
    out.append("")
    out.append("| scenario | metric | displacement share | 95% interval | per-seed range | note |")
    out.append("| --- | --- | --- | --- | --- | --- |")
    for sc in scenarios:
        for metric in DISPLACEMENT:
            r = rows.get((sc, "displacement", metric))
            if r is None:
                continue
            label = next(l for m, l, _, _ in METRICS if m == metric)
            finite = [x for x in r["per_seed"] if x is not None and np.isfinite(x)]
            spread = f"[{min(finite):.0f}%, {max(finite):.0f}%]" if finite else "-"
            if r["effect_mean"] is None or not np.isfinite(r["effect_mean"]):
                out.append(f"| {sc} | {label} | n/a | - | {spread} | {r.get('note', '')} |")
                continue
            out.append(f"| {sc} | {label} | {r['effect_mean']:.1f}% | [{r['effect_lo']:.1f}%, {r['effect_hi']:.1f}%] | "
                       f"{spread} | {r.get('note', '')} |")
    out.append("")
    if "status-only" in scenarios:
        d = rows.get(("status-only", "direct", "exports_cbec_usd"))
        n = rows.get(("status-only", "national", "exports_cbec_usd"))
        if d is not None and n is not None:
            within = d["effect_pct_mean"] is not None and abs(d["effect_pct_mean"]) <= 2.0
            out.append("**Status-only checks (issue 8).** Zone-city real-channel CBEC effect "
                       f"{d['effect_pct_mean']:+.2f}% of the counterfactual (criterion: within +-2%): "
                       f"**{'met' if within else 'missed'}**. National CBEC effect "
                       f"{fmt(n['effect_mean'] / 1e9)} USD bn [{fmt(n['effect_lo'] / 1e9)}, {fmt(n['effect_hi'] / 1e9)}] "
                       f"(criterion: the interval contains 0): **{'met' if n['contains_zero'] else 'missed'}**.")
            out.append("")
    out.append(END)
    return "\n".join(out)


def main(argv):
    if len(argv) not in (3, 5):
        sys.exit(__doc__)
    try:
        with open(argv[1]) as fh:
            comparison = json.load(fh)
        text = block(comparison, *(argv[3:5] if len(argv) == 5 else ()))
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"validation_effects: {argv[1]}: {e}")
    if argv[2] == "-":
        print(text)
        return
    try:
        replace_between_markers(argv[2], BEGIN, END, text, "EFFECTS")
    except (OSError, MarkersMissing) as e:
        sys.exit(f"validation_effects: {e}")


if __name__ == "__main__":
    main(sys.argv)
