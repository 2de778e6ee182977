#!/usr/bin/python3
"""Seed stability and burn-in checks of the calibrated historical scenario (issue 11).

Reads two `pzsim evidence --format json` reports:
  MAIN    the calibrated scenario at many seeds (scripts/make-validation: 20), and
  BURNIN  the same scenario at the first seeds with a longer burn-in (run.burn_in_months
          doubled),
and writes a Markdown block between the STATIONARITY markers of a document (docs/validation.md):

* Seed stability, per evidence row measured at every seed: mean, sd across seeds, the 95%
  half-width of the mean relative to the mean, and a split-half check: the mean of the first
  half of the seeds against the second half (Welch z). With one distribution behind every seed
  (the model's randomness only), |z| > 2.58 happens by chance in about 1 row in 100.
* Outlying seeds: a seed whose value lies more than 3.5 sd (leave-one-out) from the other seeds'
  mean on any row. Several would say the seeds do not share one distribution (for example a
  run that locks into another state): the ergodicity question of an agent-based model whose
  path is not stationary (the zones and the timeline change every year), so no time average
  can stand in for the ensemble.
* Burn-in: every row at the standard burn-in against the doubled one, seed by seed (the same
  seeds; the runs are not paired draw by draw after the burn-in diverges, so the comparison is
  of means, Welch z). A burn-in long enough leaves the rows unchanged beyond seed noise.

Usage: stationarity.py MAIN.json BURNIN.json DOC BURNIN_MONTHS_MAIN BURNIN_MONTHS_LONG [NOTE]
Exit 0 when written (the checks' verdicts are in the text, not the exit code); 2 on bad input.
"""
import json
import math
import sys

from markers import MarkersMissing, replace_between_markers

BEGIN = "<!-- BEGIN STATIONARITY by scripts/make-validation: do not edit by hand -->"
END = "<!-- END STATIONARITY -->"
Z_SPLIT = 2.58      # two-sided 1% for the split-half and burn-in checks
Z_OUTLIER = 3.5     # leave-one-out distance that marks a seed as standing apart


def load(path):
    try:
        with open(path) as fh:
            report = json.load(fh)
    except (OSError, ValueError) as error:
        sys.exit(f"stationarity.py: cannot read {path}: {error}")
    if "rows" not in report or "seeds" not in report:
        sys.exit(f"stationarity.py: {path} is not a `pzsim evidence --format json` report")
    return report


def per_seed_rows(report):
    """{id: (row, [values])} for rows measured at every seed of the report."""
    n = len(report["seeds"])
    out = {}
    for row in report["rows"]:
        values = row.get("per_seed") if row.get("status") == "measured" else None
        if not values or len(values) != n or any(v is None or not math.isfinite(v) for v in values):
            continue
        out[row["id"]] = (row, [float(v) for v in values])
    return out


def mean_sd(values):
    n = len(values)
    m = sum(values) / n
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return m, sd


def welch_z(a, b):
    ma, sa = mean_sd(a)
    mb, sb = mean_sd(b)
    se = math.sqrt(sa * sa / len(a) + sb * sb / len(b))
    if se == 0.0:
        return 0.0 if ma == mb else math.inf
    return (ma - mb) / se


def fmt(x):
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    mag = abs(x)
    if mag >= 1e6 or mag < 1e-3:
        return f"{x:.3g}"
    if mag >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def stability(main):
    rows = per_seed_rows(main)
    order = sorted(range(len(main["seeds"])), key=lambda i: main["seeds"][i])  # halves by seed number
    seeds = [main["seeds"][i] for i in order]
    half = len(seeds) // 2
    table, flagged, outliers = [], [], []
    for rid, (row, unordered) in rows.items():
        values = [unordered[i] for i in order]
        m, sd = mean_sd(values)
        half_width = 1.96 * sd / math.sqrt(len(values))
        rel = half_width / abs(m) if m != 0 else math.inf
        z = welch_z(values[:half], values[half:])
        if abs(z) > Z_SPLIT:
            flagged.append(rid)
        for i, v in enumerate(values):
            rest = values[:i] + values[i + 1:]
            rm, rsd = mean_sd(rest)
            if rsd > 0 and abs(v - rm) / rsd > Z_OUTLIER:
                outliers.append((rid, seeds[i], (v - rm) / rsd))
        table.append((rid, row.get("unit", ""), m, sd, rel, z))
    return table, flagged, outliers, half


