"""The plots of the HTML report (analysis/report.py): matplotlib (Agg) figures of a
comparison's runs and rows, each returned as an <img> element with the PNG embedded in base64,
so the page needs no other file. Also the Debian python3-* stack both modules use."""
import base64
import io
import re
import sys
import warnings

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
