#!/usr/bin/python3
"""The output of `pzsim run` read the way users read it: xarray (h5netcdf engine) and pandas.

Usage: /usr/bin/python3 tests/io/test_output_xarray.py <path-to-pzsim> <source-dir>

Runs a small scenario in a temporary folder, then checks without any warning from xarray:
dimensions and their sizes (from `pzsim validate --print`), the month/province/macro_region/
coastal/synthetic coordinates, time decoding, the documented variables with their dimensions, `units`
and `long_name` on every data variable, the root attributes, the scenario_yaml round trip
through `pzsim validate --print`, conversion to a pandas DataFrame, and that docs/outputs.md
mentions every variable of the file.
"""
import os
import re
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pandas as pd
import xarray as xr
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks, fail  # noqa: E402

EXPECTED_VARIABLES = {
    "exports_usd": ("time", "city", "sector", "channel"),
    "exporters": ("time", "city", "channel"),
    "products_listed": ("time", "city"),
    "employment": ("time", "city"),
    "jobs_created": ("time", "city"),
    "jobs_destroyed": ("time", "city"),
    "firm_births": ("time", "city"),
    "firm_deaths": ("time", "city"),
    "relocations_in": ("time", "city"),
    "relocations_out": ("time", "city"),
    "zone_active": ("time", "city"),
    "fiscal_cost_usd": ("time", "city"),
    "cbec_imports_usd": ("time", "city"),
    "consumers_adopted": ("time", "destination"),
    "purchases": ("time", "destination"),
}
ROOT_ATTRIBUTES = ["pzsim_version", "git_commit", "scenario_yaml", "scenario_path", "seed", "created_utc",
                   "wall_seconds", "Conventions"]
CHANNELS = ["general", "cbec"]

check = Checks()


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)


