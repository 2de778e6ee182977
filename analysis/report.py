#!/usr/bin/python3
"""One self-contained HTML report of a `pzsim compare -o DIR` folder.

Usage: /usr/bin/python3 analysis/report.py DIR [-o DIR/report.html] [--force] [--pzsim PATH]
(normally through `pzsim report DIR -o FILE`, which runs this script).

Reads DIR/comparison.json (the table with intervals across seeds) and the run files it lists
(DIR/runs/*.h5), and writes one HTML file with every plot embedded as a base64 PNG (matplotlib,
Agg): no external URL, no script, so it opens offline. With --pzsim it also runs
`pzsim did DIR --format json` and puts the DiD estimates beside the true effect.

Exit codes: 0 written; 2 bad input (DIR, comparison.json or a run file missing or malformed,
output exists without --force); 1 internal or I/O failure. The file is written under a
temporary name beside the output and renamed when complete.
"""
import argparse
import base64
import datetime
import html
import io
import json
import math
import os
import re
import signal
import subprocess
import sys
import warnings

# Everything in the report must come from DIR; a run file read fails with a message, not a plot.
MAX_BYTES = 5 * 1024 * 1024  # the report must stay small enough to mail


class BadInput(Exception):
    """Input the user can fix (exit 2)."""


def import_stack():
    """The Debian python3-* packages the report needs, with a message naming them if absent."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.dates
        import matplotlib.ticker
        import matplotlib.pyplot as plt
        import numpy as np
        import xarray as xr
    except ImportError as e:
        sys.stderr.write(f"report.py: {e}; install python3-matplotlib python3-xarray python3-h5netcdf "
                         "python3-numpy (scripts/deps --with-python)\n")
        sys.exit(1)
    return matplotlib, plt, np, xr


matplotlib, plt, np, xr = import_stack()

# ---------------------------------------------------------------------------------------------
# Reading the comparison folder


def load_comparison(directory):
    if not os.path.isdir(directory):
        raise BadInput(f"{directory}: not a folder (expected the output folder of `pzsim compare -o DIR`)")
    path = os.path.join(directory, "comparison.json")
    if not os.path.isfile(path):
        raise BadInput(f"{path}: not found (write it with `pzsim compare ... -o {directory}`)")
    try:
        with open(path, encoding="utf-8") as f:
            comparison = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: not valid JSON: {e}")
    for key in ("scenarios", "rows", "runs", "seeds"):
        if not isinstance(comparison, dict) or key not in comparison:
            raise BadInput(f"{path}: no '{key}' (not a pzsim comparison.json)")
    return comparison


class Run:
    """The monthly series of one run file the report plots, in national units."""

    def __init__(self, path):
        try:
            ds = xr.open_dataset(path, engine="h5netcdf")
        except (OSError, ValueError) as e:
            raise BadInput(f"{path}: cannot be read as a pzsim result file: {e}")
        with ds:
            try:
                to_national = 1.0 / float(ds.attrs["sample_fraction"])
                self.seed = int(ds.attrs["seed"])
                self.git_commit = str(ds.attrs.get("git_commit", ""))
                self.version = str(ds.attrs.get("pzsim_version", ""))
                self.months = [str(m) for m in ds["month"].values]
                self.cities = [str(c) for c in ds["city"].values]
                # (time, city) arrays, national units
                self.cbec = ds["exports_usd"].sel(channel="cbec").sum("sector").values * to_national
                self.cbec_recorded = ds["exports_cbec_recorded_usd"].values * to_national
                self.employment = ds["employment"].values * to_national
                self.zone_active = ds["zone_active"].values.astype(bool)
            except KeyError as e:
                raise BadInput(f"{path}: missing {e} (not a pzsim result file)")

    def approval_index(self):
        """Per city, the index of its first zone month, -1 if it never becomes a zone."""
        return np.where(self.zone_active.any(axis=0), self.zone_active.argmax(axis=0), -1)


def pair_runs(directory, comparison, scenario):
    """(policy, counterfactual) Run pairs of a scenario, paired by seed."""
    name, cf_label = scenario.get("name"), scenario.get("counterfactual")
    policy, counterfactual = {}, {}
    for run in comparison["runs"]:
        seed, role, file = run.get("seed"), run.get("role"), run.get("file") or ""
        if not file:
            raise BadInput(f"comparison.json: run {run} has no file (compare was run without -o DIR?)")
        if role == "policy" and run.get("scenario") == name:
            policy[seed] = file
        # A counterfactual shared by several scenarios is listed under its label, under each
        # scenario or under none; its file name starts with the label in every case.
        elif role == "counterfactual" and (run.get("scenario") in (name, cf_label) or run.get("label") == cf_label or
                                           (cf_label and os.path.basename(file).startswith(cf_label + "-s"))):
            counterfactual[seed] = file
    pairs = []
    for seed in sorted(policy, key=lambda s: (s is None, s)):
        if seed not in counterfactual:
            raise BadInput(f"comparison.json: scenario {name} seed {seed} has a policy run and no counterfactual run")
        files = [os.path.join(directory, policy[seed]), os.path.join(directory, counterfactual[seed])]
        for f in files:
            if not os.path.isfile(f):
                raise BadInput(f"{f}: listed in comparison.json but not found")
        pol, cf = Run(files[0]), Run(files[1])
        if pol.cities != cf.cities or pol.months != cf.months:
            raise BadInput(f"{files[0]} and {files[1]}: different cities or months; not a policy/counterfactual pair")
        pairs.append((pol, cf))
    return pairs


# ---------------------------------------------------------------------------------------------
# Plots (PNG, base64 in the page)


def png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    return '<img alt="plot" src="data:image/png;base64,' + base64.b64encode(buffer.getvalue()).decode("ascii") + '">'


def warnings_quiet(function):
    """Runs function without numpy's warnings: a cohort year whose counterfactual is 0 is NaN
    on purpose, and nanmean/nanmin over it warn."""
    def quiet(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return function(*args, **kwargs)
    return quiet


def month_axis(months):
    return np.array([np.datetime64(m + "-01") for m in months])


def date_ticks(ax):
    locator = matplotlib.dates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator))


def band(ax, x, series, label, color, style="-"):
    """Mean over seeds as a line, the range over seeds (min to max) as a band."""
    series = np.asarray(series)
    ax.plot(x, series.mean(axis=0), style, color=color, label=label, linewidth=1.4)
    if series.shape[0] > 1:
        ax.fill_between(x, series.min(axis=0), series.max(axis=0), color=color, alpha=0.2, linewidth=0)


def national_plot(pairs, title):
    x = month_axis(pairs[0][0].months)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    panels = [("cbec", 1e-9, "CBEC exports, real channel\n(USD bn a month)"),
              ("cbec_recorded", 1e-9, "CBEC exports as recorded by customs\n(USD bn a month; definition break 2020-07)"),
              ("employment", 1e-6, "employment (million)")]
    for ax, (attr, scale, ylabel) in zip(axes, panels):
        band(ax, x, [getattr(p, attr).sum(axis=1) * scale for p, _ in pairs], "with zones", "tab:red")
        band(ax, x, [getattr(c, attr).sum(axis=1) * scale for _, c in pairs], "counterfactual (no zones)", "tab:blue", "--")
        ax.set_title(ylabel, fontsize=9)
        ax.tick_params(labelsize=8)
        date_ticks(ax)
        if attr == "cbec_recorded" and x[0] <= np.datetime64("2020-07-01") <= x[-1]:
            ax.axvline(np.datetime64("2020-07-01"), color="grey", linewidth=0.8, linestyle=":")
    axes[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return png(fig)


def zone_groups(pairs):
    """Cities that are zones at some month of the policy run (same in every seed), and the rest."""
    zone = pairs[0][0].zone_active.any(axis=0)
    return zone, ~zone


def zone_plot(pairs, title):
    x = month_axis(pairs[0][0].months)
    zone, other = zone_groups(pairs)
    fig, axes = plt.subplots(1, 2, figsize=(13, 3.6))
    for ax, (attr, scale, ylabel) in zip(axes, [("cbec", 1e-9, "effect on CBEC exports (USD bn a month)"),
                                                ("employment", 1e-3, "effect on employment (thousand)")]):
        for mask, label, color in [(zone, f"zone cities ({int(zone.sum())})", "tab:red"),
                                   (other, f"other cities ({int(other.sum())})", "tab:green")]:
            if mask.any():
                band(ax, x, [(getattr(p, attr)[:, mask] - getattr(c, attr)[:, mask]).sum(axis=1) * scale
                             for p, c in pairs], label, color)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_title(ylabel + ": policy minus counterfactual", fontsize=9)
        ax.tick_params(labelsize=8)
        date_ticks(ax)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return png(fig)


def event_time_effects(pairs, attr):
    """Per cohort (approval month) and seed, the effect of the zones on the cohort's cities in
    each year from approval, in percent of the counterfactual: {cohort: array (seeds, years)}."""
    approval = pairs[0][0].approval_index()
    months = pairs[0][0].months
    n_months = len(months)
    out = {}
    for start in sorted(set(approval[approval >= 0].tolist())):
        cities = approval == start
        years = (n_months - start) // 12
        if years == 0:
            continue
        per_seed = []
        for p, c in pairs:
            treated = getattr(p, attr)[start:start + 12 * years, cities].sum(axis=1).reshape(years, 12).sum(axis=1)
            untreated = getattr(c, attr)[start:start + 12 * years, cities].sum(axis=1).reshape(years, 12).sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                per_seed.append(np.where(untreated > 0, 100.0 * (treated / untreated - 1.0), np.nan))
        out[months[start]] = (np.array(per_seed), int(cities.sum()))
    return out


@warnings_quiet
def event_time_plot(pairs, title):
    fig, axes = plt.subplots(1, 2, figsize=(13, 3.6))
    any_cohort = False
    for ax, (attr, ylabel) in zip(axes, [("cbec", "CBEC exports"), ("employment", "employment")]):
        for i, (cohort, (effects, n)) in enumerate(event_time_effects(pairs, attr).items()):
            any_cohort = True
            years = np.arange(effects.shape[1])
            color = plt.cm.tab10(i % 10)
            ax.plot(years, np.nanmean(effects, axis=0), "o-", color=color, label=f"cohort {cohort} ({n} cities)", markersize=3)
            if effects.shape[0] > 1:
                ax.fill_between(years, np.nanmin(effects, axis=0), np.nanmax(effects, axis=0), color=color, alpha=0.2, linewidth=0)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.set_xlabel("years since approval (year 0 = the 12 months from approval)", fontsize=8)
        ax.set_title(f"effect on the cohort's {ylabel}, % of counterfactual", fontsize=9)
        ax.tick_params(labelsize=8)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return png(fig) if any_cohort else "<p>No city becomes a zone inside the run: no event-time effects.</p>"


def axis_scale(unit):
    """(divisor, axis label) that keep a unit's numbers short."""
    if unit == "USD":
        return 1e9, "USD bn"
    if unit in ("jobs", "firms", "job-years"):
        return 1e3, f"thousand {unit}"
    return 1.0, unit