def burn_in(main, long):
    a = per_seed_rows(main)
    b = per_seed_rows(long)
    seeds_long = long["seeds"]
    index = {s: i for i, s in enumerate(main["seeds"])}
    missing = [s for s in seeds_long if s not in index]
    if missing:
        sys.exit(f"stationarity.py: burn-in seeds {missing} are not among the main run's seeds")
    table, flagged = [], []
    for rid, (row, long_values) in b.items():
        if rid not in a:
            continue
        short_values = [a[rid][1][index[s]] for s in seeds_long]
        ms, _ = mean_sd(short_values)
        ml, _ = mean_sd(long_values)
        z = welch_z(long_values, short_values)
        if abs(z) > Z_SPLIT:
            flagged.append(rid)
        table.append((rid, row.get("unit", ""), ms, ml, (ml / ms - 1.0) if ms != 0 else math.inf, z))
    return table, flagged


def outlier_text(outliers):
    """Grouped by seed, most rows first: a seed that stands apart on many rows at once is one
    draw (say, one giant firm agent), not many independent surprises."""
    if not outliers:
        return ""
    by_seed = {}
    for rid, seed, z in outliers:
        by_seed.setdefault(seed, []).append(f"{rid} {z:+.1f}")
    groups = sorted(by_seed.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return ", from " + str(len(groups)) + " seed(s): " + "; ".join(
        f"seed {seed} on {len(rows)} ({', '.join(rows)})" for seed, rows in groups)


def render(main, long, months_main, months_long, note):
    table, split_flagged, outliers, half = stability(main)
    burn, burn_flagged = burn_in(main, long)
    seeds = sorted(main["seeds"])
    long_seeds = sorted(long["seeds"])
    lines = [BEGIN, ""]
    if note:
        lines += [f"_{note}_", ""]
    lines += [
        f"**Seed stability** ({len(seeds)} seeds, {seeds[0]}-{seeds[-1]}; {len(table)} evidence rows measured "
        f"at every seed). Split half: seeds {seeds[0]}-{seeds[half - 1]} against {seeds[half]}-{seeds[-1]}, "
        f"Welch z; |z| > {Z_SPLIT} in **{len(split_flagged)} of {len(table)}** rows"
        + (f" ({', '.join(split_flagged)})" if split_flagged else "")
        + f" (about {0.01 * len(table):.1f} expected by chance). Rows on which one seed stands more than {Z_OUTLIER} sd "
        f"from the other seeds (leave-one-out): **{len(outliers)}**" + outlier_text(outliers) + ".",
        "",
        "| row | unit | mean | sd over seeds | 95% half-width / mean | split-half z |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for rid, unit, m, sd, rel, z in sorted(table):
        mark = " **!**" if abs(z) > Z_SPLIT else ""
        lines.append(f"| {rid} | {unit} | {fmt(m)} | {fmt(sd)} | {rel:.1%} | {z:+.2f}{mark} |")
    lines += [
        "",
        f"**Burn-in** ({months_main} months against {months_long}, {len(long_seeds)} seeds {long_seeds[0]}-{long_seeds[-1]}, "
        f"{len(burn)} rows): the means differ beyond seed noise (|z| > {Z_SPLIT}) in **{len(burn_flagged)} of "
        f"{len(burn)}** rows" + (f" ({', '.join(burn_flagged)})" if burn_flagged else "") + ".",
        "",
        f"| row | unit | mean, burn-in {months_main} | mean, burn-in {months_long} | change | z |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for rid, unit, ms, ml, change, z in sorted(burn):
        mark = " **!**" if abs(z) > Z_SPLIT else ""
        lines.append(f"| {rid} | {unit} | {fmt(ms)} | {fmt(ml)} | {change:+.1%} | {z:+.2f}{mark} |")
    lines += ["", END]
    return "\n".join(lines)


def main(argv):
    if len(argv) not in (6, 7):
        sys.exit("usage: stationarity.py MAIN.json BURNIN.json DOC BURNIN_MONTHS_MAIN BURNIN_MONTHS_LONG [NOTE]")
    main_report, long_report = load(argv[1]), load(argv[2])
    doc = argv[3]
    block = render(main_report, long_report, argv[4], argv[5], argv[6] if len(argv) == 7 else "")
    try:
        replace_between_markers(doc, BEGIN, END, block, "STATIONARITY")
    except OSError as error:
        sys.exit(f"stationarity.py: cannot rewrite {doc}: {error}")
    except MarkersMissing as error:
        sys.exit(f"stationarity.py: {error}")
    print(f"stationarity.py: {doc} updated")


if __name__ == "__main__":
    try:
        main(sys.argv)
    except SystemExit as e:
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
            sys.exit(2)
        raise