def months_from(start, count):
    year, month = map(int, start.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def main():
    if len(sys.argv) != 3:
        fail("usage: /usr/bin/python3 test_output_xarray.py <path-to-pzsim> <source-dir>")
    pzsim = os.path.abspath(sys.argv[1])
    source = os.path.abspath(sys.argv[2])
    default = os.path.join(source, "scenarios", "default.yaml")
    if not os.path.isfile(default):
        fail(f"{default} not found")

    with tempfile.TemporaryDirectory() as tmp:
        scenario = os.path.join(tmp, "small.yaml")
        with open(scenario, "w") as f:
            f.write(f"extends: {default}\n"
                    "run: {start: 2015-01, months: 24, burn_in_months: 6}\n"
                    "firms: {count: 1500}\n"
                    "consumers: {agents_per_destination: 2000}\n")
        output = os.path.join(tmp, "out.h5")
        result = run([pzsim, "run", scenario, "-q", "-o", output])
        if result.returncode != 0 or not os.path.isfile(output):
            fail(f"pzsim run exited {result.returncode}:\n{result.stdout}{result.stderr}")
        result = run([pzsim, "validate", "--print", scenario])
        if result.returncode != 0:
            fail(f"pzsim validate --print exited {result.returncode}:\n{result.stderr}")
        printed = result.stdout
        resolved = yaml.safe_load(printed)
        cities = resolved["cities"]["list"]
        city_names = [c["name"] for c in cities]
        sector_names = [s["name"] for s in resolved["sectors"]]
        destination_names = [d["name"] for d in resolved["destinations"]]
        months = months_from(str(resolved["run"]["start"]), int(resolved["run"]["months"]))

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                ds = xr.open_dataset(output, engine="h5netcdf")
                ds.load()  # decode everything inside the warnings guard
            except Exception as e:  # a warning turned error, or a read failure
                fail(f"xarray.open_dataset(engine='h5netcdf') failed or warned: {type(e).__name__}: {e}")

        with ds:
            # Dimensions
            expected_sizes = {"time": len(months), "city": len(city_names), "sector": len(sector_names),
                              "channel": len(CHANNELS), "destination": len(destination_names)}
            for dim, size in expected_sizes.items():
                if check(dim in ds.sizes, f"dimension {dim!r} missing (dims: {dict(ds.sizes)})"):
                    check(ds.sizes[dim] == size, f"dimension {dim!r} has size {ds.sizes[dim]}, expected {size}")
            check("time" in ds.encoding.get("unlimited_dims", set()), "time is not the unlimited dimension")
            for dim, names in (("city", city_names), ("sector", sector_names), ("destination", destination_names),
                               ("channel", CHANNELS)):
                if dim in ds.coords:
                    check(list(map(str, ds[dim].values)) == names,
                          f"{dim} labels {list(map(str, ds[dim].values))} differ from the scenario's {names}")

            # Coordinates
            if check("month" in ds.coords, "coordinate 'month' missing"):
                check(ds["month"].dims == ("time",), f"month has dims {ds['month'].dims}, expected ('time',)")
                got = [str(m) for m in ds["month"].values]
                check(got == months, f"month is {got[:3]}...{got[-2:]}, expected {months[0]}..{months[-1]} consecutive")
            for name in ("province", "macro_region", "coastal", "synthetic"):
                if check(name in ds.coords, f"coordinate {name!r} missing"):
                    check(ds[name].dims == ("city",), f"{name} has dims {ds[name].dims}, expected ('city',)")
            if all(n in ds.coords for n in ("province", "macro_region", "coastal")):
                check([str(v) for v in ds["province"].values] == [c["province"] for c in cities],
                      "province differs from the scenario's cities")
                check([str(v) for v in ds["macro_region"].values] == [str(c["region"]) for c in cities],
                      "macro_region differs from the scenario's cities' region")
                check([bool(v) for v in ds["coastal"].values] == [bool(c["coastal"]) for c in cities],
                      "coastal differs from the scenario's cities")
            if "synthetic" in ds.coords:
                check([bool(v) for v in ds["synthetic"].values] == [bool(c["synthetic"]) for c in cities],
                      "synthetic differs from the resolved scenario's cities")

            # Time decodes to the first day of each month
            if "time" in ds.coords:
                check(np.issubdtype(ds["time"].dtype, np.datetime64), f"time decodes to {ds['time'].dtype}, not datetime64")
                if np.issubdtype(ds["time"].dtype, np.datetime64):
                    expected_time = pd.to_datetime([m + "-01" for m in months])
                    got_time = pd.DatetimeIndex(ds["time"].values)
                    check(got_time.equals(expected_time),
                          f"time is {list(got_time[:3])}..., expected first days of {months[0]}..{months[-1]}")

            # Variables and their dimensions
            for name, dims in EXPECTED_VARIABLES.items():
                if check(name in ds.data_vars, f"variable {name!r} missing"):
                    check(ds[name].dims == dims, f"{name} has dims {ds[name].dims}, expected {dims}")
            for name, var in ds.data_vars.items():
                if name == "time_bnds":  # dates, like time (tests/io/test_cf_conventions.py)
                    continue
                # No data variable is a date or a duration: a `units` that xarray takes for a
                # time unit ("days", "hours", ...) turns plain numbers into timedelta64.
                check(var.dtype.kind in "iufb",
                      f"{name} decodes to {var.dtype}, not a number (units {var.encoding.get('units', var.attrs.get('units'))!r} "
                      "read as a CF time unit?)")
                # CF flags have flag_values and flag_meanings instead of units.
                for attr in ("long_name",) if "flag_values" in var.attrs else ("units", "long_name"):
                    value = var.attrs.get(attr)
                    if attr in var.encoding and value is None:
                        check(False, f"{name}: xarray consumed its {attr!r} ({var.encoding[attr]!r}) while decoding it to "
                                     f"{var.dtype}, so ds[{name!r}].attrs has no {attr!r}")
                    else:
                        check(isinstance(value, str) and value.strip() != "", f"{name} has no {attr!r} attribute")

            # Root attributes
            for attr in ROOT_ATTRIBUTES:
                check(attr in ds.attrs, f"root attribute {attr!r} missing")
            check(str(ds.attrs.get("Conventions", "")).startswith("CF-"), "Conventions is not CF-x.y")
            check(ds.attrs.get("scenario_path") == scenario,
                  f"scenario_path is {ds.attrs.get('scenario_path')!r}, expected {scenario!r}")
            check(int(ds.attrs.get("seed", -1)) == int(resolved["run"]["seed"]),
                  f"seed is {ds.attrs.get('seed')!r}, expected {resolved['run']['seed']}")
            check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(ds.attrs.get("created_utc", ""))) is not None,
                  f"created_utc {ds.attrs.get('created_utc')!r} is not ISO 8601 UTC")
            check(float(ds.attrs.get("wall_seconds", -1)) >= 0, f"wall_seconds is {ds.attrs.get('wall_seconds')!r}")

            # scenario_yaml: parses, and round-trips through `pzsim validate --print`
            text = ds.attrs.get("scenario_yaml", "")
            try:
                check(isinstance(yaml.safe_load(text), dict), "scenario_yaml does not parse to a mapping")
            except yaml.YAMLError as e:
                check(False, f"scenario_yaml does not parse: {e}")
            check(text == printed, "scenario_yaml differs from `pzsim validate --print` of the scenario")
            stored = os.path.join(tmp, "stored.yaml")
            with open(stored, "w") as f:
                f.write(text)
            result = run([pzsim, "validate", "--print", stored])
            if check(result.returncode == 0, f"validate --print of scenario_yaml exited {result.returncode}: {result.stderr}"):
                check(result.stdout == text, "validate --print of scenario_yaml does not give back the same text")

            # pandas
            frame = ds["employment"].to_dataframe()
            check(isinstance(frame, pd.DataFrame) and "employment" in frame.columns,
                  "employment.to_dataframe() has no employment column")
            check(len(frame) == len(months) * len(city_names),
                  f"employment.to_dataframe() has {len(frame)} rows, expected {len(months) * len(city_names)}")
            check(list(frame.index.names) == ["time", "city"], f"employment frame index is {frame.index.names}")
            by_city = frame["employment"].groupby(level="city").last()
            check(len(by_city) == len(city_names) and (by_city > 0).all(), "employment at the end is not positive in every city")

            variables = sorted(ds.variables)

        # docs/outputs.md must mention every variable of the file
        docs = os.path.join(source, "docs", "outputs.md")
        if check(os.path.isfile(docs), f"{docs} does not exist yet: it must document the output variables"):
            with open(docs, encoding="utf-8") as f:
                text = f.read()
            missing = [v for v in variables if not re.search(rf"(?<![A-Za-z0-9_]){re.escape(v)}(?![A-Za-z0-9_])", text)]
            check(not missing, f"docs/outputs.md does not mention: {', '.join(missing)}")

    return check.exit_code("test_output_xarray: all checks passed")


if __name__ == "__main__":
    sys.exit(main())