def interval_plot(rows, label_of, title, unit):
    """Horizontal effect estimates with their intervals, one line per row."""
    divisor, xlabel = axis_scale(unit)
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(rows) + 1.2))
    y = np.arange(len(rows))[::-1]
    for yi, row in zip(y, rows):
        mean, lo, hi = row.get("effect_mean"), row.get("effect_lo"), row.get("effect_hi")
        if mean is None:
            continue
        if lo is not None and hi is not None:
            ax.plot([lo / divisor, hi / divisor], [yi, yi], color="tab:blue")
        ax.plot([mean / divisor], [yi], "o", color="tab:blue", markersize=4)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_yticks(y)
    ax.set_yticklabels([label_of(r) for r in rows], fontsize=8)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    return png(fig)


def did_plot(did_rows, outcome):
    """Estimates with their intervals for one outcome; the true ATT as a vertical line."""
    rows = [r for r in did_rows if r.get("outcome") == outcome and r.get("event_time") is None]
    if not rows:
        return ""
    truth = [r["estimate"] for r in rows if r.get("estimator") == "true_att" and r.get("estimate") is not None]
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(rows) + 1.3))
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows):
        if r.get("estimate") is None:
            continue
        color = "black" if r.get("estimator") == "true_att" else "tab:purple"
        if r.get("lo") is not None and r.get("hi") is not None:
            ax.plot([r["lo"], r["hi"]], [yi, yi], color=color)
        ax.plot([r["estimate"]], [yi], "o", color=color, markersize=4)
    for t in truth:
        ax.axvline(t, color="black", linestyle="--", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([r.get("estimator", "?") for r in rows], fontsize=8)
    ax.set_xlabel(rows[0].get("scale", ""), fontsize=8)
    ax.set_title(f"{outcome}: estimates (95% interval) and the true ATT (dashed)", fontsize=9)
    fig.tight_layout()
    return png(fig)


# ---------------------------------------------------------------------------------------------
# HTML

def esc(value):
    return html.escape("" if value is None else str(value))


def number(value, unit=""):
    """Readable number: 3 significant figures with k/m/bn for large values."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return esc(value)
    magnitude = abs(value)
    for limit, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if magnitude >= limit:
            scaled = value / limit
            return (f"{scaled:,.0f}" if abs(scaled) >= 100 else f"{scaled:.3g}") + suffix
    return f"{value:.3g}" if magnitude >= 1e-3 or value == 0 else f"{value:.2e}"


HEADLINE_ESTIMANDS = ("national", "direct", "spillover")
TABLE_HEAD = ("<tr><th>estimand</th><th>metric</th><th>unit</th><th>policy</th><th>counterfactual</th>"
              "<th>effect</th><th>95% interval</th><th>effect %</th><th>n</th><th>0 in interval</th><th>note</th></tr>")


def table_row(row):
    pct = row.get("effect_pct_mean")
    zero = row.get("contains_zero")
    lo, hi = row.get("effect_lo"), row.get("effect_hi")
    interval = f"[{number(lo)}, {number(hi)}]" if lo is not None and hi is not None else "n/a"
    css = "comparison-row" + ("" if zero else " significant")
    return (f'<tr class="{css}"><td>{esc(row.get("estimand"))}</td><td>{esc(row.get("metric"))}</td>'
            f'<td>{esc(row.get("unit"))}</td><td class="num">{number(row.get("policy_mean"))}</td>'
            f'<td class="num">{number(row.get("counterfactual_mean"))}</td>'
            f'<td class="num">{number(row.get("effect_mean"))}</td><td class="num">{interval}</td>'
            f'<td class="num">{"n/a" if pct is None else f"{pct:+.2f}%"}</td><td class="num">{esc(row.get("n"))}</td>'
            f'<td>{"yes" if zero else ("no" if zero is not None else "n/a")}</td><td>{esc(row.get("note"))}</td></tr>')


def comparison_tables(comparison):
    parts = []
    names = [s.get("name") for s in comparison["scenarios"]]
    names += sorted({r.get("scenario") for r in comparison["rows"]} - set(names), key=str)
    for name in names:
        rows = [r for r in comparison["rows"] if r.get("scenario") == name]
        if not rows:
            continue
        headline = [r for r in rows if r.get("estimand") in HEADLINE_ESTIMANDS]
        others = [r for r in rows if r.get("estimand") not in HEADLINE_ESTIMANDS]
        parts.append(f"<h3>{esc(name)}</h3>")
        parts.append('<table class="comparison">' + TABLE_HEAD + "".join(table_row(r) for r in headline) + "</table>")
        if others:
            parts.append(f"<details><summary>{len(others)} more rows: regions, coastal/inland, cohorts, "
                         "decomposition</summary>")
            parts.append('<table class="comparison">' + TABLE_HEAD + "".join(table_row(r) for r in others) + "</table></details>")
    if not parts:
        return "<p>comparison.json has no rows.</p>"
    return '<div id="comparison-table">' + "".join(parts) + "</div>"


GLANCE_METRICS = ("net_jobs_end", "exports_usd", "exports_cbec_usd")


def glance_section(comparison):
    """Forest plots: the headline metrics' effects with intervals, per scenario and estimand."""
    parts = []
    for metric in GLANCE_METRICS:
        rows = [r for r in comparison["rows"] if r.get("metric") == metric and r.get("estimand") in HEADLINE_ESTIMANDS]
        if rows:
            parts.append(interval_plot(rows, lambda r: f"{r.get('scenario')}: {r.get('estimand')}",
                                       f"effect on {metric}: mean over seeds and 95% interval", rows[0].get("unit", "")))
    return "".join(parts)


EVENT_YEAR = re.compile(r"^(?P<metric>.+)_event_year_(?P<k>\d+)$")


def cohort_event_year_plot(rows, scenario):
    """Rows cohort:<batch> x <metric>_event_year_<k>: the batch's own effect by year since approval."""
    by_cohort = {}
    for r in rows:
        match = EVENT_YEAR.match(str(r.get("metric", "")))
        if match and r.get("effect_mean") is not None:
            by_cohort.setdefault(str(r["estimand"])[len("cohort:"):], []).append((int(match["k"]), r))
    if not by_cohort:
        return ""
    metric = EVENT_YEAR.match(rows[0]["metric"])["metric"] if EVENT_YEAR.match(str(rows[0].get("metric", ""))) else ""
    divisor, label = axis_scale(next(iter(by_cohort.values()))[0][1].get("unit", ""))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    for i, (cohort, points) in enumerate(sorted(by_cohort.items())):
        points.sort(key=lambda p: p[0])
        k = np.array([p[0] for p in points], dtype=float) + 0.05 * i
        y = np.array([p[1]["effect_mean"] for p in points]) / divisor
        lo = np.array([p[1]["effect_lo"] if p[1].get("effect_lo") is not None else p[1]["effect_mean"] for p in points]) / divisor
        hi = np.array([p[1]["effect_hi"] if p[1].get("effect_hi") is not None else p[1]["effect_mean"] for p in points]) / divisor
        ax.errorbar(k, y, yerr=[y - lo, hi - y], fmt="o-", color=plt.cm.tab10(i % 10), label=f"batch {cohort}",
                    markersize=3, linewidth=1, capsize=2)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel("years since approval (year 0 = the 12 months from approval)", fontsize=8)
    ax.set_ylabel(label, fontsize=8)
    ax.set_title(f"{scenario}: effect of each batch on its own cities' {metric or 'outcome'} "
                 "(full rollout minus the rollout without the batch), 95% intervals", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return png(fig)


def cohort_rows_section(comparison):
    """Leave-one-batch-out rows (estimand cohort:*): event-year effects of each batch on its own
    cities, and each batch's national contribution, per scenario."""
    rows = [r for r in comparison["rows"] if str(r.get("estimand", "")).startswith("cohort:")]
    if not rows:
        return ""
    parts = ["<p>Rows <code>cohort:&lt;batch&gt;</code> of comparison.json: the full rollout against the rollout "
             "without that batch, mean over seeds with the 95% interval.</p>"]
    for scenario in sorted({r.get("scenario") for r in rows}, key=str):
        mine = [r for r in rows if r.get("scenario") == scenario]
        parts.append(cohort_event_year_plot([r for r in mine if EVENT_YEAR.match(str(r.get("metric", "")))], scenario))
        metrics = [m for m in ("net_jobs_end", "exports_cbec_usd") if any(r.get("metric") == m for r in mine)]
        if not metrics:  # other metrics only: show the first that is not an event-year row
            metrics = [r.get("metric") for r in mine if not EVENT_YEAR.match(str(r.get("metric", "")))][:1]
        for metric in metrics:
            selected = [r for r in mine if r.get("metric") == metric]
            parts.append(interval_plot(selected, lambda r: str(r["estimand"])[len("cohort:"):],
                                       f"{scenario}: {metric}, national contribution of each batch", selected[0].get("unit", "")))
    return "".join(parts)


def decomposition_section(comparison):
    """Rows decomposition:<part>: the zone-city gain split into its parts, per scenario and metric."""
    rows = [r for r in comparison["rows"] if str(r.get("estimand", "")).startswith("decomposition:")]
    parts = []
    for scenario in sorted({r.get("scenario") for r in rows}, key=str):
        for metric in dict.fromkeys(r.get("metric") for r in rows if r.get("scenario") == scenario):
            selected = [r for r in rows if r.get("scenario") == scenario and r.get("metric") == metric]
            parts.append(interval_plot(selected, lambda r: str(r["estimand"])[len("decomposition:"):],
                                       f"{scenario}: parts of the zone cities' gain in {metric}", selected[0].get("unit", "")))
    if not parts:
        return ""
    return ("<h2>Decomposition of the zone-city gain</h2><p>Rows <code>decomposition:&lt;part&gt;</code> of "
            "comparison.json (docs/compare.md gives the method): mean over seeds with the 95% interval.</p>" + "".join(parts))


def run_did(pzsim, directory, scenario_names):
    """(results, note): per scenario (name, the JSON of `pzsim did DIR --format json`, or None
    and why not); or no results and why DiD is not available at all."""
    if not pzsim:
        return [], "not run: no pzsim executable was given (--pzsim)."
    try:
        probe = subprocess.run([pzsim, "did", "--help"], capture_output=True, text=True, timeout=60)
    except OSError as e:
        return [], f"not available: cannot run {esc(pzsim)}: {esc(e)}."
    # Without the subcommand, `pzsim did --help` prints the program's help (exit 0), not did's.
    if probe.returncode != 0 or not re.search(r"^Usage: \S+ did\b", probe.stdout, re.MULTILINE):
        return [], "not available: this pzsim has no <code>did</code> subcommand."
    # `pzsim did DIR` takes the first scenario; --scenario, where it exists, picks the others.
    targets = scenario_names if "--scenario" in probe.stdout else scenario_names[:1]
    results = []
    for name in targets:
        command = [pzsim, "did", directory, "--format", "json"] + (["--scenario", name] if len(targets) > 1 else [])
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=1200)
        except subprocess.TimeoutExpired:
            results.append((name, None, "<code>pzsim did</code> did not finish within 20 minutes."))
            continue
        if result.returncode != 0:
            results.append((name, None, f"<code>pzsim did</code> failed (exit {result.returncode}): "
                                        f"<pre>{esc(result.stderr[-2000:])}</pre>"))
            continue
        try:
            report = json.loads(result.stdout)
            report["rows"] = list(report["rows"])
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            results.append((name, None, f"<code>pzsim did</code> printed no readable JSON ({esc(e)})."))
            continue
        results.append((report.get("scenario") or name, report, ""))
    return results, ""


def event_study_plot(rows, outcome, unit_time):
    """Estimates by event time for one outcome, one line per estimator; the truth in black."""
    rows = [r for r in rows if r.get("outcome") == outcome and r.get("event_time") is not None and r.get("estimate") is not None]
    if not rows:
        return ""
    estimators = list(dict.fromkeys(r.get("estimator") for r in rows))
    fig, ax = plt.subplots(figsize=(9, 3.4))
    for i, estimator in enumerate(estimators):
        selected = sorted((r for r in rows if r.get("estimator") == estimator), key=lambda r: r["event_time"])
        x = np.array([r["event_time"] for r in selected], dtype=float) + 0.06 * (i - (len(estimators) - 1) / 2)
        y = np.array([r["estimate"] for r in selected])
        truth = estimator == "true_att"
        lo = np.array([r["lo"] if r.get("lo") is not None else r["estimate"] for r in selected])
        hi = np.array([r["hi"] if r.get("hi") is not None else r["estimate"] for r in selected])
        ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o-" if truth else "o--", color="black" if truth else plt.cm.tab10(i % 10),
                    label=estimator, markersize=3, linewidth=1.6 if truth else 0.9, capsize=2)
    ax.axhline(0, color="grey", linewidth=0.6)
    ax.axvline(-0.5, color="grey", linewidth=0.6, linestyle=":")
    ax.set_xlabel(f"event time ({unit_time or 'periods'} relative to approval)", fontsize=8)
    ax.set_ylabel(rows[0].get("scale", ""), fontsize=8)
    ax.set_title(f"{outcome}: event study, estimates with 95% intervals, true effect in black", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return png(fig)


def did_section(results, note):
    if note:
        return f'<p class="note">DiD estimates: {note}</p>'
    head = ("<tr><th>outcome</th><th>estimator</th><th>event time</th><th>estimate</th><th>s.e.</th>"
            "<th>95% interval</th><th>scale</th><th>cities</th><th>periods</th></tr>")
    parts = ["<p>The estimators of the empirical papers run on the simulated city panel, beside the true effect "
             "(<code>true_att</code>: policy minus counterfactual on the treated). The gap is how far the published "
             "design would be off in this model world.</p>"]
    for name, report, failure in results:
        parts.append(f"<h3>{esc(name)}</h3>")
        if report is None:
            parts.append(f'<p class="note">{failure}</p>')
            continue
        rows, unit_time = report["rows"], report.get("unit_time", "")
        parts.extend(f'<p class="note">{esc(n)}</p>' for n in report.get("notes") or [])
        outcomes = list(dict.fromkeys(r.get("outcome") for r in rows))
        parts.extend(did_plot(rows, outcome) + event_study_plot(rows, outcome, unit_time) for outcome in outcomes)
        body = "".join(
            f'<tr class="did-row{" truth" if r.get("estimator") == "true_att" else ""}"><td>{esc(r.get("outcome"))}</td>'
            f'<td>{esc(r.get("estimator"))}</td><td>{esc(r.get("event_time"))}</td><td class="num">{number(r.get("estimate"))}</td>'
            f'<td class="num">{number(r.get("se"))}</td><td class="num">[{number(r.get("lo"))}, {number(r.get("hi"))}]</td>'
            f'<td>{esc(r.get("scale"))}</td><td class="num">{esc(r.get("n_cities"))}</td><td class="num">{esc(r.get("n_periods"))}</td></tr>'
            for r in rows)
        parts.append(f"<details><summary>all {len(rows)} DiD rows (event time in {esc(unit_time)})</summary>"
                     f'<table class="did-table">{head}{body}</table></details>')
    return '<div id="did">' + "".join(parts) + "</div>"


CSS = """
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; font-size: 14px; }
h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.8em; } h3 { margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
th { background: #eee; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.significant td { background: #f3f8ff; } tr.truth td { font-weight: bold; }
img { max-width: 100%; } .note { background: #fff6e0; padding: 0.5em; border-left: 4px solid #e0a000; }
code { background: #f4f4f4; padding: 0 2px; }
"""


def scenario_table(comparison, pairs_by_scenario):
    head = ("<tr><th>scenario</th><th>file</th><th>months</th><th>cities</th><th>zone cities</th>"
            "<th>zone cities (approval month)</th><th>counterfactual</th><th>seeds</th></tr>")
    body = []
    for s in comparison["scenarios"]:
        pairs = pairs_by_scenario.get(s.get("name"), [])
        names = ""
        if pairs:
            p = pairs[0][0]
            approval = p.approval_index()
            listed = [f"{c} ({p.months[a]})" for c, a in zip(p.cities, approval) if a >= 0]
            names = ", ".join(listed[:40]) + (f", ... ({len(listed) - 40} more)" if len(listed) > 40 else "")
        cities = s.get("cities") or comparison.get("cities") or {}
        months = f'{p.months[0]} to {p.months[-1]}' if pairs else f'{s.get("start", "?")} to {s.get("end", "?")}'
        body.append(f'<tr class="scenario-row"><td>{esc(s.get("name"))}<br><small>{esc(s.get("description"))}</small></td>'
                    f'<td><code>{esc(s.get("path"))}</code></td><td>{esc(months)}</td>'
                    f'<td>{esc(cities.get("total", "?"))} ({esc(cities.get("real", "?"))} real, '
                    f'{esc(cities.get("synthetic", "?"))} synthetic)</td>'
                    f'<td class="num">{esc(s.get("zone_cities"))}</td><td>{esc(names)}</td>'
                    f'<td>{esc(s.get("counterfactual"))}</td><td>{esc(", ".join(str(p[0].seed) for p in pairs))}</td></tr>')
    return '<table id="scenarios">' + head + "".join(body) + "</table>"


def caveats(comparison):
    calibrated = comparison.get("calibrated") is True
    cities = comparison.get("cities") or {}
    synthetic = cities.get("synthetic")
    items = []
    if calibrated:
        items.append("comparison.json marks the parameters as calibrated.")
    else:
        items.append("<b>Uncalibrated.</b> The parameters are priors from the literature, not calibrated to China's "
                     "data: the effects show the model's mechanism and its orders of magnitude, not a measured answer.")
    if synthetic:
        items.append(f"<b>Synthetic cities.</b> {esc(synthetic)} of the {esc(cities.get('total'))} cities are synthetic "
                     "(drawn attributes, no real counterpart); results for them, and sums over them, describe the model world.")
    elif synthetic is None:
        items.append("comparison.json does not say how many cities are synthetic.")
    items.append("<b>Recorded CBEC changes definition in 2020-07.</b> The customs codes 9710 and 9810 start then, and part "
                 "of general trade is relabelled as CBEC: recorded CBEC exports jump without any real change in how goods "
                 "travel. Compare real-channel CBEC across that month, not recorded CBEC.")
    items.append(f"<b>What the intervals mean.</b> {esc(comparison.get('interval', 'the interval named in comparison.json'))} "
                 f"across {len(comparison.get('seeds', []))} seeds: each seed runs the policy and its counterfactual with the "
                 "same random numbers, and the interval is for the mean effect over seeds. It measures the model's own "
                 "randomness only; it says nothing about uncertainty in the parameters or in the model's structure. "
                 "Bands in the plots are the range (minimum to maximum) over seeds.")
    items.append("Money is in national USD (sample totals divided by <code>scale.sample_fraction</code>), jobs in persons.")
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def build_html(directory, comparison, pzsim):
    scenarios = comparison["scenarios"]
    pairs_by_scenario = {}
    for s in scenarios:
        pairs_by_scenario[s.get("name")] = pair_runs(directory, comparison, s)
    all_runs = [r for pairs in pairs_by_scenario.values() for pair in pairs for r in pair]
    commits = sorted({r.git_commit for r in all_runs if r.git_commit})
    versions = sorted({r.version for r in all_runs if r.version})
    calibrated = comparison.get("calibrated") is True
    cities = comparison.get("cities") or {}
    title = "pzsim report: " + ", ".join(str(s.get("name")) for s in scenarios)

    sections = [f"<h1>{esc(title)}</h1>",
                f'<p><b>Parameters: {"calibrated" if calibrated else "uncalibrated priors"}.</b> '
                f'Cities: {esc(cities.get("total", "?"))} ({esc(cities.get("real", "?"))} real, '
                f'{esc(cities.get("synthetic", "?"))} synthetic). Seeds: {esc(", ".join(map(str, comparison["seeds"])))}. '
                f'Intervals: {esc(comparison.get("interval", "?"))}.</p>',
                "<h2>Scenarios</h2>", scenario_table(comparison, pairs_by_scenario),
                "<h2>Comparison with intervals</h2>",
                "<p>Mean over seeds of policy, counterfactual and their difference (the effect), with the 95% interval "
                "of the mean effect across seeds. Shaded rows: the interval excludes 0.</p>",
                glance_section(comparison), comparison_tables(comparison)]

    plot_sections = [
        ("National monthly series: policy against counterfactual", "", national_plot,
         lambda name, n: f"{name}: national, mean over {n} seeds, band = range over seeds"),
        ("Zone cities against other cities",
         "Zone cities: cities approved inside the run in the policy scenario. The effect on the other cities is the "
         "spillover (business stealing, relocation, labour crowding out).", zone_plot,
         lambda name, n: f"{name}: effect by group, mean over {n} seeds, band = range over seeds"),
        ("Cohort event-time effects",
         "From the run files: for each approval cohort, the effect on its own cities in each year from approval, in "
         "percent of the counterfactual (mean over seeds, band = range).", event_time_plot,
         lambda name, n: f"{name}: effect by years since approval, {n} seeds"),
    ]
    for heading, intro, plot, title in plot_sections:
        sections.append(f"<h2>{heading}</h2>" + (f"<p>{intro}</p>" if intro else ""))
        for s in scenarios:
            pairs = pairs_by_scenario[s.get("name")]
            if pairs:
                sections.append(plot(pairs, title(s.get("name"), len(pairs))))
    sections.append(cohort_rows_section(comparison))
    sections.append(decomposition_section(comparison))

    sections.append("<h2>Difference-in-differences on the simulated panel</h2>")
    sections.append(did_section(*run_did(pzsim, directory, [s.get("name") for s in scenarios])))

    sections.append("<h2>Caveats</h2>" + caveats(comparison))
    run_list = "".join(f"<li><code>{esc(r.get('file'))}</code>: {esc(r.get('scenario'))}, {esc(r.get('role'))}, "
                       f"seed {esc(r.get('seed'))}</li>" for r in comparison["runs"])
    sections.append(
        "<h2>Provenance</h2><ul>"
        f"<li>pzsim version: {esc(comparison.get('pzsim_version') or ', '.join(versions))}</li>"
        f"<li>git commit (comparison): <code>{esc(comparison.get('git_commit'))}</code>; "
        f"of the run files: <code>{esc(', '.join(commits))}</code></li>"
        f"<li>comparison created: {esc(comparison.get('created_utc'))}; report created: "
        f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}</li>"
        f"<li>seeds: {esc(', '.join(map(str, comparison['seeds'])))}</li>"
        f"<li>folder: <code>{esc(os.path.abspath(directory))}</code></li></ul>"
        f"<details><summary>{len(comparison['runs'])} run files</summary><ul>{run_list}</ul></details>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) +
            "</title><style>" + CSS + "</style></head><body>\n" + "\n".join(sections) + "\n</body></html>\n")


