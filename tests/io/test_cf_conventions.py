#!/usr/bin/python3
"""A default run's file follows the CF-1.8 rules docs/outputs.md relies on, and says what the catalog says.

Usage: /usr/bin/python3 tests/io/test_cf_conventions.py <path-to-pzsim> <source-dir>

Runs scenarios/default.yaml (seed 1) in a temporary folder, then:
- analysis/cf_check.py finds no problem in the file (UDUNITS-2 units, cell_methods, time bounds,
  flags, coordinates, Conventions);
- the checker is not blind: each of seven broken copies of the file (a non-UDUNITS unit, a
  misspelt cell method, a cell method over a missing dimension, time without bounds, a flag
  meaning short, units on a string coordinate, another Conventions) is reported;
- the file's data variables are exactly the catalog's (`pzsim outputs`), each with the
  catalog's units, currency and cell_methods (flows "time: sum"), and none has the old
  `flow` attribute;
- xarray opens it with and without decode_times (time and time_bnds decode to datetime64,
  each month's bounds are its first day and the next month's) and decodes no timedelta;
- `ncdump -h` (Debian's netcdf-bin) reads it.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import h5py
import numpy as np
import pandas as pd
import xarray as xr

pzsim, source = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(source, "analysis"))
sys.path.insert(0, os.path.join(source, "tests", "support"))
import cf_check  # noqa: E402
from checks import Checks  # noqa: E402

check = Checks()


def text(value):
    return value.decode() if isinstance(value, bytes) else value


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "default.h5")
    run = subprocess.run([pzsim, "run", os.path.join(source, "scenarios", "default.yaml"), "-o", path, "--seed", "1",
                          "--threads", "2"], capture_output=True, text=True)
    if run.returncode != 0:
        print("FAIL: pzsim run:", run.stderr)
        sys.exit(1)

    udunits = cf_check.Udunits()
    found = cf_check.check_file(path, udunits)
    check(not found, "cf_check on a default run: " + "; ".join(found))

    # The checker catches what it claims to: one broken copy per rule.
    def broken(edit):
        copy = os.path.join(tmp, "broken.h5")
        shutil.copyfile(path, copy)
        with h5py.File(copy, "r+") as h5:
            edit(h5)
        return cf_check.check_file(copy, udunits)

    cases = {
        "exports_usd: units 'USD'": lambda h5: h5["exports_usd"].attrs.__setitem__("units", "USD"),
        "unknown method 'summ'": lambda h5: h5["exports_usd"].attrs.__setitem__("cell_methods", "time: summ"),
        "'month' is not a dimension": lambda h5: h5["employment"].attrs.__setitem__("cell_methods", "month: sum"),
        "time: bounds": lambda h5: h5["time"].attrs.__delitem__("bounds"),
        "zone_active: 2 flag_values but 1 flag_meanings": lambda h5: h5["zone_active"].attrs.__setitem__("flag_meanings", "zone"),
        "province: a string variable has units": lambda h5: h5["province"].attrs.__setitem__("units", "1"),
        "root: Conventions": lambda h5: h5.attrs.__setitem__("Conventions", "CF-1.7"),
    }
    for expected, edit in cases.items():
        reported = broken(edit)
        check(any(expected in p for p in reported), f"cf_check misses a broken file ({expected!r}); it said {reported}")
    check(not udunits.parse("workers") and udunits.parse("days since 1970-01-01") and udunits.parse("1"),
          "UDUNITS-2 parses 'workers' or refuses 'days since 1970-01-01' or '1'")

    # The file says what the catalog says.
    listing = subprocess.run([pzsim, "outputs"], capture_output=True, text=True, check=True).stdout
    catalog = pd.read_csv(pd.io.common.StringIO(listing), sep="\t", dtype=str, keep_default_na=False)
    coordinates = {"time", "time_bnds", "month", "city", "sector", "destination", "channel", "customs_code",
                   "instrument", "payer", "payee", "province", "macro_region", "coastal", "synthetic"}
    with h5py.File(path, "r") as h5:
        variables = cf_check.variables(h5)
        data = set(variables) - coordinates
        check(data == set(catalog["name"]), f"file variables not in the catalog: {sorted(data - set(catalog['name']))}; "
              f"catalog variables not in the file: {sorted(set(catalog['name']) - data)}")
        for row in catalog.itertuples():
            if row.name not in variables:
                continue
            attrs = {k: text(v) for k, v in variables[row.name][0].attrs.items()}
            check(attrs.get("units", "-") == row.units, f"{row.name}: units {attrs.get('units')!r}, catalog {row.units!r}")
            check(attrs.get("currency", "-") == row.currency,
                  f"{row.name}: currency {attrs.get('currency')!r}, catalog {row.currency!r}")
            kind = row.kind.split(",")[0]
            want = {"flow": "time: sum", "monthly_mean": "time: mean"}.get(kind)
            got = attrs.get("cell_methods")
            check((got is None) if want is None else (got or "").startswith(want),
                  f"{row.name}: cell_methods {got!r} for a {kind}")
            check("flow" not in attrs, f"{row.name}: still has the old flow attribute")

    # xarray reads it as users do.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = xr.open_dataset(path, engine="h5netcdf")
        raw = xr.open_dataset(path, engine="h5netcdf", decode_times=False)
    check(np.issubdtype(ds["time"].dtype, np.datetime64), f"time decodes to {ds['time'].dtype}")
    check(np.issubdtype(ds["time_bnds"].dtype, np.datetime64), f"time_bnds decodes to {ds['time_bnds'].dtype}")
    first = pd.DatetimeIndex(ds["time"].values)
    check((pd.DatetimeIndex(ds["time_bnds"].values[:, 0]) == first).all(), "time_bnds[:, 0] is not the month's first day")
    check((pd.DatetimeIndex(ds["time_bnds"].values[:, 1]) == first + pd.offsets.MonthBegin(1)).all(),
          "time_bnds[:, 1] is not the next month's first day")
    check(raw["time"].dtype == np.float64 and raw["time"].attrs.get("units") == "days since 1970-01-01",
          "decode_times=False does not give float days since 1970-01-01")
    timedeltas = [n for n, v in ds.variables.items() if np.issubdtype(v.dtype, np.timedelta64)]
    check(not timedeltas, f"decoded to timedelta64: {timedeltas}")
    check(float(ds["exports_usd"].sum()) > 0, "exports_usd is empty")
    ds.close()
    raw.close()

    ncdump = shutil.which("ncdump")
    if check(ncdump is not None, "ncdump not found (Debian's netcdf-bin: scripts/deps --with-python)"):
        header = subprocess.run([ncdump, "-h", path], capture_output=True, text=True)
        check(header.returncode == 0 and "time_bnds(time, nv)" in header.stdout and 'cell_methods = "time: sum"' in header.stdout,
              f"ncdump -h: exit {header.returncode}, {header.stderr.strip()[:300]}")

check.finish("CF-1.8 check, catalog, xarray and ncdump: OK")
