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
import datetime
import html
import json
import math
import os
import re
import signal
import subprocess
import sys

from report_plots import (EVENT_YEAR, cohort_event_year_plot, did_plot, event_study_plot, event_time_plot,
                          interval_plot, national_plot, np, xr, zone_plot)

# Everything in the report must come from DIR; a run file read fails with a message, not a plot.
MAX_BYTES = 5 * 1024 * 1024  # the report must stay small enough to mail


class BadInput(Exception):
    """Input the user can fix (exit 2)."""


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
# HTML (the plots are in report_plots.py)

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
    for heading, intro, plot, plot_title in plot_sections:  # not `title`: that is the page's
        sections.append(f"<h2>{heading}</h2>" + (f"<p>{intro}</p>" if intro else ""))
        for s in scenarios:
            pairs = pairs_by_scenario[s.get("name")]
            if pairs:
                sections.append(plot(pairs, plot_title(s.get("name"), len(pairs))))
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