def write_atomically(path, text, force):
    if os.path.exists(path) and not force:
        raise BadInput(f"{path} exists (use --force to overwrite)")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OSError(f"{folder}: no such folder")
    data = text.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise RuntimeError(f"the report would be {len(data)} bytes, more than the {MAX_BYTES} allowed")
    temporary = f"{path}.tmp-{os.getpid()}"
    try:
        with open(temporary, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", help="output folder of `pzsim compare -o DIR` (comparison.json, runs/)")
    parser.add_argument("-o", "--output", help="HTML file to write (default DIR/report.html)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output file")
    parser.add_argument("--pzsim", help="pzsim executable, to add `pzsim did DIR --format json`")
    args = parser.parse_args()
    output = args.output or os.path.join(args.dir, "report.html")
    # SIGTERM (e.g. forwarded by `pzsim report`) unwinds like Ctrl-C, so no temporary file stays.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        comparison = load_comparison(args.dir)
        if os.path.exists(output) and not args.force:
            raise BadInput(f"{output} exists (use --force to overwrite)")
        size = write_atomically(output, build_html(args.dir, comparison, args.pzsim), args.force)
    except BadInput as e:
        sys.stderr.write(f"pzsim report: error: {e}\n")
        return 2
    except OSError as e:
        sys.stderr.write(f"pzsim report: I/O error: {e}\n")
        return 1
    print(f"pzsim report: {output} ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
