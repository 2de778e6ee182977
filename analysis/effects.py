#!/usr/bin/python3
"""Effects of zones from a policy run and its counterfactual (same scenario and seed).

Usage: /usr/bin/python3 analysis/effects.py POLICY.h5 COUNTERFACTUAL.h5 [--plot OUT.png]

Prints, for zone cities (zone in the policy run at the end), the other cities and the whole
country, yearly exports (all channels and CBEC) and end-of-year employment in both runs and
their difference, in national units (sample totals divided by sample_fraction). The paired
difference is meaningful seed by seed because both runs draw the same counter-based random
numbers for the same (agent, month, purpose).
"""
import argparse
import sys

import xarray as xr


def yearly(ds, cities):
    scale = 1.0 / float(ds.attrs["sample_fraction"])
    year = ds["month"].str.slice(0, 4).values
    exports = ds["exports_usd"].sel(city=cities).sum(("city", "sector"))
    emp = ds["employment"].sel(city=cities).sum("city")
    out = xr.Dataset({
        "exports_bn": exports.sum("channel").groupby(xr.DataArray(year, dims="time", name="year")).sum() * scale * 1e-9,
        "cbec_bn": exports.sel(channel="cbec", drop=True).groupby(xr.DataArray(year, dims="time", name="year")).sum() * scale * 1e-9,
        "employment_k": emp.groupby(xr.DataArray(year, dims="time", name="year")).last() * scale * 1e-3,
    })
    return out.to_dataframe()


REQUIRED_VARIABLES = ("month", "exports_usd", "employment", "zone_active", "city")


def open_run(path):
    """Opens a pzsim result file, or exits with one line naming the file and the problem
    (missing, not HDF5, truncated, not a pzsim run) instead of a traceback."""
    try:
        ds = xr.open_dataset(path, engine="h5netcdf")
    except FileNotFoundError:
        sys.exit(f"effects.py: {path}: no such file")
    except Exception as error:  # h5py/h5netcdf raise OSError, ValueError and others for corrupt files
        sys.exit(f"effects.py: {path}: not a readable pzsim result file ({type(error).__name__}: {error})")
    missing = [name for name in REQUIRED_VARIABLES if name not in ds.variables]
    missing += [f"attribute {name}" for name in ("seed", "sample_fraction") if name not in ds.attrs]
    if missing:
        sys.exit(f"effects.py: {path}: not a pzsim result file (missing {', '.join(missing)})")
    try:  # read what is used now, so damaged data is reported here too, not deep in pandas
        return ds[["month", "exports_usd", "employment", "zone_active"]].load()
    except Exception as error:
        sys.exit(f"effects.py: {path}: damaged pzsim result file ({type(error).__name__}: {error})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("policy")
    parser.add_argument("counterfactual")
    parser.add_argument("--plot", help="write a PNG of CBEC exports by group")
    args = parser.parse_args()
    policy = open_run(args.policy)
    counterfactual = open_run(args.counterfactual)
    if policy.attrs["seed"] != counterfactual.attrs["seed"]:
        sys.exit("the two runs have different seeds; the paired difference would be seed noise")
    zone = policy["zone_active"].isel(time=-1).values.astype(bool)
    cities = policy["city"].values
    groups = {"zone cities": list(cities[zone]), "other cities": list(cities[~zone]), "national": list(cities)}
    frames = {}
    for name, members in groups.items():
        if not members:
            continue
        p, c = yearly(policy, members), yearly(counterfactual, members)
        table = p.join(c, lsuffix="_policy", rsuffix="_cf")
        for col in ("exports_bn", "cbec_bn", "employment_k"):
            table[col + "_effect"] = table[col + "_policy"] - table[col + "_cf"]
        frames[name] = table
        print(f"\n{name} ({len(members)}): exports and CBEC in USD bn a year, employment in thousands (national units)")
        print(table.round(2).to_string())
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for name, table in frames.items():
            if name == "national":
                continue
            ax.plot(table.index.astype(int), table["cbec_bn_policy"], label=f"{name}, zones")
            ax.plot(table.index.astype(int), table["cbec_bn_cf"], "--", label=f"{name}, no zones")
        ax.set_ylabel("CBEC exports, USD bn a year (national units)")
        ax.set_title("CBEC exports with and without pilot zones")
        ax.legend()
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        print(f"\nplot: {args.plot}")


if __name__ == "__main__":
    main()
